import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared

extension ArticleSyncCommand {
    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "restore", abstract: "Bring a deleted article back, as it was when deleted (an edit that syncs like any other).")

        @OptionGroup var options: ReplicaOptions
        @Argument(help: "The article id or a unique prefix of it.") var id: String

        func run() async throws {
            let replica = try options.open()
            let fullID = try replica.resolveID(id)
            guard try replica.article(fullID)?.isDeleted == true else {
                print("\(fullID.prefix(8)) is not deleted; nothing to do")
                return
            }
            try replica.update(fullID) { $0.isDeleted = false }
            printMessage("restored \(fullID.prefix(8)); `articlesync sync` sends it")
        }
    }
}
