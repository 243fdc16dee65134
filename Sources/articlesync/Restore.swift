import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared
import Logging

extension ArticleSyncCommand {
    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "restore", abstract: "Bring a deleted article back, as it was when deleted (an edit that syncs like any other).",
            discussion: """
                With --version N, make the text of version N from the server's history the article's again instead \
                (`articlesync history ID` lists the versions; this asks the server). Either way it is a new edit: \
                the versions in between stay in the history.
                """)

        @OptionGroup var options: ReplicaOptions
        @Argument(help: "The article id or a unique prefix of it.") var id: String
        @Option(help: ArgumentHelp("Make version N's text the article's again (asks the server).", valueName: "N")) var version: Int64?

        func validate() throws {
            if let version, version < 1 { throw ValidationError("--version must be 1 or more (`articlesync history ID` lists the versions)") }
        }

        func run() async throws {
            let replica = try options.open()
            let fullID = try replica.resolveID(id)
            if let version { return try await restore(version: version, of: fullID, in: replica) }
            guard try replica.article(fullID)?.isDeleted == true else {
                print("\(fullID.prefix(8)) is not deleted; nothing to do")
                return
            }
            try replica.update(fullID) { $0.isDeleted = false }
            printMessage("restored \(fullID.prefix(8)); `articlesync sync` sends it")
        }

        func restore(version number: Int64, of fullID: String, in replica: Replica) async throws {
            let short = fullID.prefix(8)
            try replica.refuseIfConflicted(fullID)
            // Unsynced changes are in no version on the server: replaced here, they would be gone.
            if try replica.locallyModifiedIDs().contains(fullID) {
                throw ReplicaError("article \(short) has changes not yet synced, which no version on the server holds; "
                    + "`articlesync sync` first (they then stay in the history), then restore the version")
            }
            let engine = SyncEngine(directory: options.replicaDirectory, replica: replica, logger: Logger(label: "articlesync"))
            let old = try await engine.version(number, of: fullID).change.article
            guard !old.isDeleted else {
                throw ReplicaError("version \(number) of article \(short) is its deletion; `articlesync delete \(short)` deletes it")
            }
            let before = try replica.article(fullID)
            let restored = try replica.update(fullID) { Replica.setContent(of: &$0, to: old) }
            if let before, restored.hasSameContent(as: before) {
                print("\(short) already holds the text of version \(number); nothing to do")
            } else {
                printMessage("restored \(short) to the text of version \(number); `articlesync sync` sends it")
            }
        }
    }
}
