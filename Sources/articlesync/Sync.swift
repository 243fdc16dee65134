import ArgumentParser
import ArticleSyncClient
import Logging

extension ArticleSyncCommand {
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Exchange changes with the server.",
            discussion: "Exit status: 0 when the replica is in step, 3 when conflicts remain, 1 on error.")

        @OptionGroup var options: ReplicaOptions
        @Flag(help: "Print nothing but errors.") var quiet = false

        func run() async throws {
            let directory = options.replicaDirectory
            let replica = try directory.open()
            let engine = SyncEngine(directory: directory, replica: replica, logger: Logger(label: "articlesync"))
            let report = try await engine.sync()
            if !quiet { print(Self.describe(report)) }
            if report.unresolvedConflicts > 0 { throw ExitCode(3) }
        }

        static func describe(_ report: SyncReport) -> String {
            var lines = ["pulled \(report.pulled), pushed \(report.pushed)"]
            if report.redownloaded { lines.append("the server's database was replaced (new epoch): the collection was downloaded again; local edits were kept") }
            if report.rejected > 0 { lines.append("\(report.rejected) change(s) rejected by the server; `articlesync status` says why") }
            if report.readOnly && report.pending > 0 { lines.append("this replica's token is read-only: \(report.pending) local change(s) not pushed") }
            if report.unresolvedConflicts > 0 {
                lines.append("\(report.unresolvedConflicts) conflict(s): both versions are kept; `articlesync status` lists them")
            } else if report.pending == 0 {
                lines.append("in step with the server")
            }
            return lines.joined(separator: "\n")
        }
    }
}
