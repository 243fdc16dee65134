import ArticleSyncShared
import Foundation
import GRDB

/// The local replica: one SQLite file holding the articles as this machine sees them, the base
/// snapshot each local edit started from, the outbox of edits not yet accepted by the server,
/// unresolved conflicts, and the sync cursor.
///
/// Every public method is one transaction, so an edit and its outbox entry, or a pulled batch and the
/// cursor that covers it, are committed together or not at all. Everything but the sync engine's
/// network half works with no server.
public struct Replica: Sendable {
    static let databaseName = "replica.sqlite"

    let pool: DatabasePool
    /// The database file's page size: `pageSize` for replicas created since it was raised, 4096 for
    /// older ones (SQLite cannot change it in WAL mode). The WAL limits below are in bytes.
    let pageSize: Int
    /// Opened from read-only media for reading alone (see `Replica(readingFrom:)`): writes fail.
    public let isReadOnly: Bool

    /// Opens the replica database at `path` (creating and migrating it when needed).
    public init(path: String) throws {
        var configuration = Configuration()
        // `sync` and other commands may run at once on one replica; writers wait instead of failing.
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.prepareDatabase { db in
            // The WAL is left as SQLite leaves it: deleted when the last connection closes. Replicas
            // used to keep it (SQLITE_FCNTL_PERSIST_WAL) to spare GRDB's small write that makes a
            // new one on open, but a kept WAL is never restarted by CLI commands, each one process
            // with a write or two: its frames stayed valid, it grew without end (~33 KB per offline
            // `set`, ~0.5 MB per one-article sync), and every open read and checksummed all of it
            // (WAL recovery). After 300 offline `set`s each took 24 ms instead of 18, and over 50
            // one-article syncs `show` took 20.2 ms instead of 17.9 (medians, builds side by side).
            // Takes effect only while the file is still empty: GRDB turns WAL on after this runs.
            try db.execute(sql: "PRAGMA page_size = \(Self.pageSize)")
            try db.execute(sql: "PRAGMA cache_size = -\(Self.pageCacheBytes / 1024)")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        isReadOnly = false
        // An edit must survive power loss. GRDB sets synchronous=NORMAL on the writer when it turns
        // WAL on, after prepareDatabase has run, so FULL is set here, on the one connection that writes.
        pageSize = try pool.writeWithoutTransaction { db in
            let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
            try db.execute(sql: "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = \(Self.checkpointBytes / pageSize)")
            return pageSize
        }
        // A server's change log or another program's database copied in its place (the change log's
        // first migration is also named "v1"): before, it read as "last opened by a newer
        // articlesync", or had the replica's tables added to it.
        // One read for the three checks: every command opens the replica.
        let (isOurs, superseded, upgrading) = try pool.read { db in
            (try Self.holdsAReplicaOrNothing(db), try Self.migrator.hasBeenSuperseded(db), try !Self.migrator.hasCompletedMigrations(db))
        }
        guard isOurs else {
            throw ReplicaError("\(path) is not an articlesync replica: it holds other tables (a server's change log, or another "
                + "program's database?). It was not used or migrated. Put the replica's own file back, or make a new replica with "
                + "`articlesync init`.")
        }
        // A newer articlesync may keep state this one does not know of (a table it must update with
        // every edit, say): writing without it would leave that state wrong. This one stays out.
        guard !superseded else {
            throw ReplicaError("this replica was last opened by a newer articlesync, which changed its database in ways this version "
                + "does not know; nothing was changed. Use that version (or a newer one) on this replica.")
        }
        try Self.migrator.migrate(pool)
        // A migration can rewrite a whole outbox, and the WAL would keep that size until the next sync.
        if upgrading { try checkpointLargeWAL() }
    }

    /// A new, empty database, or one the first migration made a replica of.
    static func holdsAReplicaOrNothing(_ db: Database) throws -> Bool {
        let tables = try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        return tables.isEmpty || tables.isSuperset(of: ["grdb_migrations", "syncState", "article", "base"])
    }

    /// Closes the database now rather than when the last copy of this value goes.
    public func close() throws {
        // Readers first: GRDB's `close()` closes the writer first, and the last connection to
        // close, a read-only one, could not checkpoint and delete the WAL, which `init` then left
        // in every new replica, and a replica closed this way kept its latest commits in it.
        pool.releaseMemory()
        try pool.close()
    }

    /// A WAL file larger than this after a sync or an import is checkpointed and cut back to nothing.
    static let walSizeLimit = 16 << 20
    /// Page size of a new replica: 32 KiB instead of SQLite's 4 KiB. Articles are 3–6 KB: with 4 KiB
    /// pages each one is a leaf cell plus an overflow page it fills only partly, and every page
    /// costs a first download its own WAL frame, checksum and copy at the checkpoint; with 32 KiB
    /// pages a leaf holds several whole articles. 20,000 articles take 3,145 pages instead of
    /// 25,619 (103 MB instead of 105 MB), and their download took 0.45–0.55 s instead of
    /// 0.56–0.58 s (alternating runs, `articlesync-bench --transfer-only 20000`), while an edit or a
    /// one-article sync, which write a few whole pages, cost the same. 64 KiB pages were faster
    /// still for the download but made each one-article sync some 3 ms slower. A table scan now
    /// reads the articles' bodies too, so `status` counts from indexes.
    static let pageSize = 32_768
    /// SQLite's page cache per connection: 8 MiB instead of its default 2 MB. With 32 KiB pages the
    /// default holds only 62 pages, fewer than the index on article ids has at 100,000 articles, so
    /// every lookup by id (a push's acknowledgements, a pull's "held already?") read index pages
    /// back from the file, 32 KiB at a time. Pushing 100,000 new articles took 9.0–9.3 s instead
    /// of 11.3–11.4 s (client system time 1.6–1.8 s instead of 3.1 s), downloading them 2.3–2.5 s
    /// instead of 2.7–2.9 s, for 6 MB more peak memory (release builds, alternating runs). SQLite
    /// allocates the cache as pages are read, so small commands do not pay for it.
    public static let pageCacheBytes = 8 << 20
    /// Seconds a writer waits for another command's write before it gives up (`ReplicaError`
    /// says so when SQLITE_BUSY comes back).
    static let busyTimeout: Double = 30
    /// WAL a download may write before it is checkpointed into the database: 256 MiB.
    static let downloadCheckpointBytes = 256 << 20
    var downloadCheckpointPages: Int { Self.downloadCheckpointBytes / pageSize }
    /// WAL written before it is checkpointed, for every other write: 32 MiB instead of
    /// SQLite's 4 MiB. A push answer rewrites the rows of the articles it acknowledges (up to 500,
    /// some 3 MB), so with the default nearly every push answer was followed by a checkpoint copying
    /// and syncing those pages, many of them again after the next one. Commits
    /// stay FULL: how often the WAL is copied into the database does not change what survives.
    static let checkpointBytes = 32 << 20
    var checkpointPages: Int { Self.checkpointBytes / pageSize }

    /// One write transaction whose content the server can always send again: a pulled batch and the
    /// cursor past it. Such a commit costs a download most of its time when made like an edit's, so:
    /// - It is committed with synchronous=NORMAL: no fsync of its own. It survives a crash (kill -9);
    ///   a power loss can roll back the latest such commits, and the cursor with them, so the next
    ///   sync downloads them again. Nothing local is lost: every edit was committed with FULL before,
    ///   and the next FULL commit syncs everything written before it, in order.
    /// - The WAL is checkpointed into the database every 256 MiB instead of every 32 MiB, so a batch
    ///   is not copied and synced a second time before the next one arrives. `checkpointLargeWAL`
    ///   checkpoints what is left.
    /// Both settings are per connection and restored before returning, whatever happened.
    func writeRefetchable<T>(_ updates: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = \(downloadCheckpointPages)")
            let result = Result { () throws -> T in
                var value: T?
                try db.inTransaction(.immediate) {
                    value = try updates(db)
                    return .commit
                }
                guard let value else { throw ReplicaError("a write transaction ended without a result") }
                return value
            }
            // Outside any transaction (GRDB ends it on error too), so this cannot be refused.
            try db.execute(sql: "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = \(checkpointPages)")
            return try result.get()
        }
    }

