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
                name and renamed into place); files of articles deleted since stay. A file that holds \
                changes this replica does not have is kept, not replaced: one edited since this replica \
                wrote it (save it with `articlesync edit ID --file FILE`), or one it has no note of \
                writing (another replica's export, an older one). Such files are listed and the export \
                exits with status 1; remove a file to have it written again. `articlesync add` imports \
                files in this format as new articles.
                """)

        @OptionGroup var options: ReplicaOptions
        @Argument(help: "The directory to write to (created when missing).") var target: String

        func validate() throws {
            if target.isEmpty { throw ValidationError("give the directory to export to (the one given is empty: an unset shell variable?)") }
        }

        func run() async throws {
            let replica = try options.openForReading()
            let outcome = try ArticleExport.write(replica, to: target)
            print("exported \(outcome.exported) articles to \(target)")
            if replica.isReadOnly {
                printError("note: the replica is on a read-only file system, so these files are not noted in it (`edit --file` uses "
                    + "such notes to refuse a file that went stale)")
            }
            guard !outcome.kept.isEmpty else { return }
            printError("kept \(outcome.kept.count) file(s) that hold changes this replica does not have, instead of replacing them:")
            for file in outcome.kept.prefix(Self.keptListed) {
                let short = file.articleID.prefix(8)
                printError(file.changedSinceWritten
                    ? "  \(file.path): edited since this replica wrote it; `articlesync edit \(short) --file \(ShellWord.quoted(file.path))` saves it to the article"
                    : "  \(file.path): differs from the article, and this replica has no note of writing it")
            }
            if outcome.kept.count > Self.keptListed { printError("  … and \(outcome.kept.count - Self.keptListed) more") }
            printError("remove a kept file and export again to have the article written in its place")
            throw ExitCode(1)
        }

        /// Enough to see what happened; an export over a whole folder of foreign files would
        /// otherwise print 20,000 lines.
        static let keptListed = 20
    }
}
