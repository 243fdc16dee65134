import ArticleSyncClient
import ArticleSyncServer
import ArticleSyncShared

/// The outcome of a stress scenario: figures for people, problems for assertions.
public struct ScenarioReport: Sendable, CustomStringConvertible {
    public var name: String
    public var figures: [(String, String)] = []
    public var problems: [String] = []

    public init(name: String) { self.name = name }

    public var passed: Bool { problems.isEmpty }

    public mutating func figure(_ label: String, _ value: some CustomStringConvertible) { figures.append((label, "\(value)")) }
    public mutating func problem(_ text: String) { problems.append(text) }

    public var description: String {
        var lines = ["\(name): \(passed ? "PASSED" : "FAILED")"]
        lines += figures.map { "  \($0.0): \($0.1)" }
        lines += problems.prefix(20).map { "  problem: \($0)" }
        if problems.count > 20 { lines.append("  … and \(problems.count - 20) more problems") }
        return lines.joined(separator: "\n")
    }
}

/// Checks shared by the scenarios: the log is sound, every acknowledged edit is in the server's
/// final state, every replica holds exactly the server's collection, and none took the server's log
/// for replaced (none is: the server restarts on the same files).
enum FinalChecks {
    static func verify(_ report: inout ScenarioReport, changeLogPath: String, clients: [StressClient]) async throws {
        let log = try SQLiteChangeLog(path: changeLogPath)
        let audit = try log.audit()
        report.figure("articles on the server", audit.articles)
        report.figure("versions in the change log", audit.changes)
        if audit.integrity != "ok" { report.problem("integrity_check: \(audit.integrity)") }
        for key in audit.brokenHistories { report.problem("history of \(key) is not 1…n with rising seqs") }
        if audit.repeatedContents > 0 { report.problem("\(audit.repeatedContents) version(s) repeat the previous content: an edit applied twice") }
        for key in audit.staleLatest { report.problem("latest state of \(key) disagrees with its history") }

        let articles = Dictionary(uniqueKeysWithValues: try log.latestArticles(collection: "articles").map { ($0.idString, $0) })
        var acknowledged = 0
        for client in clients {
            for marker in client.acknowledged {
                acknowledged += 1
                guard let article = articles[marker.articleID] else {
                    report.problem("\(client.name): acknowledged article \(marker.articleID) is not on the server")
                    continue
                }
                switch marker.kind {
                case .title where article.title != marker.value:
                    report.problem("\(client.name): acknowledged title \"\(marker.value)\" lost (now \"\(article.title)\")")
                case .tag where !article.tags.contains(marker.value):
                    report.problem("\(client.name): acknowledged tag \(marker.value) lost from \(marker.articleID)")
                default:
                    break
                }
            }
        }
        report.figure("acknowledged edits checked", acknowledged)
        for client in clients where client.redownloads > 0 {
            report.problem("\(client.name) downloaded the collection again \(client.redownloads) time(s), though the server's log was never replaced")
        }

        let serverDigest = CollectionDigest.compute(articles.values.map { (id: $0.idString, contentHash: $0.contentHash) })
        for client in clients {
            let local = try client.replica.localDigest()
            if local.checksum != serverDigest { report.problem("\(client.name) did not converge to the server's collection") }
        }
    }
}
