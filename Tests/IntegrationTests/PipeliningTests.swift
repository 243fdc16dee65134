@testable import ArticleSyncClient
import ArticleSyncShared
import ArticleSyncStress
import Foundation
import GRDB
import Logging
import NIOConcurrencyHelpers
import Testing

/// That a sync keeps the server busy while the replica works: a download asks for the next batch
/// before the previous one is stored, and a push sends the next batch before the previous one is
/// answered. Only the benchmark shows the time this saves; these show the order, against a real
/// server process over TLS.
@Suite(.timeLimit(.minutes(5))) struct PipeliningTests {
    /// Forwards everything to the real connection and notes, for every `pull` sent, the cursor it
    /// asks from and the cursor the replica had stored at that moment, and how many pushes were
    /// ever waiting for their answers at once.
    struct RecordingRequester<Base: ServerRequester>: ServerRequester {
        var base: Base
        let replica: Replica
        var pulls: [(asked: Int64, stored: Int64)] = []
        var pushesWaiting: Set<UInt64> = []
        var mostPushesWaiting = 0
        var pushLimits: PushLimits? { base.pushLimits }

        mutating func send(_ makeMessage: (UInt64) -> ClientMessage) async throws -> UInt64 {
            var sent: ClientMessage?
            let id = try await base.send { id in
                let message = makeMessage(id)
                sent = message
                return message
            }
            switch sent {
            case .pull(_, let cursor, _, _)?: pulls.append((cursor, try replica.syncState().cursor))
            case .push?:
                pushesWaiting.insert(id)
                mostPushesWaiting = max(mostPushesWaiting, pushesWaiting.count)
            default: break
            }
            return id
        }

        mutating func reply(to id: UInt64) async throws -> ServerMessage {
            let answer = try await base.reply(to: id)
            pushesWaiting.remove(id)
            return answer
        }
    }

    /// Counts the transactions committed on the replica's database.
    final class CommitCounter: TransactionObserver, Sendable {
        let commits = NIOLockedValueBox(0)
        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { false }
        func databaseDidChange(with event: DatabaseEvent) {}
        func databaseDidCommit(_ db: Database) { commits.withLockedValue { $0 += 1 } }
        func databaseDidRollback(_ db: Database) {}
    }

    /// Connects `directory`'s replica to its server, says hello, and runs `body` with a recording
    /// connection; returns what was recorded, and how many transactions the replica committed.
    static func recorded(_ directory: ReplicaDirectory, _ body: (SyncEngine, inout RecordingRequester<ServerConnection>, Int64) async throws -> Void)
        async throws -> (pulls: [[Int64]], mostPushesWaiting: Int, commits: Int) {
        let replica = try directory.open()
        let counter = CommitCounter()
        replica.pool.add(transactionObserver: counter)
        let engine = SyncEngine(directory: directory, replica: replica, logger: Logger(label: "pipelining-test"))
        let state = try replica.syncState()
        let token = try directory.readToken()
        return try await ServerConnection.withConnection(to: try ServerAddress(parsing: state.server), trust: directory.serverTrust(state)) {
            connection in
            var recording = RecordingRequester(base: connection, replica: replica)
            var report = SyncReport()
            let head = try await engine.hello(&recording, state: state, token: token, into: &report)
            try await body(engine, &recording, head)
            return (recording.pulls.map { [$0.asked, $0.stored] }, recording.mostPushesWaiting, counter.commits.withLockedValue { $0 })
        }
    }

    static func articleFiles(_ count: Int, in workspace: Workspace) throws -> [String] {
        try (0..<count).map { index in
            try workspace.write("p\(index).txt", "News\n\nArtikel nomor \(index)\n\nIsi artikel \(index). {contoh}")
        }
    }

    @Test func theNextBatchIsAskedForBeforeThePreviousIsStored() async throws {
        let workspace = try Workspace()
        let token = try workspace.server.makeToken(access: "write")
        let writer = try workspace.replica("writer", token: token)
        try writer.ok(["add"] + Self.articleFiles(2500, in: workspace))
        try writer.ok(["sync"])

        let reader = try workspace.replica("reader", token: token)
        let recorded = try await Self.recorded(ReplicaDirectory(path: reader.path)) { engine, connection, head in
            var report = SyncReport()
            try await engine.pull(&connection, upTo: head, into: &report)
            #expect(report.pulled == 2500)
        }
        // 2,500 articles come in batches of at most 1,000: at least three pulls. Every pull after the
        // first asks from the end of a batch that was not stored yet when the request went out.
        #expect(recorded.pulls.count >= 3)
        for pull in recorded.pulls.dropFirst() {
            #expect(pull[1] < pull[0], "the pull from cursor \(pull[0]) went out after that batch was stored")
        }
        #expect(try reader.list().count == 2500)
    }

    @Test func theNextPushGoesOutBeforeThePreviousIsAnswered() async throws {
        let workspace = try Workspace()
        let token = try workspace.server.makeToken(access: "write")
        let writer = try workspace.replica("writer", token: token)
        try writer.ok(["add"] + Self.articleFiles(1200, in: workspace))
        let recorded = try await Self.recorded(ReplicaDirectory(path: writer.path)) { engine, connection, _ in
            var report = SyncReport()
            let pushed = try await engine.push(&connection, into: &report)
            #expect(pushed.sentAny && report.pushed == 1200)
        }
        // 1,200 articles are three pushes of at most 500.
        #expect(recorded.mostPushesWaiting == 2)
        // One commit per answer: each is applied together with marking the next batch sent. Here:
        // `hello` noting the server, the first two batches, then the three answers (apart, 8).
        #expect(recorded.commits <= 6, "\(recorded.commits) commits for three pushes")
        #expect(try writer.ok(["status", "--json"]).contains("\"pendingChanges\" : 0"))
    }
}
