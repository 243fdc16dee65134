import ArticleSyncClient
import ArticleSyncShared
import Foundation
import GRDB

/// The physical floor of an initial sync: the same rows a replica ends up with, inserted into a
/// fresh SQLite file with the replica's schema, indexes, page size and page cache (it is made by the
/// same code as a replica) and synchronous=FULL, in one transaction
/// with one prepared statement. Rows are encoded before the clock starts.
///
/// The floor uses a rollback journal, a fresh file's default: for rows appended to an empty file
/// it writes each page once. The same insert in WAL mode, the journal a replica uses, is measured
/// beside it: it writes every page twice (into the WAL, then into the database by a checkpoint).
enum SQLiteFloor {
    enum Journal: String {
        case rollback = "delete"
        case wal
    }

    struct Row {
        var id: String, title: String, category: String, contentHash: String, state: Data, seq: Int64
    }

    static func rows(_ articles: ArraySlice<Article>) -> [Row] {
        articles.enumerated().map { index, article in
            var stored = article
            stored.version = 1
            stored.seq = Int64(index + 1)
            return Row(id: stored.idString, title: stored.title, category: stored.category, contentHash: stored.contentHash,
                       state: Data(stored.storageBytes), seq: stored.seq)
        }
    }

    /// Seconds to insert `rows` into a new replica database under `directory`.
    static func insert(_ rows: [Row], journal: Journal, directory: String) throws -> Double {
        let replicaDirectory = ReplicaDirectory(path: directory)
        _ = try replicaDirectory.initialize(server: "127.0.0.1:1", collection: "articles", token: "x",
                                            fingerprint: "sha256:" + String(repeating: "0", count: 64))
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL; PRAGMA cache_size = -\(Replica.pageCacheBytes / 1024)")
        }
        let queue = try DatabaseQueue(path: replicaDirectory.databasePath, configuration: configuration)
        // The replica was created in WAL mode; whether the switch held is checked after the insert.
        try queue.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = \(journal.rawValue)") }
        flushDirtyPages()
        let elapsed = try seconds {
            try queue.write { db in
                let statement = try db.makeStatement(sql: """
                    INSERT INTO article (id, title, category, isDeleted, version, seq, contentHash, state) VALUES (?, ?, ?, 0, 1, ?, ?, ?)
                    """)
                for row in rows {
                    try statement.execute(arguments: [row.id, row.title, row.category, row.seq, row.contentHash, row.state])
                }
            }
        }
        // SQLite goes back to WAL mode by itself when it finds a WAL file; the figure would then be
        // the other floor's.
        let after = try queue.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        guard after == journal.rawValue else { throw BenchError("the floor's insert ran in journal mode \(after ?? "?"), not \(journal.rawValue)") }
        return elapsed
    }
}
