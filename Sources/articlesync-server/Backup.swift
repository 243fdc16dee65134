import ArgumentParser
import ArticleSyncServer

extension ServerCommand {
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backup",
            abstract: "Write a consistent copy of the change log to FILE, also while the server runs.",
            discussion: """
                To restore: stop the server, replace DIR/changelog.sqlite with the copy (and remove any changelog.sqlite-wal \
                and -shm next to it), start the server. The copy has a new epoch, so clients re-download and send again \
                whatever the restored server no longer has.
                """)

        @OptionGroup var dataOptions: DataOptions
        @Argument(help: "Where to write the copy (must not exist).") var file: String

        func run() async throws {
            try dataOptions.directory.openExistingChangeLog().backup(to: file)
            print("backup written to \(file)")
        }
    }
}
