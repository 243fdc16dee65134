import ArgumentParser
import ArticleSyncServer
import ArticleSyncShared

@main
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "articlesync-server",
        abstract: "The ArticleSync sync server: keeps every collection's change log and serves clients over TLS.",
        discussion: """
            Start with `articlesync-server serve`. On first start it creates the data directory, the change log, \
            a TLS identity and the collection "articles", and prints the certificate fingerprint clients pin.

            The other subcommands work on the same data directory, also while the server runs.
            """,
        version: "articlesync-server \(ArticleSyncVersion.description)",
        subcommands: [Serve.self, Fingerprint.self, CollectionCommand.self, TokenCommand.self, Backup.self, Check.self, Status.self]
    )

    /// Says what a failing change log means (a full disk, say) instead of printing SQLite's words alone.
    static func main() async {
        do {
            try refuseUnknownCommand(CommandLine.arguments.dropFirst().first)
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: SuggestedAdminCommands.carryingDataOption(AdminError.explaining(error)))
        }
    }

    /// The parser's own words for `articlesync-server init --data DIR` are "Unknown option '--data'",
    /// blaming the one part typed right.
    static func refuseUnknownCommand(_ word: String?) throws {
        guard let word, !word.hasPrefix("-"), word != "help",
              !configuration.subcommands.contains(where: { $0._commandName == word }) else { return }
        // `init` is what a reader of `articlesync init` tries first; serve does its work.
        let hint = word == "init" ? "; `articlesync-server serve` creates the data directory on first start" : ""
        throw ValidationError("'\(word)' is not an articlesync-server command\(hint); `articlesync-server --help` lists them")
    }
}

/// `--data DIR`, shared by every subcommand.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The server's data directory.", valueName: "DIR"))
    var data: String = Self.defaultDirectory

    static let defaultDirectory = "./articlesync-data"

    var directory: ServerDataDirectory { ServerDataDirectory(path: data) }

    /// `--data "$DIR"` with DIR unset: before, "" made the change log, key and token hashes files
    /// at the root of the file system (/changelog.sqlite).
    func validate() throws {
        if data.isEmpty { throw ValidationError("--data needs a directory (the one given is empty: an unset shell variable?)") }
        SuggestedAdminCommands.record(dataDirectory: data)
    }
}

