import ArticleSyncShared
import Foundation
import GRDB

/// Concurrent edits: merged when the merge is clean, parked as conflicts when it is not, and
/// settled by `resolve` or `sync --prefer`. A resolution is queued as a normal edit on top of the
/// server version it was resolved against.
extension Replica {
    /// Settles the conflict on article `id` and queues the result for the server.
    @discardableResult
    public func resolve(_ id: String, with resolution: Resolution) throws -> Article {
        try pool.write { db in
            guard let conflict = try Self.conflict(id, db) else {
                throw ReplicaError("article \(id.prefix(8)) has no conflict to resolve (`articlesync conflicts` lists them)")
            }
            var resolved: Article
            switch resolution {
            case .mine:
                resolved = conflict.mine
            case .theirs:
                resolved = conflict.theirs
            case .prefer(let side):
                resolved = ThreeWayMerge.merge(base: conflict.base, mine: conflict.mine, theirs: conflict.theirs, favor: side).article
            case .article(let article, let seen):
                var normalized = ArticleText.normalized(article)
                normalized.id = conflict.mine.id
                if TextMerge.containsMarkers(ArticleText.print(normalized)) {
                    throw ReplicaError("the resolution still holds conflict markers (<<<<<<<, |||||||, =======, >>>>>>>); settle every block first")
                }
                if let problem = normalized.validationProblem() { throw ReplicaError("the resolution is not a valid article: \(problem)") }
                resolved = normalized
                // A sync brought a newer server version while the person wrote this (an editor
                // stays open for minutes): adopting it over that one would undo its change.
                if let seen, seen.version != conflict.theirs.version || !seen.hasSameContent(as: conflict.theirs) {
                    let result = ThreeWayMerge.merge(base: seen, mine: normalized, theirs: conflict.theirs)
                    guard result.isClean else {
                        throw ResolutionOverlap(text: ConflictText.render(base: seen, mine: normalized, theirs: conflict.theirs, result: result),
                                                theirs: conflict.theirs)
                    }
                    resolved = result.article
                }
            }
            try Self.adopt(resolved, over: conflict.theirs, db)
            return try Self.article(id, db) ?? resolved
        }
    }

    /// Settles every conflict by merging again with `side` winning the overlaps; returns how many.
    public func resolveAll(preferring side: MergeSide) throws -> Int {
        let ids = try pool.read { db in try String.fetchAll(db, sql: "SELECT articleID FROM conflict ORDER BY articleID") }
        for id in ids { try resolve(id, with: .prefer(side)) }
        return ids.count
    }

    /// Merges an incoming server state into a locally edited article.
    static func reconcile(base: Article?, mine: Article, theirs: Article, _ db: Database, tally: inout SyncTally) throws {
        let result = ThreeWayMerge.merge(base: base, mine: mine, theirs: theirs)
        if result.isClean {
            try adopt(result.article, over: theirs, db)
            tally.merged += 1
            return
        }
        let attempt = ConflictText.render(base: base, mine: mine, theirs: theirs, result: result)
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO conflict (articleID, base, mine, theirs, attempt, fields, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [mine.idString, base.map(encode), encode(mine), encode(theirs), attempt,
                             result.conflictingFields.joined(separator: ","), Date().formatted(ConflictRecord.timeFormat)])
        // The local text stays exactly as edited; only the server version it sits on moves.
        var local = mine
        local.version = theirs.version
        local.seq = theirs.seq
        try store(local, db)
        tally.conflicts += 1
    }

    /// Makes `content` the local state of an article whose server state is `theirs`: the outbox is
    /// replaced by one edit on top of theirs (none if the content equals theirs).
    static func adopt(_ content: Article, over theirs: Article, _ db: Database) throws {
        let id = theirs.idString
        try db.cachedStatement(sql: "DELETE FROM outbox WHERE articleID = ?").execute(arguments: [id])
        try db.cachedStatement(sql: "DELETE FROM conflict WHERE articleID = ?").execute(arguments: [id])
        if content.hasSameContent(as: theirs) {
            try setBase(nil, for: id, db)
            try store(theirs, db)
            return
        }
        var local = content
        local.version = theirs.version
        local.seq = theirs.seq
        try setBase(theirs, for: id, db)
        try store(local, db)
        try enqueue(local, db)
    }

    static func conflict(_ id: String, _ db: Database) throws -> ConflictRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM conflict WHERE articleID = ?"), arguments: [id]).map(conflictRecord)
    }

    static func conflictRecord(_ row: Row) throws -> ConflictRecord {
        try ConflictRecord(
            articleID: row.decode(forColumn: "articleID"),
            base: (row["base"] as Data?).map(decode),
            mine: decode(row.decode(forColumn: "mine")),
            theirs: decode(row.decode(forColumn: "theirs")),
            attempt: row.decode(forColumn: "attempt"),
            fields: row.decode(String.self, forColumn: "fields").split(separator: ",").map(String.init),
            createdAt: row.decode(forColumn: "createdAt"))
    }
}
