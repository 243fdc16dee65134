import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared
import Foundation

extension ArticleSyncCommand {
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write every article to DIR as <id>.txt in the plain-text format.",
            discussion: """
                Files of an earlier export are replaced, each one whole (it is written under a hidden \
                name and renamed into place); files of articles deleted since stay. `articlesync add` \
                imports files in this format as new articles.
                """)

        @OptionGroup var options: ReplicaOptions
        @Argument(help: "The directory to write to (created when missing).") var target: String

        func run() async throws {
            let replica = try options.open()
            let count = try ArticleExport.write(replica, to: target)
            print("exported \(count) articles to \(target)")
        }
    }
}
