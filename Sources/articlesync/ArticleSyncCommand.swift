import ArgumentParser
import ArticleSyncClient
import Foundation

@main
struct ArticleSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "articlesync",
        abstract: "Keep an article collection in step across machines, offline first.",
        discussion: """
            A replica is a directory made by `articlesync init`. Every command works on the replica in the current
            directory, or in DIR with -C DIR, and all of them except `sync` work with no network.
            Try `articlesync demo` for a tour on a throwaway server.
            """,
        subcommands: [
            Demo.self, Init.self, Add.self, List.self, Show.self, Edit.self, SetFields.self, Delete.self,
            Export.self, Status.self, Sync.self, Remote.self,
        ]
    )
}

/// `-C DIR`, like git: the replica to work on.
struct ReplicaOptions: ParsableArguments {
    @Option(name: .customShort("C"), help: ArgumentHelp("Work on the replica in DIR instead of the current directory.", valueName: "DIR"))
    var directory: String = "."

    var replicaDirectory: ReplicaDirectory { ReplicaDirectory(path: directory) }

    func open() throws -> Replica { try replicaDirectory.open() }
}

/// Prints values as pretty JSON with stable key order, for `--json`.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Writes to stderr (messages that are not the command's output).
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