    /// Records where this replica syncs to; called once by `init`.
    public func configure(server: String, collection: String, fingerprint: String, clientID: String = UUID().uuidString.lowercased()) throws {
        try pool.write { db in
            try db.cachedStatement(sql: """
                INSERT INTO syncState (id, server, collection, fingerprint, clientID) VALUES (1, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET server = excluded.server, collection = excluded.collection, fingerprint = excluded.fingerprint
                """).execute(arguments: [server, collection, fingerprint, clientID])
        }
    }

    public func syncState() throws -> SyncState {
        try pool.read { db in try Self.syncState(db) }
    }

    static func syncState(_ db: Database) throws -> SyncState {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM syncState WHERE id = 1") else {
            // Only an init stopped part way by an older version (now init is all or nothing), or damage.
            throw ReplicaError("this replica's server settings are missing (an `articlesync init` that stopped part way?); if it holds "
                + "nothing you need, remove its .articlesync directory and run `articlesync init` again")
        }
        var lastSeen: SeenChange?
        if let seq: Int64 = row["seenSeq"], let articleID: String = row["seenArticleID"], let version: Int64 = row["seenVersion"],
           let contentHash: String = row["seenContentHash"], let mutationID: String = row["seenMutationID"] {
            lastSeen = SeenChange(seq: seq, articleID: articleID, version: version, contentHash: contentHash, mutationID: mutationID)
        }
        return try SyncState(server: row.decode(forColumn: "server"), collection: row.decode(forColumn: "collection"),
                             fingerprint: row.decode(forColumn: "fingerprint"), clientID: row.decode(forColumn: "clientID"),
                             serverID: row.decode(forColumn: "serverID"), epoch: row.decode(forColumn: "epoch"),
                             cursor: row.decode(forColumn: "cursor"), lastSyncAt: row.decode(forColumn: "lastSyncAt"), lastSeen: lastSeen)
    }

    /// Pins a new server fingerprint (after the operator changed the server's certificate).
    public func trust(fingerprint: String) throws {
        try ReplicaDirectory.checkFingerprintSyntax(fingerprint)
        let fingerprint = fingerprint.lowercased()
        try pool.write { db in try db.cachedStatement(sql: "UPDATE syncState SET fingerprint = ? WHERE id = 1").execute(arguments: [fingerprint]) }
    }

    /// Records a new address for the server (see `ReplicaDirectory.changeServerAddress`).
    func setServerAddress(_ server: String) throws {
        try pool.write { db in try db.cachedStatement(sql: "UPDATE syncState SET server = ? WHERE id = 1").execute(arguments: [server]) }
    }

    /// Checkpoints the WAL a sync or an import let grow (a download up to 256 MiB, see
    /// `writeRefetchable`; a push up to 32 MiB, see `checkpointBytes`; an import as large as what it
    /// imported) and truncates the file, which SQLite would otherwise keep
    /// at its largest size for good. A reader still on an older snapshot makes the checkpoint wait
    /// (busy timeout), and if it is still there, the checkpoint is skipped until the next sync.
    public func checkpointLargeWAL() throws {
        // Also after a `DownloadCheckpointer`: it stops at what was committed when it started.
        let walSize = (try? FileManager.default.attributesOfItem(atPath: pool.path + "-wal")[.size] as? Int) ?? 0
        guard walSize > Self.walSizeLimit else { return }
        try pool.writeWithoutTransaction { db in _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    /// A `DownloadCheckpointer` for this replica's database.
    func makeDownloadCheckpointer() throws -> DownloadCheckpointer {
        try DownloadCheckpointer(path: pool.path)
    }

    // MARK: - Encoding helpers shared by the extensions

    /// Articles are stored in their length-prefixed storage form (`Article.storageBytes`), which is
    /// several times cheaper to write and read than JSON; the initial sync stores thousands.
    static func encode(_ article: Article) -> Data {
        Data(article.storageBytes)
    }

    static func decode(_ state: Data) throws -> Article {
        try Article(storageBytes: state)
    }

    static func timestamp() -> String { Date().formatted(.iso8601) }

    /// Writes the local state of an article (insert or replace).
    /// `storedForm` may come precomputed (see `applyPulled`).
    static func store(_ article: Article, storedForm: Article.StoredForm? = nil, _ db: Database) throws {
        let stored = storedForm ?? article.storedForm
        try store(id: article.idString, title: article.title, category: article.category, isDeleted: article.isDeleted,
                  version: article.version, seq: article.seq, stored: stored, db)
    }

    /// Stores a pulled article; one in its checked storage form is stored without reading its body.
    static func store(_ change: ChangedArticle, storedForm: Article.StoredForm, _ db: Database) throws {
        switch change.content {
        case .article(let article):
            try store(article, storedForm: storedForm, db)
        case .stored(let form):
            try store(id: form.idString, title: form.title, category: form.category, isDeleted: form.isDeleted,
                      version: form.version, seq: form.seq, stored: storedForm, db)
        }
    }

    private static func store(id: String, title: String, category: String, isDeleted: Bool, version: Int64, seq: Int64,
                              stored: Article.StoredForm, _ db: Database) throws {
        // changedAt moves only with the text: not when a sync restamps the same text with the
        // server's version (an acknowledgement, a conflict's new base).
        try db.cachedStatement(sql: """
            INSERT INTO article (id, title, category, isDeleted, version, seq, contentHash, state, changedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET title = excluded.title, category = excluded.category, isDeleted = excluded.isDeleted,
                version = excluded.version, seq = excluded.seq, contentHash = excluded.contentHash, state = excluded.state,
                changedAt = CASE WHEN article.contentHash = excluded.contentHash THEN article.changedAt ELSE excluded.changedAt END
            """).execute(arguments: [id, title, category, isDeleted, version, seq, stored.contentHash, Data(stored.bytes),
                                     Int64(Date().timeIntervalSince1970 * 1000)])
    }

    static func article(_ id: String, _ db: Database) throws -> Article? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT state FROM article WHERE id = ?"), arguments: [id]).map(decode)
    }

    static func baseSnapshot(_ id: String, _ db: Database) throws -> Article? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT state FROM base WHERE articleID = ?"), arguments: [id]).map(decode)
    }

    static func setBase(_ article: Article?, for id: String, _ db: Database) throws {
        if let article {
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO base (articleID, state) VALUES (?, ?)").execute(arguments: [id, encode(article)])
        } else {
            try db.cachedStatement(sql: "DELETE FROM base WHERE articleID = ?").execute(arguments: [id])
        }
    }

    /// The columns `outboxEntry` reads, with the entry's state resolved: NULL stands for the
    /// article's current state (see `enqueue`).
    static let outboxEntryColumns = """
        outbox.position, outbox.mutationID, outbox.articleID, outbox.baseVersion, outbox.sentAt, outbox.rejectedReason,
        COALESCE(outbox.state, (SELECT state FROM article WHERE article.id = outbox.articleID)) AS state
        """

    static func outboxEntries(for id: String, _ db: Database) throws -> [OutboxEntry] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT \(outboxEntryColumns) FROM outbox WHERE articleID = ? ORDER BY position"),
                         arguments: [id]).map(outboxEntry)
    }

    static func outboxEntry(_ row: Row) throws -> OutboxEntry {
        let position: Int64 = try row.decode(forColumn: "position")
        guard let state: Data = row["state"] else {
            throw ReplicaError("outbox entry \(position) has no article state; the replica database is damaged")
        }
        return try OutboxEntry(position: position, mutationID: row.decode(forColumn: "mutationID"), articleID: row.decode(forColumn: "articleID"),
                               baseVersion: row.decode(forColumn: "baseVersion"), article: decode(state), sentAt: row.decode(forColumn: "sentAt"),
                               rejectedReason: row.decode(forColumn: "rejectedReason"))
    }

    static func hasConflict(_ id: String, _ db: Database) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM conflict WHERE articleID = ?)"), arguments: [id]) ?? false
    }
}
