import ArticleSyncStress
import Foundation
import Testing

/// Short, bounded runs of the stress scenarios (`articlesync-stress` runs the long ones). Each uses
/// real server processes on 127.0.0.1 and removes its directory afterwards.
@Suite(.serialized, .timeLimit(.minutes(10))) struct StressScenarioTests {
    func inTemporaryDirectory(_ body: (String) async throws -> ScenarioReport) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("stress-test-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let report = try await body(root)
        print(report)
        #expect(report.passed, "\(report)")
    }

    @Test func serverKilledRepeatedlyLosesNoAcknowledgedEdit() async throws {
        try await inTemporaryDirectory { root in
            var scenario = ServerKillScenario(serverExecutable: Products.server, root: root)
            scenario.clients = 3
            scenario.kills = 8
            return try await scenario.run()
        }
    }

    @Test func clientKilledMidPushAndMidPullLosesAndDoublesNothing() async throws {
        try await inTemporaryDirectory { root in
            var scenario = ClientKillScenario(serverExecutable: Products.server, clientExecutable: Products.client, root: root)
            scenario.articles = 1200
            scenario.kills = 4
            return try await scenario.run()
        }
    }

    @Test func faultyNetworkConvergesWithoutDuplicates() async throws {
        try await inTemporaryDirectory { root in
            var scenario = FaultScenario(serverExecutable: Products.server, root: root)
            scenario.clients = 3
            scenario.edits = 8
            return try await scenario.run()
        }
    }

    @Test func fiftyClientsOnSharedArticlesLoseNoUpdate() async throws {
        try await inTemporaryDirectory { root in
            var scenario = LoadScenario(serverExecutable: Products.server, root: root)
            scenario.clients = 50
            scenario.rounds = 2
            return try await scenario.run()
        }
    }
}
