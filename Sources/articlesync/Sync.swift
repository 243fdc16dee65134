import ArgumentParser
import Foundation
import ArticleSyncClient
import ArticleSyncShared
import Logging

extension ArticleSyncCommand {
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync",
            abstract: "Exchange changes with the server.",
            discussion: """
                Exit status: 0 when the replica is in step; 3 when local changes stay off the server until a person acts \
                (conflicts, changes the server rejected, edits a read-only token cannot push); 1 on error. \
                Ctrl-C stops it, keeping what was downloaded or sent; the next sync carries on from there.

                With --watch it stays connected until SIGINT or SIGTERM: changes from the server arrive as they are made, \
                edits made here (by any articlesync command) are sent as they are made, and a lost server is retried with \
                growing pauses; a refusal no retry mends (a revoked token, say) ends it with status 1. \
                A long download shows a progress bar on a terminal and a line every few seconds otherwise.
                """)

        @OptionGroup var options: ReplicaOptions
        @Flag(name: [.short, .long], help: "Print nothing but errors.") var quiet = false
        @Flag(help: "Print the result as JSON (and no progress).") var json = false
        @Flag(help: "Stay connected and keep the replica in step until interrupted.") var watch = false
        @Option(help: ArgumentHelp("Settle what the merge cannot by taking this side where edits overlap (for scripts).", valueName: "mine|theirs"))
        var prefer: MergeSide?

        func run() async throws {
            let directory = options.replicaDirectory
            let replica = try directory.open()
            var engine = SyncEngine(directory: directory, replica: replica, logger: Logger(label: "articlesync"))
            engine.prefer = prefer
            if !quiet && !json { engine.progress = ProgressPrinter.standardOutput().report }
            if watch {
                try await Self.watch(engine, quiet: quiet || json)
                return
            }
            let interruption = SignalWait.reportingInterruption("what was downloaded or sent so far is kept; `articlesync sync` carries on from there")
            defer { interruption.forEach { $0.cancel() } }
            let report = try await engine.sync()
            if json {
                try printJSON(report)
            } else if !quiet {
                printMessage(Self.describe(report))
            }
            // A script's `sync && …` (retiring a machine, say) must not take a refused edit for a sent one.
            if report.needsAttention { throw ExitCode(3) }
        }

        /// Runs the watcher until SIGINT or SIGTERM, then stops it and returns (exit status 0); or
        /// until the server refuses this replica for good, which is thrown (exit status 1).
        static func watch(_ engine: SyncEngine, quiet: Bool) async throws {
            let watcher = SyncWatcher(engine: engine)
            let task = Task {
                await watcher.run { event in
                    guard !quiet else { return }
                    switch event {
                    case .connected(let server): emitLine("watching \(server); Ctrl-C stops")
                    case .synced(let report): emitLine(SuggestedCommands.carryingReplicaOption(Self.describe(report, watching: true)))
                    case .disconnected(let reason, let wait): emitLine(SuggestedCommands.carryingReplicaOption("disconnected: \(reason); retrying in \(Self.seconds(wait)) s"))
                    }
                }
            }
            let interruption = Task {
                await SignalWait.untilInterrupted()
                task.cancel()
            }
            let refusal = await task.value
            interruption.cancel()
            if let refusal { throw refusal }
            if !quiet { emitLine("stopped watching") }
        }

        static func seconds(_ duration: Duration) -> String {
            let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            return String(format: "%.1f", value)
        }

        static func describe(_ report: SyncReport, watching: Bool = false) -> String {
            var lines = ["pulled \(report.pulled), pushed \(report.pushed)"]
            if report.merged > 0 { lines.append("merged \(report.merged) article(s) edited here and on the server") }
            if report.resolvedByPreference > 0 { lines.append("settled \(report.resolvedByPreference) conflict(s) with --prefer") }
            if !report.keptMine.isEmpty {
                lines.append("your side of them, which never reached the server (so `history` does not have it), is kept in "
                    + report.keptMine.map(ShellWord.quoted).joined(separator: ", ") + "; `articlesync edit ID --file FILE` saves one after all")
            }
            if report.redownloaded { lines.append("the server's database was replaced, or went back to an older copy that lacks changes this replica had: "
                                                 + "the collection was downloaded again and what the server lacked was sent back; local edits were kept") }
            if report.resent > 0 { lines.append("sent \(report.resent) article(s) again that the replaced server no longer had") }
            if report.rejected > 0 {
                lines.append("\(report.rejected) change(s) rejected by the server; `articlesync status` says why")
            } else if report.rejectedWaiting > 0 {
                lines.append("\(report.rejectedWaiting) change(s) the server rejected earlier wait for an edit that fixes them; `articlesync status` says why")
            }
            if report.readOnly && report.pending > 0 { lines.append("this replica's token is read-only: \(report.pending) local change(s) not pushed; "
                + "they stay queued until a write token is put in with `articlesync remote token --token-file FILE`") }
            if report.unresolvedConflicts > 0 {
                lines.append("\(report.unresolvedConflicts) conflict(s) left: both versions are kept and not pushed; "
                             + "run `articlesync conflicts`, then `articlesync resolve ID --mine|--theirs|--edit` (or `sync --prefer mine|theirs`)")
            } else if report.pending == 0 && !watching {
                lines.append("in step with the server")
            }
            return lines.joined(separator: "\n")
        }
    }
}

extension MergeSide: ExpressibleByArgument {}
