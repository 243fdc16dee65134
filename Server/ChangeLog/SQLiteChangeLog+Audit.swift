import ArticleSyncShared
import Foundation
import GRDB

/// What `articlesync-server check` and the stress tests verify about a change log.
public struct ChangeLogAudit: Sendable, Equatable {
    /// `PRAGMA integrity_check`: "ok" when SQLite finds the file sound.
    public var integrity: String
    public var articles: Int
    public var changes: Int
    /// Articles whose versions in the log are not exactly 1, 2, … n with seqs rising.
    public var brokenHistories: [String]
    /// Versions whose content equals the version before: the sign of an edit applied twice (every
    /// accepted edit changes something, and concurrent identical edits are merged, not re-applied).
    public var repeatedContents: Int
    /// Articles whose latest state disagrees with the last entry of their history.
    public var staleLatest: [String]

    public var isSound: Bool { integrity == "ok" && brokenHistories.isEmpty && repeatedContents == 0 && staleLatest.isEmpty }
}

extension SQLiteChangeLog {
    /// Checks the log's invariants in one read transaction.
    public func audit() throws -> ChangeLogAudit {
        try pool.read { db in
            let integrity = try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer"
            var broken: [String] = []
            var lastKey = "", expectedVersion: Int64 = 1, lastSeq: Int64 = 0, lastHash = ""
            let rows = try Row.fetchCursor(db, sql: "SELECT collectionID, articleID, version, seq, contentHash FROM change ORDER BY collectionID, articleID, version")
            var changes = 0, repeated = 0
            while let row = try rows.next() {
                changes += 1
                let key = "\(try row.decode(Int64.self, forColumn: "collectionID"))/\(try row.decode(String.self, forColumn: "articleID"))"
                let hash: String = try row.decode(forColumn: "contentHash")
                if key != lastKey {
                    lastKey = key
                    expectedVersion = 1
                    lastSeq = 0
                } else if hash == lastHash {
                    repeated += 1
                }
                lastHash = hash
                let version: Int64 = try row.decode(forColumn: "version"), seq: Int64 = try row.decode(forColumn: "seq")
                if version != expectedVersion || seq <= lastSeq {
                    if broken.last != key { broken.append(key) }
                }
                expectedVersion = version + 1
                lastSeq = seq
            }
            let stale = try String.fetchAll(db, sql: """
                SELECT article.articleID FROM article
                LEFT JOIN change ON change.seq = article.seq
                WHERE change.seq IS NULL OR change.version != article.version OR change.contentHash != article.contentHash
                   OR article.seq != (SELECT MAX(seq) FROM change c WHERE c.collectionID = article.collectionID AND c.articleID = article.articleID)
                """)
            return ChangeLogAudit(
                integrity: integrity,
                articles: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM article") ?? 0,
                changes: changes,
                brokenHistories: broken,
                repeatedContents: repeated,
                staleLatest: stale)
        }
    }

    /// The latest state of every article of a collection (for checks and tools, not for serving).
    public func latestArticles(collection: String) throws -> [Article] {
        try pool.read { db in
            try Data.fetchAll(db, sql: """
                SELECT change.state FROM article JOIN collection ON collection.id = article.collectionID
                JOIN change ON change.seq = article.seq WHERE collection.name = ?
                """, arguments: [collection]).map { try Article(storageBytes: $0) }
        }
    }
}
