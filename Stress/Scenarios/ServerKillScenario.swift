import Foundation
import NIOConcurrencyHelpers

/// Several clients edit and push continuously while the server is killed with SIGKILL at random
/// moments and restarted. Afterwards every edit a client saw acknowledged must be on the server
/// exactly once, every history must be whole, and every replica must hold the server's collection.
public struct ServerKillScenario: Sendable {
    public var serverExecutable: String
    public var root: String
    public var clients = 4
    public var kills = 10
    public var seed: UInt64 = 1

    public init(serverExecutable: String, root: String) {
        self.serverExecutable = serverExecutable
        self.root = root
    }

    public func run() async throws -> ScenarioReport {
        var report = ScenarioReport(name: "server SIGKILL loop (\(clients) clients, \(kills) kills, seed \(seed))")
        let server = try ServerSupervisor(executable: serverExecutable, dataDirectory: root + "/server")
        let token = try server.makeToken()
        let stop = NIOLockedValueBox(false)
        var random = SplitMix(seed: seed)
        let started = Date()

        let finished = try await withThrowingTaskGroup(of: StressClient?.self) { group in
            for index in 0..<clients {
                var client = try StressClient(name: "c\(index)", root: root, server: server.address, token: token, fingerprint: server.fingerprint)
                let clientSeed = random.next()
                group.addTask {
                    var random = SplitMix(seed: clientSeed)
                    while !stop.withLockedValue({ $0 }) {
                        try client.edit(&random)
                        if !(await client.sync()) { try await Task.sleep(for: .milliseconds(30)) }
                    }
                    return client
                }
            }
            let killSeed = random.next()
            group.addTask {
                var random = SplitMix(seed: killSeed)
                for _ in 0..<kills {
                    try await Task.sleep(for: .milliseconds(random.int(100...500)))
                    server.kill()
                    try server.start()
                }
                try await Task.sleep(for: .milliseconds(200))
                stop.withLockedValue { $0 = true }
                return nil
            }
            var clients: [StressClient] = []
            for try await client in group { if let client { clients.append(client) } }
            return clients.sorted { $0.name < $1.name }
        }
        report.figure("seconds under kills", String(format: "%.1f", Date().timeIntervalSince(started)))
        report.figure("failed syncs (server down or killed mid-sync)", finished.reduce(0) { $0 + $1.syncFailures })

        var settled = finished
        try await FinalSync.settle(&settled, report: &report)
        server.stop()
        try await FinalChecks.verify(&report, changeLogPath: server.dataDirectory + "/changelog.sqlite", clients: settled)
        return report
    }
}

/// The last rounds of every scenario: everybody syncs until nothing is pending, then once more so
/// everybody has seen everybody's last edits.
enum FinalSync {
    static func settle(_ clients: inout [StressClient], address: String? = nil, report: inout ScenarioReport) async throws {
        for index in clients.indices {
            var attempts = 0
            while !clients[index].unacknowledged.isEmpty && attempts < 50 {
                attempts += 1
                if !(await clients[index].sync(connectTo: address)) { try await Task.sleep(for: .milliseconds(50)) }
            }
            if !clients[index].unacknowledged.isEmpty {
                report.problem("\(clients[index].name) could not push \(clients[index].unacknowledged.count) edit(s) after the faults ended")
            }
        }
        for index in clients.indices {
            if !(await clients[index].sync(connectTo: address)) { report.problem("\(clients[index].name): final sync failed") }
        }
    }
}
