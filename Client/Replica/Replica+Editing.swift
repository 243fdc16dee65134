import ArticleSyncShared
import Foundation
import GRDB

/// Local edits. Each one writes the article and its outbox entry in one transaction, and works
/// with no network at all.
extension Replica {
    /// Adds new articles (all or none) and returns them with their new ids.
    @discardableResult
    public func add(_ articles: [Article]) throws -> [Article] {
        var remaining = articles.makeIterator()
        var added: [Article] = []
        try add(reading: { remaining.next() }, each: { added.append($0) })
        return added
    }

    /// Adds the articles `next` returns until it returns nil, in one transaction: all or none, also
    /// when `next` throws. Each is read only when it is stored, so an import of 100,000 files does
    /// not hold 100,000 articles in memory. `each` is told every article as stored (normal form,
    /// version 0); nothing it is told is final until this returns.
    public func add(reading next: () throws -> Article?, each: (Article) -> Void) throws {
        try add(readingFiles: { try next().map { ($0, nil) } }, each: each)
    }

    /// `add(reading:)` for articles read from files: notes which article each file became
    /// (`FileOrigin`, under its `FileOrigin.key`) in the same transaction, so that adding the
    /// same file again is noticed (`origins(ofKeys:)`).
    public func add(readingFiles next: () throws -> (article: Article, fileKey: String?)?, each: (Article) -> Void) throws {
        try pool.write { db in
            while let (article, fileKey) = try next() {
                var copy = ArticleText.normalized(article)
                copy.version = 0
                copy.seq = 0
                if let problem = copy.validationProblem() { throw ReplicaError("cannot add \"\(copy.title)\": \(problem)") }
                if try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM article WHERE id = ?)"), arguments: [copy.idString]) == true {
                    throw ReplicaError("an article with id \(copy.idString) already exists")
                }
                try Self.store(copy, db)
                try Self.enqueue(copy, db)
                if let fileKey { try Self.insert([FileOrigin(key: fileKey, articleID: copy.idString, contentHash: copy.contentHash)], fromExport: false, db) }
                each(copy)
            }
        }
        // An import of thousands of articles is one transaction, and the WAL would keep its size.
        try checkpointLargeWAL()
    }

    /// Refuses, before an editor opens, what `update` would refuse once it closed: before, `edit`
    /// let a person write the whole edit and then refused it.
    public func refuseIfConflicted(_ id: String) throws {
        if try pool.read({ db in try Self.hasConflict(id, db) }) { throw Self.unresolvedConflict(id) }
    }

    static func unresolvedConflict(_ id: String) -> ReplicaError {
        let short = id.prefix(8)
        return ReplicaError("article \(short) has an unresolved conflict: settle it first with `articlesync resolve \(short) --edit` "
            + "(or --mine, --theirs); `articlesync show \(short) --conflict` shows both versions")
    }

    /// Applies `change` to the article `id` (a full id) and queues the result for the server.
    /// Returns the new local state; an edit that changes nothing queues nothing.
    @discardableResult
    public func update(_ id: String, _ change: @Sendable (inout Article) throws -> Void) throws -> Article {
        try pool.write { db in
            guard let current = try Self.article(id, db) else { throw ReplicaError("there is no article \(id)") }
            if try Self.hasConflict(id, db) { throw Self.unresolvedConflict(id) }
            var edited = current
            try change(&edited)
            edited = ArticleText.normalized(edited)
            edited.id = current.id
            edited.version = current.version
            edited.seq = current.seq
            if let problem = edited.validationProblem() { throw ReplicaError("cannot save article \(id.prefix(8)): \(problem)") }
            if edited.hasSameContent(as: current) { return current }
            let entries = try Self.outboxEntries(for: id, db)
            // The first local edit of a synced article: remember the server state it starts from,
            // the common ancestor of a later three-way merge.
            if entries.isEmpty, current.version > 0, try Self.baseSnapshot(id, db) == nil {
                try Self.setBase(current, for: id, db)
            }
            // An entry on its way that stands for the article's current state keeps that state:
            // a retry must carry exactly what the server may already have applied.
            if let last = entries.last, last.sentAt != nil {
                try db.cachedStatement(sql: "UPDATE outbox SET state = ? WHERE position = ? AND state IS NULL")
                    .execute(arguments: [Self.encode(current), last.position])
            }
            try Self.store(edited, db)
            try Self.enqueue(edited, db)
            return edited
        }
    }

    /// Queues the article's new state, which the caller has just stored: folded into the last entry
    /// if that one was never sent, otherwise a new entry chained after the ones in flight.
    ///
    /// The entry holds no copy of the article (state NULL): it stands for the article's current
    /// state, which is what it would hold. Only the last entry of an article can be such an entry,
    /// and `update` gives it its own copy before changing an article whose last entry was sent.
    /// Importing or pushing thousands of new articles so writes each article once, not twice.
    static func enqueue(_ article: Article, _ db: Database) throws {
        let id = article.idString
        let last = try Row.fetchOne(db.cachedStatement(sql: "SELECT position, sentAt FROM outbox WHERE articleID = ? ORDER BY position DESC LIMIT 1"),
                                    arguments: [id])
        if let last, (last["sentAt"] as String?) == nil {
            try db.cachedStatement(sql: "UPDATE outbox SET state = NULL, rejectedReason = NULL WHERE position = ?").execute(arguments: [last.decode(Int64.self, forColumn: "position")])
            return
        }
        let baseVersion: Int64? = last == nil ? article.version : nil
        try db.cachedStatement(sql: """
            INSERT INTO outbox (mutationID, articleID, baseVersion, state, createdAt) VALUES (?, ?, ?, NULL, ?)
            """).execute(arguments: [MutationID.make(), id, baseVersion, timestamp()])
    }
}
