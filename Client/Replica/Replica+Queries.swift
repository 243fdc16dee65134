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

    /// When article `id`'s text last changed in this replica (an edit here, or one a sync brought);
    /// nil when that was before this replica kept the time (migration "v7 article changed at").
    public func textChangedAt(_ id: String) throws -> Date? {
        try pool.read { db in
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT changedAt FROM article WHERE id = ?"), arguments: [id])
                .map { Date(timeIntervalSince1970: Double($0) / 1000) }
        }
    }

    /// Every article, deleted ones only when asked, ordered by category and title.
    public func articles(includeDeleted: Bool = false) throws -> [Article] {
        try pool.read { db in
            try Data.fetchAll(db, sql: """
                SELECT state FROM article \(includeDeleted ? "" : "WHERE isDeleted = 0") ORDER BY category, title, id
                """).map(Self.decode)
        }
    }

    /// The order `forEachArticle` goes in: by id, or as `list` shows them.
    public enum ArticleOrder: Sendable { case id, categoryAndTitle }

    /// Calls `body` with every article and its content hash (as kept, not computed again),
    /// deleted ones only when asked, in `order`, decoding one at a time: an export of 100,000
    /// articles holds one of them in memory, not all of them. The articles are one snapshot,
    /// whatever is written meanwhile.
    public func forEachArticle(includeDeleted: Bool = false, in order: ArticleOrder = .id,
                               _ body: (Article, _ contentHash: String) throws -> Void) throws {
        let orderBy = switch order {
        case .id: "id"
        case .categoryAndTitle: "category, title, id"
        }
        try pool.read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT state, contentHash FROM article \(includeDeleted ? "" : "WHERE isDeleted = 0") ORDER BY \(orderBy)")
            while let row = try rows.next() {
                try body(Self.decode(row.decode(forColumn: "state")), row.decode(forColumn: "contentHash"))
            }
        }
    }

    /// Every article's summary, in the order of `articles`: a list of 20,000 articles without
    /// reading and decoding 100 MB of text.
    public func summaries(includeDeleted: Bool = false) throws -> [ArticleSummary] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, title, category, isDeleted FROM article \(includeDeleted ? "" : "WHERE isDeleted = 0") ORDER BY category, title, id
                """).map {
                    try ArticleSummary(id: $0.decode(forColumn: "id"), title: $0.decode(forColumn: "title"), category: $0.decode(forColumn: "category"),
                                       isDeleted: $0.decode(forColumn: "isDeleted"))
                }
        }
    }

    /// Ids of articles with local changes the server has not accepted yet.
    public func locallyModifiedIDs() throws -> Set<String> {
        try pool.read { db in Set(try String.fetchAll(db, sql: "SELECT DISTINCT articleID FROM outbox")) }
    }

    public func outbox() throws -> [OutboxEntry] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT \(Self.outboxEntryColumns) FROM outbox ORDER BY position").map(Self.outboxEntry) }
    }

    public func conflicts() throws -> [ConflictRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM conflict ORDER BY createdAt, articleID").map(Self.conflictRecord)
        }
    }

    /// Articles with unpushed edits and unresolved conflicts: two index-only counts.
    public func waiting() throws -> (pending: Int, conflicts: Int, rejected: Int) {
        try pool.read { db in
            // One pass over the outbox for both of its counts: this runs at the end of every sync.
            let outbox = try Row.fetchOne(db, sql: """
                SELECT COUNT(DISTINCT articleID) AS pending,
                       COUNT(DISTINCT CASE WHEN rejectedReason IS NOT NULL THEN articleID END) AS rejected
                FROM outbox
                """)
            return (try outbox?.decode(forColumn: "pending") ?? 0,
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conflict") ?? 0,
                    try outbox?.decode(forColumn: "rejected") ?? 0)
        }
    }

    /// `status`'s counts, each answered from an index (the id's, and `article_deleted`, which
    /// holds only tombstones): with the bodies in the table's leaf pages (see `Replica.pageSize`),
    /// one pass over the table read the whole collection: `status` of 20,000 articles took 33 ms
    /// instead of 15 with the file in the page cache, 122 ms instead of 79 with nothing cached
    /// (release builds, alternating runs).
    static let countingSQL = (all: "SELECT COUNT(*) FROM article", deleted: "SELECT COUNT(*) FROM article WHERE isDeleted = 1")

    public func status() throws -> ReplicaStatus {
        try pool.read { db in
            let state = try Self.syncState(db)
            let rejected = try Row.fetchAll(db, sql: "SELECT articleID, rejectedReason FROM outbox WHERE rejectedReason IS NOT NULL ORDER BY position")
            let all = try Int.fetchOne(db, sql: Self.countingSQL.all) ?? 0
            let deleted = try Int.fetchOne(db, sql: Self.countingSQL.deleted) ?? 0
            return ReplicaStatus(
                server: state.server,
                collection: state.collection,
                articleCount: all - deleted,
                deletedCount: deleted,
                pendingChanges: try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT articleID) FROM outbox") ?? 0,
                rejectedChanges: try rejected.map { try .init(articleID: $0.decode(forColumn: "articleID"), reason: $0.decode(forColumn: "rejectedReason")) },
                conflicts: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conflict") ?? 0,
                cursor: state.cursor,
                lastSyncAt: state.lastSyncAt)
        }
    }

    /// Which of `ids` this replica holds (deleted articles included).
    public func heldIDs(among ids: [String]) throws -> Set<String> {
        try pool.read { db in try Self.heldIDs(among: ids, db) }
    }

    /// `verify`'s look at this side: SQLite's `quick_check` of the file, then every article's stored
    /// text hashed again and compared with the hash kept beside it, which is what the digest and the
    /// server's manifest are made of. A sync, `list` or `status` reads only some pages, so a file
    /// damaged on disk (a failing disk, a copy cut short) went unnoticed while `sync` said "in step".
    /// Throws the damaged-replica error naming what was found.
    public func checkStoredArticles() throws {
        try pool.read { db in
            let problems = try String.fetchAll(db, sql: "PRAGMA quick_check(5)")
            guard problems == ["ok"] else {
                throw ReplicaError.damaged("SQLite's quick_check: " + problems.joined(separator: "\n").split(separator: "\n").joined(separator: "; "))
            }
            var mismatched: [String] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT id, contentHash, state FROM article")
            while let row = try rows.next() {
                let state: Data = try row.decode(forColumn: "state")
                let hash = try? CheckedStorageForm(trusting: Array(state)).contentHash
                if try hash != row.decode(String.self, forColumn: "contentHash") { mismatched.append(try row.decode(forColumn: "id")) }
            }
            guard mismatched.isEmpty else {
                throw ReplicaError.damaged("the stored text of \(mismatched.count) article(s) no longer matches its hash: "
                    + mismatched.prefix(5).joined(separator: ", ") + (mismatched.count > 5 ? ", …" : ""))
            }
        }
    }

    /// The collection digest of this replica's articles as they are here (local edits included),
    /// to compare with the server's: equal only when nothing is waiting in either direction.
    public func localDigest() throws -> (checksum: String, entries: [String: String]) {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, contentHash FROM article")
            let entries = Dictionary(try rows.map { try ($0.decode(String.self, forColumn: "id"), $0.decode(String.self, forColumn: "contentHash")) },
                                     uniquingKeysWith: { first, _ in first })
            return (CollectionDigest.compute(entries.map { (id: $0.key, contentHash: $0.value) }), entries)
        }
    }

    /// SQLite's `data_version` on the writer connection: it changes when another connection (another
    /// `articlesync` process) commits to this replica, and not for this process's own writes.
    public func dataVersion() throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
    }
}
