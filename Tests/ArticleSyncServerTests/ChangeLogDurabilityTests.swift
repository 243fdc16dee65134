@testable import ArticleSyncServer
import Foundation
import GRDB
import Testing

/// How the change log's SQLite file is opened: what "an acknowledged push survives power loss"
/// rests on.
@Suite struct ChangeLogDurabilityTests {
    /// GRDB turns synchronous down to NORMAL when it enables WAL, after the configuration's own
    /// setup has run; the change log must still commit with FULL before a push is answered.
    @Test func theWriterCommitsWithSynchronousFull() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteChangeLog(path: directory.path + "/changelog.sqlite")
        let modes = try store.pool.writeWithoutTransaction { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"),
             try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint"))
        }
        #expect(modes.0 == "wal")
        #expect(modes.1 == 2, "synchronous is \(modes.1.map(String.init) ?? "?"), not FULL (2)")
        // Set on the same connection after GRDB's own setup, like synchronous.
        #expect(modes.2 == SQLiteChangeLog.checkpointPages)
    }

    /// A stopped server, or an admin subcommand run while it is stopped, leaves no WAL behind for
    /// the next open to read again.
    @Test func theWALIsCutWhenTheLastConnectionCloses() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/changelog.sqlite"
        for round in 0..<5 {
            let store = try SQLiteChangeLog(path: path)
            try withExtendedLifetime(store) {
                try store.createCollection(name: "c\(round)")
                let open = try #require(try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int)
                #expect(open > 0, "round \(round)'s write is in the WAL while the change log is open")
            }
        }
        // SQLite deletes it; an empty one would do as well.
        let closed = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        #expect(closed == 0, "the WAL kept \(closed) bytes after the last connection closed")
        #expect(try SQLiteChangeLog(path: path).collections().count == 6)
    }
}
