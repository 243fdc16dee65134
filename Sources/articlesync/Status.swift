import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared

extension ArticleSyncCommand {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Show what is waiting to sync and what needs attention.")

        @OptionGroup var options: ReplicaOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let replica = try options.open()
            let status = try replica.status()
            if json {
                try printJSON(status)
                return
            }
            print("replica of \"\(status.collection)\" on \(status.server)")
            print("\(status.articleCount) articles" + (status.deletedCount > 0 ? " (\(status.deletedCount) deleted)" : ""))
            print(status.pendingChanges == 0 ? "no local changes waiting" : "\(status.pendingChanges) article(s) with local changes not yet on the server")
            for rejected in status.rejectedChanges {
                print("  rejected by the server: \(rejected.articleID.prefix(8)): \(rejected.reason) (edit the article to fix it)")
            }
            if status.conflicts > 0 {
                print("\(status.conflicts) conflict(s): changed here and on the server in ways the merge could not settle; both versions are kept:")
                for conflict in try replica.conflicts() {
                    print("  \(conflict.articleID.prefix(8))  \(conflict.mine.title)  [\(conflict.fields.joined(separator: ", "))]  articlesync show \(conflict.articleID.prefix(8)) --conflict")
                }
            }
            let kept = UnsavedText.waiting(in: options.replicaDirectory)
            if !kept.isEmpty {
                print("\(kept.count) text(s) kept from edits that were not saved:")
                for name in kept {
                    let path = UnsavedText.directory(of: options.replicaDirectory) + "/" + name
                    let resolution = name.hasSuffix("-resolution.txt")
                    let id = name.dropLast(resolution ? 15 : 4)
                    print("  \(path)  `articlesync \(resolution ? "resolve" : "edit") \(id) --file \(path)` saves it")
                }
            }
            print("last sync: \(status.lastSyncAt ?? "never") (cursor \(status.cursor))")
        }
    }
}
