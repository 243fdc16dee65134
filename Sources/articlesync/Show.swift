import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared

extension ArticleSyncCommand {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print an article in the plain-text format (a unique id prefix is enough).")

        @OptionGroup var options: ReplicaOptions
        @Argument(help: "The article id or a unique prefix of it.") var id: String
        @Flag(help: "Print JSON, with version and content hash.") var json = false
        @Flag(help: "Print both sides of an unresolved conflict (and the common base).") var conflict = false

        struct Output: Encodable {
            var article: Article
            var contentHash: String
            var modified: Bool
        }

        func run() async throws {
            let replica = try options.openForReading()
            let fullID = try replica.resolveID(id)
            if conflict {
                guard let record = try replica.conflicts().first(where: { $0.articleID == fullID }) else {
                    throw ReplicaError("article \(fullID.prefix(8)) has no conflict")
                }
                print("conflict on \(fullID) (fields: \(record.fields.joined(separator: ", ")))")
                if let base = record.base { print("\n===== base (server version \(base.version))\n\(render(base))") }
                print("\n===== mine (this replica)\n\(render(record.mine))")
                print("\n===== theirs (server version \(record.theirs.version))\n\(render(record.theirs))")
                printMessage("\n===== merge attempt (`articlesync resolve \(fullID.prefix(8)) --edit` opens it)")
                print(record.attempt)
                return
            }
            guard let article = try replica.article(fullID) else { throw ReplicaError("there is no article \(fullID)") }
            if json {
                try printJSON(Output(article: article, contentHash: article.contentHash, modified: try replica.locallyModifiedIDs().contains(fullID)))
            } else {
                print(render(article))
            }
        }

        func render(_ article: Article) -> String {
            article.isDeleted ? "(deleted)\n" + ArticleText.print(article) : ArticleText.print(article)
        }
    }
}
