import ArgumentParser
import ArticleSyncServer

extension ServerCommand {
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check the change log: SQLite integrity, every article's history 1…n with rising seqs, no edit applied twice.",
            discussion: "Exit status 0 when sound, 1 otherwise. Safe while the server runs.")

        @OptionGroup var dataOptions: DataOptions

        func run() async throws {
            let audit = try dataOptions.directory.openExistingChangeLog().audit()
            print("integrity: \(audit.integrity)")
            print("articles: \(audit.articles), changes: \(audit.changes)")
            print("broken histories: \(audit.brokenHistories.isEmpty ? "none" : audit.brokenHistories.joined(separator: ", "))")
            print("edits applied twice: \(audit.repeatedContents)")
            print("latest state out of step with history: \(audit.staleLatest.isEmpty ? "none" : audit.staleLatest.joined(separator: ", "))")
            if !audit.isSound { throw ExitCode(1) }
        }
    }
}
