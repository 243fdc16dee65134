import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared
import Foundation
import Logging

extension ArticleSyncCommand {
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history",
            abstract: "List an article's versions on the server, newest first (asks the server).",
            discussion: """
                The server keeps every version of every article: text a merge, a resolution or another machine's edit \
                replaced is there. `articlesync show ID --version N` prints one; `articlesync restore ID --version N` \
                makes its text the article's again, as a new edit. Nothing in this replica changes. Edits not yet synced \
                are not on the server, so not listed.
                """)

        @OptionGroup var options: ReplicaOptions
        @Argument(help: "The article id or a unique prefix of it.") var id: String
        @Option(help: "List only the newest N versions.") var limit: Int?
        @Flag(help: "Print JSON.") var json = false

        struct Entry: Encodable {
            var version: Int64
            var seq: Int64
            var acceptedAt: String
            var clientID: String
            var mutationID: String
            var contentHash: String
            var article: Article
        }

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit must be 1 or more") }
        }

        func run() async throws {
            let directory = options.replicaDirectory
            let replica = try directory.openForReading()
            let fullID = try Self.articleID(id, in: replica)
            let local = try replica.article(fullID)
            let engine = SyncEngine(directory: directory, replica: replica, logger: Logger(label: "articlesync"))
            // One more than shown, to say what the oldest one shown changed (and that older ones exist).
            var (versions, more) = try await engine.history(of: fullID, limit: limit.map { $0 < .max ? $0 + 1 : $0 })
            var previous: Article?
            if let limit, versions.count > limit {
                previous = versions.removeLast().change.article
                more = true
            }
            if json {
                try printJSON(versions.map { version in
                    let article = version.change.article
                    return Entry(version: article.version, seq: article.seq, acceptedAt: version.acceptedAt, clientID: version.change.clientID,
                                 mutationID: version.change.mutationID, contentHash: article.contentHash, article: article)
                })
                return
            }
            let short = fullID.prefix(8)
            guard !versions.isEmpty else {
                if let local, local.version == 0 {
                    throw ReplicaError("article \(short) is not on the server yet: it was made here and not synced (`articlesync sync` sends it)")
                }
                throw ReplicaError("the server holds no article \(fullID) in this replica's collection")
            }
            let ownClientID = try replica.syncState().clientID
            print(more ? "\(short): the newest \(versions.count) version(s) on the server, newest first (older ones left out)"
                       : "\(short): \(versions.count) version(s) on the server, newest first")
            let articles = versions.map(\.change.article)
            for (index, version) in versions.enumerated() {
                let article = articles[index]
                let older = index + 1 < articles.count ? articles[index + 1] : previous
                let author = version.change.clientID == ownClientID ? "this replica" : "client \(version.change.clientID.prefix(8))"
                print("  v\(article.version)  \(version.acceptedAt)  \(author.padding(toLength: 15, withPad: " ", startingAt: 0))  "
                      + "\(Self.change(from: older, to: article).padding(toLength: 14, withPad: " ", startingAt: 0))  \(List.oneColumn(article.title))")
            }
            if let local, local.version > 0 {
                let modified = try replica.locallyModifiedIDs().contains(fullID)
                printMessage("this replica holds v\(local.version)" + (modified ? " with local changes not yet synced" : ""))
            }
            printMessage("print one with `articlesync show \(short) --version N`; `articlesync restore \(short) --version N` makes its text current again")
        }

        /// What a version changed, in a few words: "created", "deleted", "restored", or the fields it
        /// changed ("title, body"); empty when the version before it is not at hand.
        static func change(from older: Article?, to newer: Article) -> String {
            guard let older else { return newer.version == 1 ? "created" : "" }
            if newer.isDeleted != older.isDeleted { return newer.isDeleted ? "deleted" : "restored" }
            let fields: [(String, Bool)] = [
                ("category", newer.category != older.category), ("title", newer.title != older.title), ("body", newer.body != older.body),
                ("source", newer.source != older.source), ("tags", newer.tags != older.tags), ("published", newer.publishedAt != older.publishedAt),
            ]
            let changed = fields.filter(\.1).map(\.0)
            return changed.isEmpty ? "no change" : changed.joined(separator: ", ")
        }

        /// The full id `argument` names: a unique prefix of an article this replica holds, or a
        /// whole id (an article the server may hold although this replica does not).
        static func articleID(_ argument: String, in replica: Replica) throws -> String {
            do {
                return try replica.resolveID(argument)
            } catch {
                let lowered = argument.lowercased()
                guard let uuid = UUID(uuidString: lowered), uuid.uuidString.lowercased() == lowered else { throw error }
                return lowered
            }
        }
    }
}
