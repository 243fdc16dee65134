import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared

extension ArticleSyncCommand {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Show what is waiting to sync and what needs attention.")

        @OptionGroup var options: ReplicaOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let replica = try options.openForReading()
            let status = try replica.status()
            let kept = UnsavedText.waiting(in: options.replicaDirectory).map { KeptText(name: $0, in: options.replicaDirectory) }
            if json {
                try printJSON(StatusJSON(status: status, unsavedTexts: kept))
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
                    print("  \(conflict.articleID.prefix(8))  \(conflict.mine.title)  [\(conflict.fields.joined(separator: ", "))]  "
                          + SuggestedCommands.carryingReplicaOption("articlesync show \(conflict.articleID.prefix(8)) --conflict"))
                }
            }
            if !kept.isEmpty {
                print("\(kept.count) text(s) kept from edits that were not saved:")
                for text in kept { print("  \(text.path)  " + SuggestedCommands.carryingReplicaOption("`\(text.command)` saves it")) }
            }
            print("last sync: \(status.lastSyncAt ?? "never") (cursor \(status.cursor))")
        }
    }
}

/// `status --json`: the replica's status with the kept texts beside its fields (before, the JSON
/// did not name them, while the text did).
struct StatusJSON: Encodable {
    var status: ReplicaStatus
    var unsavedTexts: [KeptText]

    enum CodingKeys: String, CodingKey { case unsavedTexts }

    func encode(to encoder: any Encoder) throws {
        try status.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(unsavedTexts, forKey: .unsavedTexts)
    }
}
