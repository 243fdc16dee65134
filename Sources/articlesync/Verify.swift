import ArgumentParser
import ArticleSyncClient
import Logging

extension ArticleSyncCommand {
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check that this replica holds exactly what the server holds.",
            discussion: """
                Prints `in sync` (exit 0) or the ids that differ (exit 1). Local changes not yet synced count as differences; \
                they are marked as changed here. \
                It first checks this replica's file (SQLite's quick_check, and every article's stored text against its hash), \
                which a sync does not read whole, and says so if it is damaged.
                """)

        @OptionGroup var options: ReplicaOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let directory = options.replicaDirectory
            let engine = SyncEngine(directory: directory, replica: try directory.open(), logger: Logger(label: "articlesync"))
            let report = try await engine.verify()
            if json {
                try printJSON(report)
            } else if report.inSync {
                print("in sync (\(report.articles) articles)")
            } else {
                // Before, an article edited here and not yet synced read like damage.
                let changedHere = Set(report.changedHere)
                print("\(report.differing.count) article(s) differ from the server:")
                for id in report.differing { print("  \(id)" + (changedHere.contains(id) ? "  (changed here, not yet on the server)" : "")) }
                if changedHere.count == report.differing.count {
                    printMessage("all of them only by local changes: `articlesync sync` sends them (`articlesync status` shows any conflict)")
                } else {
                    printMessage("\(changedHere.isEmpty ? "they" : "the rest") changed on the server since this replica's last sync, or went "
                          + "astray: run `articlesync sync`, then verify again")
                }
            }
            if report.serverReplaced && !json {
                printMessage("the server's database was replaced, or went back to an older copy, since this replica last synced: "
                      + "`articlesync sync` downloads the collection again and sends back what the server lacks")
            }
            if !report.inSync { throw ExitCode(1) }
        }
    }
}
