import ArticleSyncShared
import Foundation
import GRDB
import NIOConcurrencyHelpers

/// What one pulled batch or one push answer did to the replica.
public struct SyncTally: Sendable, Equatable {
    public var received = 0
    public var accepted = 0
    public var merged = 0
    public var conflicts = 0
    public var rejected = 0

    public init() {}
}

/// Mutations to send in one push, and the outbox position of the last one.
public struct PushBatch: Sendable {
    public var mutations: [Mutation]
    public var lastPosition: Int64
}

/// The replica's half of the sync algorithm: each method is one transaction the sync engine calls
/// between network round trips.
extension Replica {
    /// Integrates one pulled batch and moves the cursor past it, together.
    public func applyPulled(_ articles: [ChangedArticle], cursor: Int64) throws -> SyncTally {
        // The usual answer when nothing changed: no write, so no commit to wait for on disk.
        if articles.isEmpty, try cursor <= syncState().cursor { return SyncTally() }
        // Hashing and encoding are most of the CPU a download costs; done before the write
        // transaction and on all cores, while SQLite itself can only write on one.
        let stored = Self.storedForms(of: articles)
        return try writeRefetchable { db in
            var tally = SyncTally()
            let resyncing = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM resync)") ?? false
            // Articles this replica does not hold yet (all of them in a first download) are simply
            // stored: one query for the whole batch instead of one lookup per article.
            var held = try Self.heldIDs(among: articles.map(\.idString), db)
            for (change, storedForm) in zip(articles, stored) {
                tally.received += 1
                let id = change.idString
                var afterReset = false
                if resyncing {
                    try db.cachedStatement(sql: "DELETE FROM resync WHERE articleID = ?").execute(arguments: [id])
                    afterReset = db.changesCount > 0
                }
                if held.insert(id).inserted {
                    try Self.store(change, storedForm: storedForm, db)
                } else {
                    try Self.integrate(change, storedForm: storedForm, db, tally: &tally, afterReset: afterReset)
                }
            }
            try db.cachedStatement(sql: "UPDATE syncState SET cursor = MAX(cursor, ?) WHERE id = 1").execute(arguments: [cursor])
            // The server's state as it sent it, whatever a merge made of it here.
            if let (latest, storedForm) = zip(articles, stored).max(by: { $0.0.seq < $1.0.seq }) {
                try Self.noteSeen(SeenChange(seq: latest.seq, articleID: latest.idString, version: latest.version, contentHash: storedForm.contentHash,
                                             mutationID: latest.mutationID), db)
            }
            return tally
        }
    }

    /// The next mutations to push (see `nextPushBatch`), with no byte budget.
    public func nextPush(limit: Int) throws -> [Mutation] {
        try nextPushBatch(limit: limit, byteBudget: .max).mutations
    }

    /// The next mutations to push: the oldest entry of each article that is not waiting for an
    /// earlier entry, not rejected and not in conflict, oldest first, after outbox position `after`
    /// (the last position of a batch still on its way). They are marked sent (frozen) first. At most
    /// `limit` of them and `byteBudget` bytes of article text, but always at least one.
    public func nextPushBatch(limit: Int, byteBudget: Int, after: Int64 = 0) throws -> PushBatch {
        // Most syncs have nothing to push: find that out without a write transaction.
        let anything = try pool.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM outbox WHERE rejectedReason IS NULL)") ?? false }
        guard anything else { return PushBatch(mutations: [], lastPosition: after) }
        return try pool.write { db in try Self.takePushBatch(limit: limit, byteBudget: byteBudget, after: after, db) }
    }

    /// `nextPushBatch`'s work, inside a write transaction.
    static func takePushBatch(limit: Int, byteBudget: Int, after: Int64, _ db: Database) throws -> PushBatch {
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT \(Self.outboxEntryColumns) FROM outbox
            WHERE position > ? AND rejectedReason IS NULL AND baseVersion IS NOT NULL
              AND position = (SELECT MIN(position) FROM outbox AS earlier WHERE earlier.articleID = outbox.articleID)
              AND articleID NOT IN (SELECT articleID FROM conflict)
            ORDER BY position LIMIT ?
            """), arguments: [after, limit])
        var entries: [OutboxEntry] = []
        var bytes = 0
        for row in rows {
            let entry = try Self.outboxEntry(row)
            let size = entry.article.textByteCount
            if !entries.isEmpty, bytes + size > byteBudget { break }
            bytes += size
            entries.append(entry)
        }
        let unsent = entries.filter { $0.sentAt == nil }.map(\.position)
        if !unsent.isEmpty {
            try db.execute(sql: "UPDATE outbox SET sentAt = ? WHERE position IN (\(unsent.map { _ in "?" }.joined(separator: ",")))",
                           arguments: StatementArguments([Self.timestamp()] + unsent.map { $0 as any DatabaseValueConvertible }))
        }
        return PushBatch(mutations: entries.map { Mutation(mutationID: $0.mutationID, baseVersion: $0.baseVersion ?? 0, article: $0.article) },
                         lastPosition: entries.last?.position ?? after)
    }

    /// Applies the server's answers to a push, in one transaction.
    public func applyPushResults(_ results: [MutationResult]) throws -> SyncTally {
        try pool.write { db in try Self.apply(results, db) }
    }

    /// `applyPushResults`, then `nextPushBatch` after outbox position `after`, in one transaction:
    /// a push that keeps batches on their way commits once per answer instead of twice, and each
    /// commit waits for the disk (synchronous=FULL).
    public func applyPushResults(_ results: [MutationResult], thenTake limit: Int, byteBudget: Int, after: Int64) throws -> (tally: SyncTally, next: PushBatch) {
        try pool.write { db in
            let tally = try Self.apply(results, db)
            return (tally, try Self.takePushBatch(limit: limit, byteBudget: byteBudget, after: after, db))
        }
    }

    /// `applyPushResults`'s work, inside a write transaction.
    static func apply(_ results: [MutationResult], _ db: Database) throws -> SyncTally {
        var tally = SyncTally()
        var latest: SeenChange?
        for result in results {
            if result.status == .applied || result.status == .duplicate, let seen = try Self.acknowledgeLastEdit(result, db) {
                tally.accepted += 1
                if seen.seq > latest?.seq ?? 0 { latest = seen }
                continue
            }
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.outboxEntryColumns) FROM outbox WHERE mutationID = ?"), arguments: [result.mutationID]) else {
                continue  // already acknowledged through a pull
            }
            let entry = try Self.outboxEntry(row)
            switch result.status {
            case .applied, .duplicate:
                guard let version = result.version, let seq = result.seq else {
                    throw ReplicaError("the server acknowledged mutation \(entry.mutationID) without a version; the server is faulty")
                }
                var accepted = entry.article
                accepted.version = version
                accepted.seq = seq
                try Self.acknowledge(through: entry.position, articleID: entry.articleID, serverState: accepted, db)
                tally.accepted += 1
                if seq > latest?.seq ?? 0 {
                    latest = SeenChange(seq: seq, articleID: entry.articleID, version: version, contentHash: accepted.contentHash, mutationID: entry.mutationID)
                }
            case .conflict:
                guard let theirs = result.article else {
                    throw ReplicaError("the server reported a conflict on \(entry.articleID) without its article; the server is faulty")
                }
                try Self.integrate(theirs, db, tally: &tally)
            case .rejected:
                try Self.reject(entry, reason: result.reason ?? "no reason given", db)
                tally.rejected += 1
            }
        }
        if let latest { try noteSeen(latest, db) }
        return tally
    }

    /// The usual acknowledgement: of the only edit queued for an article not in conflict, whose
    /// entry stands for the article's current state (see `enqueue`). The article's row then holds
    /// exactly what the server accepted, so only its version and seq change, without decoding or
    /// hashing it again. Returns the change the server made of it, or nil, changing nothing, when
    /// the general path is needed.
    static func acknowledgeLastEdit(_ result: MutationResult, _ db: Database) throws -> SeenChange? {
        guard let version = result.version, let seq = result.seq,
              let entry = try Row.fetchOne(db.cachedStatement(sql: """
                  SELECT position, articleID FROM outbox AS entry
                  WHERE mutationID = ? AND state IS NULL
                    AND NOT EXISTS (SELECT 1 FROM outbox WHERE articleID = entry.articleID AND position != entry.position)
                    AND NOT EXISTS (SELECT 1 FROM conflict WHERE articleID = entry.articleID)
                  """), arguments: [result.mutationID]),
              let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT state, contentHash FROM article WHERE id = ?"),
                                         arguments: [entry.decode(String.self, forColumn: "articleID")])
        else { return nil }
        let id: String = try entry.decode(forColumn: "articleID")
        let state: Data = try row.decode(forColumn: "state")
        let restamped = try CheckedStorageForm(trusting: Array(state)).restamped(version: version, seq: seq)
        try db.cachedStatement(sql: "DELETE FROM outbox WHERE position = ?").execute(arguments: [entry.decode(Int64.self, forColumn: "position")])
        try setBase(nil, for: id, db)
        try db.cachedStatement(sql: "UPDATE article SET version = ?, seq = ?, state = ? WHERE id = ?").execute(arguments: [version, seq, Data(restamped), id])
        return SeenChange(seq: seq, articleID: id, version: version, contentHash: try row.decode(forColumn: "contentHash"), mutationID: result.mutationID)
    }

    public func markSynced() throws {
        try pool.write { db in
            try db.cachedStatement(sql: "UPDATE syncState SET lastSyncAt = ? WHERE id = 1").execute(arguments: [Self.timestamp()])
        }
    }

    /// `Article.storedForm` of each article, computed on all cores. An article that came in its
    /// checked storage form keeps those bytes; only its hash is computed.
    static func storedForms(of changes: [ChangedArticle]) -> [Article.StoredForm] {
        let chunks = min(changes.count, ProcessInfo.processInfo.activeProcessorCount, 8)
        guard chunks > 1 else { return changes.map(storedForm) }
        let results = NIOLockedValueBox([[Article.StoredForm]](repeating: [], count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let range = (changes.count * chunk / chunks)..<(changes.count * (chunk + 1) / chunks)
            let forms = changes[range].map(storedForm)
            results.withLockedValue { $0[chunk] = forms }
        }
        return results.withLockedValue { $0.flatMap { $0 } }
    }

    static func storedForm(_ change: ChangedArticle) -> Article.StoredForm {
        switch change.content {
        case .article(let article): article.storedForm
        case .stored(let form): (form.bytes, form.contentHash)
        }
    }

    /// Which of `ids` the replica holds, asked in chunks that stay well under SQLite's limit on
    /// bound parameters whatever a server sends.
    static func heldIDs(among ids: [String], _ db: Database) throws -> Set<String> {
        var held: Set<String> = []
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(ids.count, start + 500)])
            let placeholders = chunk.map { _ in "?" }.joined(separator: ",")
            held.formUnion(try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM article WHERE id IN (\(placeholders))"),
                                               arguments: StatementArguments(chunk)))
        }
        return held
    }

    /// Brings one server state into the replica. `afterReset`: the first sight of this article since
    /// the server's database was replaced, so the server's state counts whatever its version number.
    /// `storedForm`, when given, is `theirs`'s (see `applyPulled`).
    static func integrate(_ change: ChangedArticle, storedForm: Article.StoredForm? = nil, _ db: Database, tally: inout SyncTally,
                          afterReset: Bool = false) throws {
        let theirs = change.article
        let id = theirs.idString
        guard let local = try article(id, db) else {
            try store(theirs, storedForm: storedForm, db)
            return
        }
        let entries = try outboxEntries(for: id, db)
        let conflicted = try hasConflict(id, db)
        if afterReset, entries.first(where: { $0.mutationID == change.mutationID }) == nil {
            try integrateAfterReset(theirs, local: local, modified: !entries.isEmpty || conflicted, db, tally: &tally)
            return
        }
        if entries.isEmpty && !conflicted {
            if theirs.version > local.version { try store(theirs, storedForm: storedForm, db) }
            return
        }
        // Our own edit coming back (its acknowledgement may have been lost): not a conflict. Only
        // with the content it carries here: a copy of this replica (a directory copied, or put back
        // from a backup, while edits were queued) sends the same mutation ids with its own later
        // edits folded in, and taking the other copy's content for ours dropped them unseen.
        if let own = entries.first(where: { $0.mutationID == change.mutationID }), own.article.hasSameContent(as: theirs) {
            try acknowledge(through: own.position, articleID: id, serverState: theirs, db)
            return
        }
        guard theirs.version > local.version else { return }
        try reconcile(base: try baseSnapshot(id, db), mine: local, theirs: theirs, db, tally: &tally)
    }

    /// Marks outbox entries of an article up to `position` accepted as `serverState`.
    static func acknowledge(through position: Int64, articleID id: String, serverState: Article, _ db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM outbox WHERE articleID = ? AND position <= ?").execute(arguments: [id, position])
        let remaining = try outboxEntries(for: id, db)
        if remaining.isEmpty, try !hasConflict(id, db) {
            try setBase(nil, for: id, db)
            try store(serverState, db)
            return
        }
        try setBase(serverState, for: id, db)
        if let next = remaining.first, next.baseVersion == nil {
            try db.cachedStatement(sql: "UPDATE outbox SET baseVersion = ? WHERE position = ?").execute(arguments: [serverState.version, next.position])
        }
        if var local = try article(id, db) {
            local.version = max(local.version, serverState.version)
            local.seq = max(local.seq, serverState.seq)
            try store(local, db)
        }
    }

    /// A rejected entry will never be accepted as sent. When later edits of the article are queued
    /// behind it, the next one (a full snapshot, so it carries this edit too) takes its place;
    /// otherwise it waits, flagged, for the next local edit of the article.
    static func reject(_ entry: OutboxEntry, reason: String, _ db: Database) throws {
        let entries = try outboxEntries(for: entry.articleID, db)
        if let next = entries.first(where: { $0.position > entry.position }) {
            try db.cachedStatement(sql: "DELETE FROM outbox WHERE position = ?").execute(arguments: [entry.position])
            try db.cachedStatement(sql: "UPDATE outbox SET baseVersion = ? WHERE position = ?").execute(arguments: [entry.baseVersion, next.position])
        } else {
            try db.cachedStatement(sql: "UPDATE outbox SET sentAt = NULL, rejectedReason = ? WHERE position = ?").execute(arguments: [reason, entry.position])
        }
    }
}
