@testable import ArticleSyncClient
import ArticleSyncShared
import ArticleSyncStress
import Foundation
import Logging
import Testing

/// A connection that worked and then went away is named as that, not as one that could not be made.
@Suite(.timeLimit(.minutes(5))) struct ConnectionLossTests {
    /// Before, a server stopped in the middle of a sync gave "the connection to … failed: I/O on
    /// closed channel; check the address …. If the server requires client certificates, make the
    /// replica with --client-cert and --client-key": advice for a connection never made.
    @Test func aServerThatGoesAwayPartWayIsNotTakenForAWrongAddressOrCertificate() async throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        try replica.ok(["add", workspace.seedFiles[0]])
        let directory = ReplicaDirectory(path: replica.path)
        let engine = SyncEngine(directory: directory, replica: try directory.open(), logger: Logger(label: "connection-loss-test"))
        let state = try engine.replica.syncState()
        let token = try directory.readToken()

        await #expect {
            try await ServerConnection.withConnection(to: try ServerAddress(parsing: state.server), trust: directory.serverTrust(state)) {
                connection in
                var report = SyncReport()
                _ = try await engine.hello(&connection, state: state, token: token, into: &report)
                workspace.server.kill()
                // Time for the client's event loop to see the connection closed, so that the push
                // below finds it so. On a machine too busy for that, the push goes out and its
                // answer never comes, which is said in words of its own, also not the address's.
                try await Task.sleep(for: .milliseconds(500))
                _ = try await engine.push(&connection, into: &report)
            }
        } throws: { error in
            let said = "\(error)"
            return (said.contains("ended part way") && said.contains("the server stopped or restarted")
                    || said.contains("the server closed the connection before answering"))
                && !said.contains("--client-cert") && !said.contains("check the address")
        }
        try workspace.server.start()
        #expect(try replica.ok(["sync"]).contains("pushed 1"))
    }
}
