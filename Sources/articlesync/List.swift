import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared

extension ArticleSyncCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List articles: short id, category, title; * marks local changes not yet synced.")

        @OptionGroup var options: ReplicaOptions
        @Flag(help: "Include deleted articles.") var all = false
        @Flag(help: "Print JSON.") var json = false

        struct Entry: Encodable {
            var id: String
            var title: String
            var category: String
            var source: String
            var tags: [String]
            var version: Int64
            var deleted: Bool
            var modified: Bool
            var contentHash: String
        }

        func run() async throws {
            let replica = try options.open()
            let modified = try replica.locallyModifiedIDs()
            if json {
                // Source and tags live only in the article's text, and the hash is computed from
                // the content shown, so JSON reads every article.
                try printJSON(try replica.articles(includeDeleted: all).map {
                    Entry(id: $0.idString, title: $0.title, category: $0.category, source: $0.source, tags: $0.sortedTags,
                          version: $0.version, deleted: $0.isDeleted, modified: modified.contains($0.idString), contentHash: $0.contentHash)
                })
                return
            }
            for article in try replica.summaries(includeDeleted: all) {
                let mark = modified.contains(article.id) ? "*" : " "
                let deleted = article.isDeleted ? " (deleted)" : ""
                print("\(article.id.prefix(8)) \(mark) \(article.category)\t\(article.title)\(deleted)")
            }
        }
    }
}
