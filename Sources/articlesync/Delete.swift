import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared

extension ArticleSyncCommand {
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete an article (a tombstone that syncs like any edit).")

        @OptionGroup var options: ReplicaOptions
        @Argument(help: "The article id or a unique prefix of it.") var id: String

        func run() async throws {
            let replica = try options.open()
            let fullID = try replica.resolveID(id)
            if try replica.article(fullID)?.isDeleted == true {
                print("\(fullID.prefix(8)) is already deleted; nothing to do")
                return
            }
            try replica.update(fullID) { $0.isDeleted = true }
            printMessage("deleted \(fullID.prefix(8)); `articlesync restore \(fullID.prefix(8))` brings it back")
        }
    }
}
