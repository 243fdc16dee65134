import ArticleSyncClient
import ArticleSyncShared
import Foundation
import GRDB

/// The physical floor of an initial sync: the same rows a replica ends up with, inserted into a
/// fresh SQLite file with the replica's schema and indexes, WAL and synchronous=FULL, in one
/// transaction with one prepared statement. Rows are encoded before the clock starts.
enum SQLiteFloor {
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
    static func insert(_ rows: [Row], directory: String) throws -> Double {
        let replicaDirectory = ReplicaDirectory(path: directory)
        _ = try replicaDirectory.initialize(server: "127.0.0.1:1", collection: "articles", token: "x",
                                            fingerprint: "sha256:" + String(repeating: "0", count: 64))
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let queue = try DatabaseQueue(path: replicaDirectory.databasePath, configuration: configuration)
        flushDirtyPages()
        return try seconds {
            try queue.write { db in
                let statement = try db.makeStatement(sql: """
                    INSERT INTO article (id, title, category, isDeleted, version, seq, contentHash, state) VALUES (?, ?, ?, 0, 1, ?, ?, ?)
                    """)
                for row in rows {
                    try statement.execute(arguments: [row.id, row.title, row.category, row.seq, row.contentHash, row.state])
                }
            }
        }
    }
}
