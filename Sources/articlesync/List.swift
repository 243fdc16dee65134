import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared
import Foundation

extension ArticleSyncCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List articles: short id, category, a tab, title; * marks local changes not yet synced.")

        @OptionGroup var options: ReplicaOptions
        @Flag(name: [.short, .long], help: "Include deleted articles.") var all = false
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
            let replica = try options.openForReading()
            let modified = try replica.locallyModifiedIDs()
            if json {
                // Source and tags live only in the article's text, so JSON reads every article: one
                // at a time, printed as it is read. It held them all, 89 MB for 8,300 articles.
                var printer = JSONArrayPrinter()
                try replica.forEachArticle(includeDeleted: all, in: .categoryAndTitle) { article, contentHash in
                    try printer.print(Entry(id: article.idString, title: article.title, category: article.category, source: article.source,
                                            tags: article.sortedTags, version: article.version, deleted: article.isDeleted,
                                            modified: modified.contains(article.idString), contentHash: contentHash))
                }
                printer.finish()
                return
            }
            for article in try replica.summaries(includeDeleted: all) {
                let mark = modified.contains(article.id) ? "*" : " "
                let deleted = article.isDeleted ? " (deleted)" : ""
                print("\(article.id.prefix(8)) \(mark) \(Self.oneColumn(article.category))\t\(Self.oneColumn(article.title))\(deleted)")
            }
        }

        /// A field with its tabs shown as spaces: the tab after the category is what scripts split
        /// on (`cut -f2` for the title), and a tab typed into a field (`set --title $'a\tb'`, which
        /// the text format allows) moved the title into a third column, or cut it short. JSON keeps
        /// the field as it is.
        static func oneColumn(_ field: String) -> String {
            field.utf8.contains(UInt8(ascii: "\t")) ? field.replacingOccurrences(of: "\t", with: " ") : field
        }
    }
}
