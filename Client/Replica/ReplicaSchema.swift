import GRDB

/// The replica's tables, as a list of migrations: a replica made by any earlier articlesync is
/// brought up to date when it is opened, each migration in one transaction.
extension Replica {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE syncState (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    server TEXT NOT NULL,
                    collection TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    clientID TEXT NOT NULL,
                    serverID TEXT,
                    epoch TEXT,
                    cursor INTEGER NOT NULL DEFAULT 0,
                    lastSyncAt TEXT
                );
                CREATE TABLE article (
                    id TEXT PRIMARY KEY,
                    title TEXT NOT NULL,
                    category TEXT NOT NULL,
                    isDeleted INTEGER NOT NULL,
                    version INTEGER NOT NULL,
                    seq INTEGER NOT NULL,
                    contentHash TEXT NOT NULL,
                    state BLOB NOT NULL
                );
                CREATE TABLE base (
                    articleID TEXT PRIMARY KEY,
                    state BLOB NOT NULL
                );
                CREATE TABLE outbox (
                    position INTEGER PRIMARY KEY AUTOINCREMENT,
                    mutationID TEXT NOT NULL UNIQUE,
                    articleID TEXT NOT NULL,
                    baseVersion INTEGER,
                    state BLOB NOT NULL,
                    sentAt TEXT,
                    rejectedReason TEXT,
                    createdAt TEXT NOT NULL
                );
                CREATE INDEX outbox_by_article ON outbox (articleID, position);
                -- Articles not yet seen again since the server's epoch changed (see Replica+Resync).
                CREATE TABLE resync (articleID TEXT PRIMARY KEY);
                CREATE TABLE conflict (
                    articleID TEXT PRIMARY KEY,
                    base BLOB,
                    mine BLOB NOT NULL,
                    theirs BLOB NOT NULL,
                    attempt TEXT NOT NULL,
                    fields TEXT NOT NULL,
                    createdAt TEXT NOT NULL
                );
                """)
        }
        // An outbox entry's state may be NULL, meaning "the article's current state" (see
        // `enqueue`): SQLite cannot drop a NOT NULL constraint, so the table is rebuilt, keeping
        // its AUTOINCREMENT counter.
        migrator.registerMigration("v2 outbox state by reference") { db in
            try db.execute(sql: """
                CREATE TABLE outbox_v2 (
                    position INTEGER PRIMARY KEY AUTOINCREMENT,
                    mutationID TEXT NOT NULL UNIQUE,
                    articleID TEXT NOT NULL,
                    baseVersion INTEGER,
                    state BLOB,
                    sentAt TEXT,
                    rejectedReason TEXT,
                    createdAt TEXT NOT NULL
                );
                INSERT INTO outbox_v2 (position, mutationID, articleID, baseVersion, state, sentAt, rejectedReason, createdAt)
                    SELECT position, mutationID, articleID, baseVersion, state, sentAt, rejectedReason, createdAt FROM outbox;
                DELETE FROM sqlite_sequence WHERE name = 'outbox_v2';
                INSERT INTO sqlite_sequence (name, seq) SELECT 'outbox_v2', seq FROM sqlite_sequence WHERE name = 'outbox';
                DROP TABLE outbox;
                ALTER TABLE outbox_v2 RENAME TO outbox;
                CREATE INDEX outbox_by_article ON outbox (articleID, position);
                """)
        }
        // The latest change received from the server, which `hello` names so that a server whose
        // change log went back to an older copy is noticed (see `SeenChange`).
        migrator.registerMigration("v3 last seen change") { db in
            try db.execute(sql: """
                ALTER TABLE syncState ADD COLUMN seenSeq INTEGER;
                ALTER TABLE syncState ADD COLUMN seenArticleID TEXT;
                ALTER TABLE syncState ADD COLUMN seenVersion INTEGER;
                ALTER TABLE syncState ADD COLUMN seenContentHash TEXT;
                ALTER TABLE syncState ADD COLUMN seenMutationID TEXT;
                """)
        }
        // Which article, as it was then, each file `export` or `edit` wrote holds (see `FileOrigin`).
        migrator.registerMigration("v4 file origins") { db in
            try db.execute(sql: """
                CREATE TABLE fileOrigin (
                    path TEXT PRIMARY KEY,
                    articleID TEXT NOT NULL,
                    contentHash TEXT NOT NULL,
                    fromExport INTEGER NOT NULL
                );
                """)
        }
        // `status` counts the deleted articles from this index and all of them from the id index,
        // instead of a scan of the table, which holds the bodies (see `Replica.countingSQL`).
        // Only tombstones are in it, so the writes of a download or an edit do not touch it.
        migrator.registerMigration("v5 deleted articles index") { db in
            try db.execute(sql: "CREATE INDEX article_deleted ON article (isDeleted) WHERE isDeleted = 1")
        }
        // The article as it was when a file was written, so that `edit --file` merges the file with
        // later changes instead of refusing it (`FileOrigin.article`). `edit` notes its single files
        // with a copy; an export's 20,000 would double the replica, so the trigger keeps a copy of an
        // exported article only when it first changes away from what its file holds, in the same
        // statement as the change, whichever command (a sync, an edit, a resolve) makes it.
        migrator.registerMigration("v6 file origin states") { db in
            try db.execute(sql: """
                ALTER TABLE fileOrigin ADD COLUMN state BLOB;
                CREATE INDEX fileOrigin_by_article ON fileOrigin (articleID);
                CREATE TRIGGER article_change_keeps_exported_version AFTER UPDATE OF contentHash ON article
                WHEN OLD.contentHash != NEW.contentHash BEGIN
                    UPDATE fileOrigin SET state = OLD.state
                    WHERE articleID = OLD.id AND contentHash = OLD.contentHash AND fromExport = 1 AND state IS NULL;
                END;
                """)
        }
        // When each article's text last changed here (milliseconds since 1970; NULL for a change made
        // before this migration): `edit --file` with a file nothing here wrote refuses one written
        // before that change, which saving would undo (see `Replica.textChangedAt`).
        migrator.registerMigration("v7 article changed at") { db in
            try db.execute(sql: "ALTER TABLE article ADD COLUMN changedAt INTEGER")
        }
        return migrator
    }
}
