import ArticleSyncShared
import GRDB

/// Recovery when the server's database is replaced (restored from a backup or recreated), which the
/// server announces with a new epoch in `welcome`, or goes back to an older copy of its files, which
/// keeps the epoch but no longer holds the latest change this replica received (`SeenChange`).
///
/// The replica downloads the collection again from seq 0. Articles the server still has take the
/// server's state, and local edits are merged onto it like any concurrent edit. Articles the server
/// no longer has are sent to it again as new articles, local edits included, so nothing this replica
/// holds is silently dropped. The list of articles not yet seen again is a table, so an interrupted
/// re-download resumes instead of starting over.
extension Replica {
    /// Records the server's identity from `welcome`; returns true when the replica is to download
    /// the collection again (see `SyncState.isReplaced`).
    public func noteServer(serverID: String, epoch: String, headSeq: Int64, lastSeenHeld: Bool?) throws -> Bool {
        // Usually nothing changed: a read, and no write transaction (each costs an fsync).
        let known = try syncState()
        if known.serverID == serverID && !known.isReplaced(epoch: epoch, headSeq: headSeq, lastSeenHeld: lastSeenHeld) { return false }
        return try pool.write { db in
            let replaced = try Self.syncState(db).isReplaced(epoch: epoch, headSeq: headSeq, lastSeenHeld: lastSeenHeld)
            if replaced {
                try db.execute(sql: "DELETE FROM resync")
                try db.execute(sql: "INSERT INTO resync (articleID) SELECT id FROM article")
                try db.execute(sql: """
                    UPDATE syncState SET cursor = 0,
                        seenSeq = NULL, seenArticleID = NULL, seenVersion = NULL, seenContentHash = NULL, seenMutationID = NULL
                    WHERE id = 1
                    """)
            }
            try db.execute(sql: "UPDATE syncState SET serverID = ?, epoch = ? WHERE id = 1", arguments: [serverID, epoch])
            return replaced
        }
    }

    /// Keeps `change` as the latest change received from the server, unless a later one is kept.
    static func noteSeen(_ change: SeenChange, _ db: Database) throws {
        try db.cachedStatement(sql: """
            UPDATE syncState SET seenSeq = ?, seenArticleID = ?, seenVersion = ?, seenContentHash = ?, seenMutationID = ?
            WHERE id = 1 AND (seenSeq IS NULL OR seenSeq < ?)
            """).execute(arguments: [change.seq, change.articleID, change.version, change.contentHash, change.mutationID, change.seq])
    }

    /// After a complete re-download: queues every article the server did not send back as a new
    /// article. Returns how many.
    public func finishResync() throws -> Int {
        // The common case, no re-download under way, costs one read and no write transaction.
        guard try pool.read({ db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM resync)") ?? false }) else { return 0 }
        return try pool.write { db in
            let missing = try String.fetchAll(db, sql: "SELECT articleID FROM resync ORDER BY articleID")
            for id in missing {
                guard var article = try Self.article(id, db) else { continue }
                // The server knows nothing of this article any more: no base, no version, one fresh edit.
                try db.execute(sql: "DELETE FROM outbox WHERE articleID = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM conflict WHERE articleID = ?", arguments: [id])
                try Self.setBase(nil, for: id, db)
                article.version = 0
                article.seq = 0
                try Self.store(article, db)
                try Self.enqueue(article, db)
            }
            try db.execute(sql: "DELETE FROM resync")
            return missing.count
        }
    }

    /// The first sight of an article since the server was replaced. Version numbers still compare:
    /// a restored backup holds a prefix of the same history. Where this replica knew a later version
    /// than the restored server has, the server lost it, and this replica's content is sent again on
    /// top of the server's version; otherwise the server's state counts and local edits merge onto it.
    static func integrateAfterReset(_ theirs: Article, local: Article, modified: Bool, _ db: Database, tally: inout SyncTally) throws {
        let id = theirs.idString
        let known = modified ? (try baseSnapshot(id, db)?.version ?? local.version) : local.version
        if known > theirs.version {
            try adopt(local, over: theirs, db)
            return
        }
        if !modified {
            try store(theirs, db)
            return
        }
        try reconcile(base: try baseSnapshot(id, db), mine: local, theirs: theirs, db, tally: &tally)
    }
}
