import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared

extension ArticleSyncCommand {
    struct Conflicts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "conflicts", abstract: "List articles changed here and on the server in ways the merge could not settle.")

        @OptionGroup var options: ReplicaOptions
        @Flag(help: "Print JSON.") var json = false

        struct Entry: Encodable {
            var id: String
            var title: String
            var fields: [String]
            var serverVersion: Int64
        }

        func run() async throws {
            let conflicts = try options.openForReading().conflicts()
            if json {
                try printJSON(conflicts.map { Entry(id: $0.articleID, title: $0.mine.title, fields: $0.fields, serverVersion: $0.theirs.version) })
                return
            }
            if conflicts.isEmpty {
                print("no conflicts")
                return
            }
            for conflict in conflicts {
                print("\(conflict.articleID.prefix(8))  \(conflict.mine.title)  [\(conflict.fields.joined(separator: ", "))]")
            }
            printMessage("see one with `articlesync show ID --conflict`, settle it with `articlesync resolve ID --mine|--theirs|--file F|--edit`")
        }
    }
}
