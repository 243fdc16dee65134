import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared
import Foundation

extension ArticleSyncCommand {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Import article files (plain-text article format) and print their new ids.",
            discussion: "All files are read and checked first; if any is refused, none is imported.")

        @OptionGroup var options: ReplicaOptions

        @Argument(help: "Article files.")
        var files: [String]

        func run() async throws {
            let replica = try options.open()
            var articles: [Article] = []
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw ValidationError("cannot read \(file): no such file, or it is not readable")
                }
                articles.append(try ArticleText.parse(data, file: file))
            }
            for article in try replica.add(articles) {
                print("\(article.idString)\t\(article.title)")
            }
        }
    }
}
