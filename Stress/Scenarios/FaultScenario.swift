import Foundation

/// Clients sync through a `FaultProxy` that cuts connections at random byte offsets, delays them,
/// and drops the server's answers after the server committed. Every sync is retried until it gets
/// through; at the end nothing may be missing or applied twice.
public struct FaultScenario: Sendable {
    public var serverExecutable: String
    public var root: String
    public var clients = 3
    public var edits = 10
    public var plan = FaultPlan()
    public var seed: UInt64 = 1

    public init(serverExecutable: String, root: String) {
        self.serverExecutable = serverExecutable
        self.root = root
    }

    public func run() async throws -> ScenarioReport {
        var report = ScenarioReport(name: "faulty network (\(clients) clients × \(edits) edits, seed \(seed))")
        let server = try ServerSupervisor(executable: serverExecutable, dataDirectory: root + "/server")
        let token = try server.makeToken()
        var plan = self.plan
        plan.seed = seed
        let proxy = try await FaultProxy(upstreamPort: server.port, plan: plan)
        let relay = Task { await proxy.run() }
        let proxied = "127.0.0.1:\(proxy.port)"
        var random = SplitMix(seed: seed)

        let finished = try await withThrowingTaskGroup(of: StressClient.self) { group in
            for index in 0..<clients {
                var client = try StressClient(name: "f\(index)", root: root, server: proxied, token: token, fingerprint: server.fingerprint)
                let clientSeed = random.next()
                let edits = self.edits
                group.addTask {
                    var random = SplitMix(seed: clientSeed)
                    for _ in 0..<edits {
                        try client.edit(&random)
                        var attempts = 0
                        while !(await client.sync()) && attempts < 100 { attempts += 1 }
                    }
                    return client
                }
            }
            var clients: [StressClient] = []
            for try await client in group { clients.append(client) }
            return clients.sorted { $0.name < $1.name }
        }
        let counts = proxy.counts
        report.figure("connections through the proxy", counts.connections)
        report.figure("connections cut mid-stream", counts.cuts)
        report.figure("server-to-client chunks dropped with the connection (answers lost, pushes among them after commit)", counts.droppedReplies)
        report.figure("failed syncs retried", finished.reduce(0) { $0 + $1.syncFailures })
        if counts.cuts + counts.droppedReplies == 0 { report.problem("the proxy injected no faults; the scenario proved nothing") }

        proxy.setPlan(.none)
        var settled = finished
        try await FinalSync.settle(&settled, report: &report)
        await proxy.close()
        relay.cancel()
        server.stop()
        try await FinalChecks.verify(&report, changeLogPath: server.dataDirectory + "/changelog.sqlite", clients: settled)
        return report
    }
}
