import ArticleSyncClient
import ArticleSyncServer
import ArticleSyncShared
import Foundation

/// `articlesync sync` processes killed with SIGKILL in the middle of pushing and of pulling a large
/// collection. The next sync must complete, with every article on the server exactly once and the
/// pulling replica resuming from its saved cursor.
public struct ClientKillScenario: Sendable {
    public var serverExecutable: String
    public var clientExecutable: String
    public var root: String
    public var articles = 1500
    public var kills = 6
    public var seed: UInt64 = 1

    public init(serverExecutable: String, clientExecutable: String, root: String) {
        self.serverExecutable = serverExecutable
        self.clientExecutable = clientExecutable
        self.root = root
    }

    public func run() async throws -> ScenarioReport {
        var report = ScenarioReport(name: "client SIGKILL mid-push and mid-pull (\(articles) articles, \(kills) kills each, seed \(seed))")
        let server = try ServerSupervisor(executable: serverExecutable, dataDirectory: root + "/server")
        let token = try server.makeToken()
        var random = SplitMix(seed: seed)

        let writerDirectory = ReplicaDirectory(path: root + "/writer")
        let writer = try writerDirectory.initialize(server: server.address, collection: "articles", token: token, fingerprint: server.fingerprint)
        let added = try writer.add((0..<articles).map {
            Article(title: "Artikel \($0)", body: "Isi artikel \($0).\n\nParagraf kedua.", category: "News", source: "stress")
        })

        let pushKills = try killSyncs(of: writerDirectory.path, random: &random)
        report.figure("push kills that left part of the outbox sent", pushKills)
        let finalPush = try runProgram(clientExecutable, ["-C", writerDirectory.path, "sync", "--quiet"])
        if finalPush.status != 0 { report.problem("the sync after the kills failed: \(finalPush.stderr)") }

        let readerDirectory = ReplicaDirectory(path: root + "/reader")
        let reader = try readerDirectory.initialize(server: server.address, collection: "articles", token: token, fingerprint: server.fingerprint)
        let pullKills = try killSyncs(of: readerDirectory.path, random: &random)
        report.figure("pull kills that left a partly downloaded replica with a saved cursor", pullKills)
        let finalPull = try runProgram(clientExecutable, ["-C", readerDirectory.path, "sync", "--quiet"])
        if finalPull.status != 0 { report.problem("the pull after the kills failed: \(finalPull.stderr)") }
        server.stop()

        let log = try SQLiteChangeLog(path: server.dataDirectory + "/changelog.sqlite")
        let audit = try log.audit()
        if !audit.isSound { report.problem("change log audit failed: \(audit)") }
        let onServer = try log.latestArticles(collection: "articles")
        report.figure("articles on the server", onServer.count)
        if onServer.count != articles { report.problem("expected \(articles) articles on the server, found \(onServer.count)") }
        if let doubled = onServer.first(where: { $0.version != 1 }) { report.problem("article \(doubled.idString) has version \(doubled.version): pushed twice") }
        let titles = Set(onServer.map(\.title))
        for article in added where !titles.contains(article.title) { report.problem("\(article.title) never reached the server") }
        if try writer.outbox().count != 0 { report.problem("the writer still has unpushed edits") }
        if try reader.localDigest().checksum != (try writer.localDigest().checksum) { report.problem("the reader did not converge with the writer") }
        return report
    }

    /// Starts `articlesync sync` and kills it after a random moment, `kills` times; returns how many
    /// kills landed while the sync was part way (some but not all work done).
    func killSyncs(of replica: String, random: inout SplitMix) throws -> Int {
        var partial = 0
        let database = ReplicaDirectory(path: replica)
        for _ in 0..<kills {
            let before = try progress(of: database)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: clientExecutable)
            process.arguments = ["-C", replica, "sync", "--quiet"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32(random.int(40...400)) * 1000)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let after = try progress(of: database)
            if after != before && !after.done { partial += 1 }
            if after.done { break }
        }
        return partial
    }

    func progress(of directory: ReplicaDirectory) throws -> (pending: Int, articles: Int, cursor: Int64, done: Bool) {
        let replica = try directory.open()
        let status = try replica.status()
        let done = status.pendingChanges == 0 && status.articleCount == articles
        return (status.pendingChanges, status.articleCount, status.cursor, done)
    }
}
