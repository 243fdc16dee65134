import ArticleSyncClient
import ArticleSyncShared
import Foundation

/// Many clients add tags to the same few articles at once. Concurrent pushes of one article conflict
/// on the server and are merged by the clients (tags merge as sets), so in the end every tag any
/// client saw acknowledged must be on its article: no lost update.
public struct LoadScenario: Sendable {
    public var serverExecutable: String
    public var root: String
    public var clients = 50
    public var rounds = 3
    public var sharedArticles = 5
    public var seed: UInt64 = 1

    public init(serverExecutable: String, root: String) {
        self.serverExecutable = serverExecutable
        self.root = root
    }

    public func run() async throws -> ScenarioReport {
        var report = ScenarioReport(name: "load (\(clients) clients × \(rounds) rounds on \(sharedArticles) shared articles, seed \(seed))")
        let server = try ServerSupervisor(executable: serverExecutable, dataDirectory: root + "/server")
        let token = try server.makeToken()
        var random = SplitMix(seed: seed)

        var everyone: [StressClient] = []
        for index in 0..<clients {
            everyone.append(try StressClient(name: "l\(index)", root: root, server: server.address, token: token, fingerprint: server.fingerprint))
        }
        let shared = try everyone[0].replica.add((0..<sharedArticles).map {
            Article(title: "Bersama \($0)", body: "Artikel yang diedit semua klien.", category: "News", source: "stress")
        }).map(\.idString)
        guard await everyone[0].sync() else { throw SupervisorError("the first client could not push the shared articles") }

        let started = Date()
        let finished = try await withThrowingTaskGroup(of: StressClient.self) { group in
            for var client in everyone {
                let clientSeed = random.next()
                let rounds = self.rounds
                group.addTask {
                    var random = SplitMix(seed: clientSeed)
                    _ = await client.sync()
                    for _ in 0..<rounds {
                        try client.tag(sharedArticle: shared[random.int(0...shared.count - 1)])
                        var attempts = 0
                        while !(await client.sync()) && attempts < 20 { attempts += 1 }
                    }
                    return client
                }
            }
            var clients: [StressClient] = []
            for try await client in group { clients.append(client) }
            return clients.sorted { $0.name < $1.name }
        }
        let elapsed = Date().timeIntervalSince(started)
        let acknowledged = finished.reduce(0) { $0 + $1.acknowledged.count }
        report.figure("seconds", String(format: "%.2f", elapsed))
        report.figure("acknowledged tag edits", acknowledged)
        report.figure("acknowledged edits per second (with merges and retries)", String(format: "%.0f", Double(acknowledged) / elapsed))

        var settled = finished
        try await FinalSync.settle(&settled, report: &report)
        server.stop()
        try await FinalChecks.verify(&report, changeLogPath: server.dataDirectory + "/changelog.sqlite", clients: settled)
        return report
    }
}
