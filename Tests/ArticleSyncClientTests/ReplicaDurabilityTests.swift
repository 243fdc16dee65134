@testable import ArticleSyncClient
import Foundation
import GRDB
import Testing

/// How the replica's SQLite file is opened: what "an edit survives power loss" rests on.
@Suite struct ReplicaDurabilityTests {
    /// GRDB turns synchronous down to NORMAL when it enables WAL, after the configuration's own
    /// setup has run; the replica must still commit with FULL (the WAL synced at every commit).
    @Test func theWriterCommitsWithSynchronousFull() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("durability-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let replica = try ReplicaDirectory(path: directory).initialize(
            server: "127.0.0.1:7443", collection: "articles", token: "ast_x", fingerprint: "sha256:" + String(repeating: "ab", count: 32))
        let modes = try replica.pool.writeWithoutTransaction { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(modes.0 == "wal")
        #expect(modes.1 == 2, "synchronous is \(modes.1.map(String.init) ?? "?"), not FULL (2)")
    }
}
