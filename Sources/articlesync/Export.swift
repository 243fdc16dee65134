import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared
import Foundation

extension ArticleSyncCommand {
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "export", abstract: "Write every article to DIR as <id>.txt in the plain-text format.")

        @OptionGroup var options: ReplicaOptions
        @Argument(help: "The directory to write to (created when missing).") var target: String

        func run() async throws {
            let replica = try options.open()
            let articles = try replica.articles()
            do {
                try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
                for article in articles {
                    try Data(ArticleText.print(article).utf8).write(to: URL(fileURLWithPath: "\(target)/\(article.idString).txt"), options: .atomic)
                }
            } catch {
                throw ReplicaError("cannot write to \(target): \(error.localizedDescription)")
            }
            print("exported \(articles.count) articles to \(target)")
        }
    }
}
