import ArticleSyncShared
import Foundation
import GRDB

/// The server's change log in one SQLite file (WAL, synchronous=FULL): every accepted version of
/// every article (`change`), the latest version per article (`article`, which points at its change),
/// collections and hashed tokens.
///
/// Each public method is one transaction. Several processes may open the same file at once (the
/// running server and the admin subcommands); writers wait for each other instead of failing.
public struct SQLiteChangeLog: Sendable {
    public static let fileName = "changelog.sqlite"
    public static let defaultCollection = "articles"

    let pool: DatabasePool

    /// WAL pages (4 KiB) written before they are checkpointed into the database: 32 MiB.
    static let checkpointPages = 8_192

    /// Opens (creating and migrating when needed) the change log at `path`.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        // The WAL is deleted when the last connection closes (SQLite's default), as the replica's
        // is: a kept one's frames stay valid, and every later open (a restart, an admin subcommand
        // run while the server is stopped) read and checksummed them all again.
        pool = try DatabasePool(path: path, configuration: configuration)
        // An acknowledged push must survive power loss, not only a process crash. GRDB sets
        // synchronous=NORMAL on the writer when it turns WAL on, after prepareDatabase has run,
        // so FULL is set here, on the one connection that writes.
        // A push batch of 500 articles writes about 600 pages, so with SQLite's default of 1,000 the
        // WAL was checkpointed after almost every other push; every 32 MiB is enough.
        // Durability is the commit's fsync, not this.
        try pool.writeWithoutTransaction {
            try $0.execute(sql: "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = \(Self.checkpointPages)")
        }
        // Another program's database, or a replica's restored in the change log's place by mistake
        // (its first migration is also named "v1"): before, that read as "last opened by a newer
        // articlesync-server", or had the change log's tables added to it.
        let (isOurs, superseded, upgrading) = try pool.read { db in
            (try Self.holdsAChangeLogOrNothing(db), try Self.migrator.hasBeenSuperseded(db), try !Self.migrator.hasCompletedMigrations(db))
        }
        guard isOurs else {
            throw ServerSetupError(message: "\(path) is not an articlesync-server change log: it holds other tables (a client's "
                + "replica.sqlite, or another program's database?). It was not served or migrated. Put back the change log, or "
                + "a file written by `articlesync-server backup` (docs/OPERATIONS.md).")
        }
        // A newer server may keep state this one does not know of; serving or changing the change log
        // without it would leave that state wrong.
        guard !superseded else {
            throw ServerSetupError(message: "the change log at \(path) was last opened by a newer articlesync-server, which changed it in "
                + "ways this version does not know; nothing was changed. Run that version (or a newer one) on this data directory.")
        }
        try Self.migrator.migrate(pool)
        // A migration can rewrite whole tables, and the WAL would keep that size for good.
        if upgrading { try pool.writeWithoutTransaction { db in _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") } }
    }

    /// A new, empty database, or one the first migration made a change log of.
    static func holdsAChangeLogOrNothing(_ db: Database) throws -> Bool {
        let tables = try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        return tables.isEmpty || tables.isSuperset(of: ["grdb_migrations", "collection", "token", "change"])
    }

    /// Migrations are named and never edited once released; changes go in new ones.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE collection (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE,
                    createdAt TEXT NOT NULL
                );
                CREATE TABLE token (
                    id TEXT PRIMARY KEY,
                    collectionID INTEGER NOT NULL REFERENCES collection(id),
                    access TEXT NOT NULL,
                    hash BLOB NOT NULL,
                    createdAt TEXT NOT NULL,
                    revokedAt TEXT
                );
                CREATE TABLE change (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    collectionID INTEGER NOT NULL REFERENCES collection(id),
                    articleID TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    baseVersion INTEGER NOT NULL,
                    clientID TEXT NOT NULL,
                    mutationID TEXT NOT NULL,
                    contentHash TEXT NOT NULL,
                    -- Article.storageBytes: length-prefixed fields, cheaper than JSON.
                    state BLOB NOT NULL,
                    createdAt TEXT NOT NULL,
                    UNIQUE (clientID, mutationID),
                    UNIQUE (collectionID, articleID, version)
                );
                CREATE TABLE article (
                    collectionID INTEGER NOT NULL REFERENCES collection(id),
                    articleID TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    seq INTEGER NOT NULL,
                    contentHash TEXT NOT NULL,
                    isDeleted INTEGER NOT NULL,
                    mutationID TEXT NOT NULL,
                    clientID TEXT NOT NULL,
                    state BLOB NOT NULL,
                    PRIMARY KEY (collectionID, articleID)
                );
                CREATE INDEX article_by_seq ON article (collectionID, seq);
                """)
            let now = Date().formatted(.iso8601)
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('serverID', ?), ('epoch', ?)",
                           arguments: [UUID().uuidString.lowercased(), UUID().uuidString.lowercased()])
            try db.execute(sql: "INSERT INTO collection (name, createdAt) VALUES (?, ?)", arguments: [defaultCollection, now])
        }
        // The latest version of an article is its last change: the article row names that change
        // (seq) instead of holding a second copy of its state, which every push wrote and every
        // checkpoint copied again, and of its mutation id, client id and deleted flag. What stays is
        // what a push compares (version) and what checksums and manifests read (contentHash).
        migrator.registerMigration("v2 latest state by reference") { db in
            try db.execute(sql: """
                CREATE TABLE article_v2 (
                    collectionID INTEGER NOT NULL REFERENCES collection(id),
                    articleID TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    seq INTEGER NOT NULL,
                    contentHash TEXT NOT NULL,
                    PRIMARY KEY (collectionID, articleID)
                );
                INSERT INTO article_v2 (collectionID, articleID, version, seq, contentHash)
                    SELECT collectionID, articleID, version, seq, contentHash FROM article;
                DROP TABLE article;
                ALTER TABLE article_v2 RENAME TO article;
                CREATE INDEX article_by_seq ON article (collectionID, seq);
                """)
        }
        return migrator
    }

    public func identity() async throws -> StoreIdentity {
        try await pool.read { db in
            let values = try Dictionary(Row.fetchAll(db, sql: "SELECT key, value FROM meta").map {
                try ($0.decode(String.self, forColumn: "key"), $0.decode(String.self, forColumn: "value"))
            }, uniquingKeysWith: { first, _ in first })
            return StoreIdentity(serverID: values["serverID"] ?? "", epoch: values["epoch"] ?? "")
        }
    }

    /// Runs `PRAGMA integrity_check`; "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }

    static func timestamp() -> String { Date().formatted(.iso8601) }
}

/// The change log contradicts itself: a damaged file, never something a client did.
public struct ChangeLogDamage: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { "the change log is damaged: \(message); run `articlesync-server check`" }
}
