import ArticleSyncShared
import Foundation
import GRDB

/// Local edits. Each one writes the article and its outbox entry in one transaction, and works
/// with no network at all.
extension Replica {
    /// Adds new articles (all or none) and returns them with their new ids.
    @discardableResult
    public func add(_ articles: [Article]) throws -> [Article] {
        let normalized = articles.map { article -> Article in
            var copy = ArticleText.normalized(article)
            copy.version = 0
            copy.seq = 0
            return copy
        }
        for article in normalized {
            if let problem = article.validationProblem() { throw ReplicaError("cannot add \"\(article.title)\": \(problem)") }
        }
        try pool.write { db in
            for article in normalized {
                if try Self.article(article.idString, db) != nil {
                    throw ReplicaError("an article with id \(article.idString) already exists")
                }
                try Self.store(article, db)
                try Self.enqueue(article, db)
            }
        }
        return normalized
    }

    /// Applies `change` to the article `id` (a full id) and queues the result for the server.
    /// Returns the new local state; an edit that changes nothing queues nothing.
    @discardableResult
    public func update(_ id: String, _ change: @Sendable (inout Article) throws -> Void) throws -> Article {
        try pool.write { db in
            guard let current = try Self.article(id, db) else { throw ReplicaError("there is no article \(id)") }
            if try Self.hasConflict(id, db) {
                throw ReplicaError("article \(id) has an unresolved conflict; settle it first (`articlesync show \(id.prefix(8)) --conflict`)")
            }
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
            try Self.store(edited, db)
            try Self.enqueue(edited, db)
            return edited
        }
    }

    /// Queues the article's new state: folded into the last entry if that one was never sent,
    /// otherwise a new entry chained after the ones in flight.
    static func enqueue(_ article: Article, _ db: Database) throws {
        let id = article.idString
        let entries = try outboxEntries(for: id, db)
        if let last = entries.last, last.sentAt == nil {
            try db.execute(sql: "UPDATE outbox SET state = ?, rejectedReason = NULL WHERE position = ?",
                           arguments: [encode(article), last.position])
            return
        }
        let baseVersion: Int64? = entries.isEmpty ? article.version : nil
        try db.cachedStatement(sql: """
            INSERT INTO outbox (mutationID, articleID, baseVersion, state, createdAt) VALUES (?, ?, ?, ?, ?)
            """).execute(arguments: [UUID().uuidString.lowercased(), id, baseVersion, encode(article), timestamp()])
    }
}
