import ArticleSyncShared
import Foundation
import GRDB

/// Read-only questions about the replica.
extension Replica {
    /// The full id of the one article whose id starts with `prefix` (like git's short hashes).
    public func resolveID(_ prefix: String) throws -> String {
        let needle = prefix.lowercased()
        guard !needle.isEmpty, needle.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
            throw ReplicaError("\"\(prefix)\" is not an article id; `articlesync list` shows the ids")
        }
        let matches = try pool.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM article WHERE id LIKE ? || '%' ESCAPE '\\' LIMIT 5", arguments: [needle])
        }
        switch matches.count {
        case 0: throw ReplicaError("no article id starts with \"\(prefix)\"; `articlesync list` shows the ids")
        case 1: return matches[0]
        default: throw ReplicaError("\"\(prefix)\" is ambiguous (\(matches.joined(separator: ", "))…); type more of the id")
        }
    }

    public func article(_ id: String) throws -> Article? {
        try pool.read { db in try Self.article(id, db) }
    }

    /// Every article, deleted ones only when asked, ordered by category and title.
    public func articles(includeDeleted: Bool = false) throws -> [Article] {
        try pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT state FROM article \(includeDeleted ? "" : "WHERE isDeleted = 0") ORDER BY category, title, id
                """).map(Self.decode)
        }
    }

    /// Ids of articles with local changes the server has not accepted yet.
    public func locallyModifiedIDs() throws -> Set<String> {
        try pool.read { db in Set(try String.fetchAll(db, sql: "SELECT DISTINCT articleID FROM outbox")) }
    }

    public func outbox() throws -> [OutboxEntry] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM outbox ORDER BY position").map(Self.outboxEntry) }
    }

    public func conflicts() throws -> [ConflictRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM conflict ORDER BY createdAt, articleID").map { row in
                ConflictRecord(
                    articleID: row["articleID"],
                    base: try (row["base"] as String?).map(Self.decode),
                    mine: try Self.decode(row["mine"]),
                    theirs: try Self.decode(row["theirs"]),
                    fields: (row["fields"] as String).split(separator: ",").map(String.init),
                    createdAt: row["createdAt"])
            }
        }
    }

    public func status() throws -> ReplicaStatus {
        try pool.read { db in
            let state = try Self.syncState(db)
            let rejected = try Row.fetchAll(db, sql: "SELECT articleID, rejectedReason FROM outbox WHERE rejectedReason IS NOT NULL ORDER BY position")
            return ReplicaStatus(
                server: state.server,
                collection: state.collection,
                articleCount: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM article WHERE isDeleted = 0") ?? 0,
                deletedCount: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM article WHERE isDeleted = 1") ?? 0,
                pendingChanges: try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT articleID) FROM outbox") ?? 0,
                rejectedChanges: rejected.map { .init(articleID: $0["articleID"], reason: $0["rejectedReason"]) },
                conflicts: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conflict") ?? 0,
                cursor: state.cursor,
                lastSyncAt: state.lastSyncAt)
        }
    }

    /// The digest of the server state this replica holds (the server's side of `verify`), over the
    /// articles as last accepted by the server: local edits not yet pushed use their base snapshot.
    public func serverStateDigest() throws -> (checksum: String, count: Int) {
        try pool.read { db in
            var entries: [(id: String, contentHash: String)] = []
            let modified = Set(try String.fetchAll(db, sql: "SELECT articleID FROM outbox UNION SELECT articleID FROM conflict"))
            for row in try Row.fetchAll(db, sql: "SELECT id, contentHash, version FROM article") {
                let id: String = row["id"]
                if modified.contains(id) {
                    if let base = try Self.baseSnapshot(id, db) { entries.append((id, base.contentHash)) }
                } else if (row["version"] as Int64) > 0 {
                    entries.append((id, row["contentHash"]))
                }
            }
            return (CollectionDigest.compute(entries), entries.count)
        }
    }
}
