import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared
import Logging

extension ArticleSyncCommand {
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Exchange changes with the server.",
            discussion: "Exit status: 0 when the replica is in step, 3 when conflicts remain, 1 on error.")

        @OptionGroup var options: ReplicaOptions
        @Flag(help: "Print nothing but errors.") var quiet = false
        @Option(help: ArgumentHelp("Settle what the merge cannot by taking this side where edits overlap (for scripts).", valueName: "mine|theirs"))
        var prefer: MergeSide?

        func run() async throws {
            let directory = options.replicaDirectory
            let replica = try directory.open()
            var engine = SyncEngine(directory: directory, replica: replica, logger: Logger(label: "articlesync"))
            engine.prefer = prefer
            let report = try await engine.sync()
            if !quiet { print(Self.describe(report)) }
            if report.unresolvedConflicts > 0 { throw ExitCode(3) }
        }

        static func describe(_ report: SyncReport) -> String {
            var lines = ["pulled \(report.pulled), pushed \(report.pushed)"]
            if report.merged > 0 { lines.append("merged \(report.merged) article(s) edited here and on the server") }
            if report.resolvedByPreference > 0 { lines.append("settled \(report.resolvedByPreference) conflict(s) with --prefer") }
            if report.redownloaded { lines.append("the server's database was replaced (new epoch): the collection was downloaded again; local edits were kept") }
            if report.resent > 0 { lines.append("sent \(report.resent) article(s) again that the replaced server no longer had") }
            if report.rejected > 0 { lines.append("\(report.rejected) change(s) rejected by the server; `articlesync status` says why") }
            if report.readOnly && report.pending > 0 { lines.append("this replica's token is read-only: \(report.pending) local change(s) not pushed") }
            if report.unresolvedConflicts > 0 {
                lines.append("\(report.unresolvedConflicts) conflict(s) left: both versions are kept and not pushed; "
                             + "run `articlesync conflicts`, then `articlesync resolve ID --mine|--theirs|--edit` (or `sync --prefer mine|theirs`)")
            } else if report.pending == 0 {
                lines.append("in step with the server")
            }
            return lines.joined(separator: "\n")
        }
    }
}

extension MergeSide: ExpressibleByArgument {}
