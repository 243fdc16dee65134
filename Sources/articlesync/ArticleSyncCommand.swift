import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared
import Foundation

@main
struct ArticleSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "articlesync",
        abstract: "Keep an article collection in step across machines, offline first.",
        discussion: """
            A replica is a directory made by `articlesync init`. Every command works on the replica in the current \
            directory, or in DIR with -C DIR, and all of them except `sync`, `verify`, `history`, \
            `show --version` and `restore --version` work with no network.

            Try `articlesync demo` for a tour on a throwaway server.
            """,
        version: "articlesync \(ArticleSyncVersion.description)",
        subcommands: [
            Demo.self, Init.self, Add.self, List.self, Show.self, Edit.self, SetFields.self, Delete.self, Restore.self,
            Export.self, Status.self, Sync.self, Conflicts.self, Resolve.self, Verify.self, History.self, Remote.self,
        ]
    )

    /// Accepts `-C DIR` before the subcommand too, like git (`articlesync -C DIR sync`).
    static func main() async {
        do {
            let arguments = try Self.movingDirectoryOption(Array(CommandLine.arguments.dropFirst()))
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            StandardOutput.flush()
        } catch {
            StandardOutput.flush()
            var explained = ReplicaError.explaining(error)
            // A refused token's message suggests `articlesync remote token`, which needs the -C DIR too.
            if let refusal = explained as? ServerRefusal { explained = ReplicaError(refusal.description) }
            guard var failure = explained as? ReplicaError else { exit(withError: explained) }
            failure.message = SuggestedCommands.carryingReplicaOption(failure.message)
            exit(withError: failure)
        }
    }

    /// Moves a leading `-C DIR` behind the subcommand names, where the subcommand's option parses it.
    /// Every command names itself in its configuration: a name derived from the type goes through
    /// `String(describing:)`, whose runtime casts were a tenth of the CPU a `sync` with nothing to do took.
    /// With no command after `-C DIR`, the parser would have called `-C` itself the unknown option.
    static func movingDirectoryOption(_ arguments: [String]) throws -> [String] {
        if arguments == ["-C"] {
            throw ValidationError("-C needs a directory and a command after it, as in `articlesync -C DIR status`")
        }
        guard arguments.count >= 2, arguments[0] == "-C" else {
            try refuseUnknownCommand(arguments.first)
            return arguments
        }
        let option = Array(arguments[0...1])
        var rest = Array(arguments.dropFirst(2))
        var command: any ParsableCommand.Type = ArticleSyncCommand.self
        var index = 0
        while index < rest.count,
              let sub = command.configuration.subcommands.first(where: { $0._commandName == rest[index] }) {
            command = sub
            index += 1
        }
        if index == 0 {
            guard let word = rest.first else {
                throw ValidationError("-C DIR needs a command after it, as in `articlesync -C \(ShellWord.quoted(arguments[1])) status`")
            }
            try refuseUnknownCommand(word)
            // `-C DIR --help` or `-C DIR help sync`: the top level has no -C of its own.
            return rest
        }
        rest.insert(contentsOf: option, at: index)
        return rest
    }

    /// The parser's own words for `articlesync lsit` are "Unexpected argument 'lsit'".
    static func refuseUnknownCommand(_ word: String?) throws {
        guard let word, !word.hasPrefix("-"), word != "help",
              !configuration.subcommands.contains(where: { $0._commandName == word }) else { return }
        throw ValidationError("'\(word)' is not an articlesync command; `articlesync --help` lists them")
    }
}

/// `-C DIR`, like git: the replica to work on.
struct ReplicaOptions: ParsableArguments {
    @Option(name: .customShort("C"), help: ArgumentHelp("Work on the replica in DIR (or the one DIR is inside) instead of the current directory's.",
                                                         valueName: "DIR"))
    var directory: String = "."

    /// Called by the parser, which makes it the place where the `-C DIR` of the command about to
    /// run is known before it runs, for the commands its messages suggest (`SuggestedCommands`).
    func validate() throws {
        SuggestedCommands.record(directory: directory)
    }

    /// `-C ""` is the current directory, as in git; before, it was "" and the replica looked for
    /// was "/.articlesync", at the root.
    var replicaDirectory: ReplicaDirectory { ReplicaDirectory.enclosing(directory.isEmpty ? "." : directory) }

    func open() throws -> Replica { try replicaDirectory.open() }

    /// For commands that only read: also a replica on a read-only file system (a snapshot).
    func openForReading() throws -> Replica { try replicaDirectory.openForReading() }
}

/// `--token` or `--token-file`, for `init` and `remote token`.
struct TokenOptions: ParsableArguments {
    @Option(help: "The access token (`articlesync-server token create` prints one).")
    var token: String?

    @Option(help: ArgumentHelp("Read the token from a file instead, keeping it out of the shell history (- reads standard input).", valueName: "FILE"))
    var tokenFile: String?

    func validate() throws {
        if (token == nil) == (tokenFile == nil) { throw ValidationError("give exactly one of --token and --token-file") }
    }

    /// The token given, as written (the replica trims it).
    func value() throws -> String {
        guard let tokenFile else { return token ?? "" }
        guard let data = try InputFile.contents(orStandardInput: tokenFile, holding: "the token") else { throw ValidationError("cannot read the token file \(tokenFile): \(InputFile.whyUnreadable(tokenFile))") }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Prints values as pretty JSON with stable key order, for `--json`.
func printJSON(_ value: some Encodable) throws {
    print(String(decoding: try jsonEncoder().encode(value), as: UTF8.self))
}

func jsonEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return encoder
}

/// Prints a JSON array element by element, exactly as `printJSON` prints the whole array, so that
/// a long one need not be held in memory.
struct JSONArrayPrinter {
    private let encoder = jsonEncoder()
    private var count = 0

    mutating func print(_ element: some Encodable) throws {
        let text = String(decoding: try encoder.encode(element), as: UTF8.self)
        let indented = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
        Swift.print((count == 0 ? "[\n" : ",\n") + indented, terminator: "")
        count += 1
    }

    func finish() {
        Swift.print(count == 0 ? "[\n\n]" : "\n]")
    }
}

