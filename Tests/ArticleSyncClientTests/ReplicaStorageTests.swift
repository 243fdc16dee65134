@testable import ArticleSyncClient
import ArticleSyncShared
import Foundation
import GRDB
import Testing

/// How the replica lays out what it stores: each article once, whatever waits in the outbox, and
/// replicas made by earlier versions carried over as they are.
@Suite struct ReplicaStorageTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replica-storage-\(UUID().uuidString)").path

    func cleanUp() { try? FileManager.default.removeItem(atPath: directory) }

    static func articles(_ count: Int) -> [Article] {
        let body = String(repeating: "Kalimat yang cukup panjang untuk mengisi halaman. ", count: 90)
        return (0..<count).map { Article(title: "Artikel \($0)", body: body, category: "News", source: "viva") }
    }

    /// An article row as replicas made before migration "v7 article changed at" held it, for tables
    /// migrated only that far (`Replica.store` also writes the time the text changed).
    static func storeAsBeforeV7(_ article: Article, _ db: Database) throws {
        let stored = article.storedForm
        try db.execute(sql: "INSERT INTO article (id, title, category, isDeleted, version, seq, contentHash, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       arguments: [article.idString, article.title, article.category, article.isDeleted, article.version, article.seq,
                                   stored.contentHash, Data(stored.bytes)])
    }

    /// Database pages in use (the file without its free pages), whatever is still in the WAL.
    static func pagesInUse(_ replica: Replica) throws -> Int {
        try replica.pool.read { db in
            (try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0) - (try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0)
        }
    }

    static func pageCount(_ replica: Replica) throws -> Int {
        try replica.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
    }

    /// A queued new article is not a second copy of it: importing and then pushing 400 articles of
    /// 4.5 KB leaves a database of about one copy (with a copy per outbox entry it took twice as
    /// many pages, and the freed half stayed in the file after the push).
    @Test func importedAndPushedArticlesAreStoredOnce() throws {
        defer { cleanUp() }
        let replica = try ReplicaDurabilityTests.makeReplica(directory)
        let articles = Self.articles(400)
        let dataPages = articles.map(\.storageBytes.count).reduce(0, +) / 4096
        try replica.add(articles)
        #expect(try Self.pagesInUse(replica) < dataPages * 13 / 10, "after the import")
        var seqs: [String: Int64] = [:]
        while true {
            let batch = try replica.nextPushBatch(limit: 100, byteBudget: .max)
            if batch.mutations.isEmpty { break }
            let tally = try replica.applyPushResults(batch.mutations.map { mutation in
                seqs[mutation.article.idString] = Int64(seqs.count + 1)
                return MutationResult(mutationID: mutation.mutationID, status: .applied, version: 1, seq: Int64(seqs.count))
            })
            #expect(tally.accepted == batch.mutations.count)
        }
        #expect(try replica.outbox().isEmpty)
        #expect(try Self.pageCount(replica) < dataPages * 13 / 10, "after the push, free pages included")
        // Each acknowledged article as the server has it: its content, the new numbers, its hash.
        let stored = try replica.articles()
        let hashes = try replica.localDigest().entries
        #expect(stored.count == 400)
        for article in stored {
            #expect(article.version == 1 && article.seq == seqs[article.idString])
            #expect(hashes[article.idString] == article.contentHash)
            #expect(article.hasSameContent(as: ArticleText.normalized(articles[Int(article.title.split(separator: " ")[1]) ?? 0])))
        }
    }

    /// An import is one transaction however large, so its WAL is cut back once it is committed.
    @Test func aLargeImportLeavesNoLargeWAL() throws {
        defer { cleanUp() }
        let replica = try ReplicaDurabilityTests.makeReplica(directory)
        try replica.add(Self.articles(4_200))  // 19 MB
        let wal = try FileManager.default.attributesOfItem(atPath: replica.pool.path + "-wal")[.size] as? Int ?? -1
        #expect(wal >= 0 && wal < Replica.walSizeLimit, "WAL of \(wal) bytes")
        #expect(try replica.articles().count == 4_200)
    }

    /// A replica made before entries could stand for the article's current state: its queued
    /// edits keep their own copies, their order and the outbox's AUTOINCREMENT counter.
    @Test func aVersion1ReplicaKeepsItsOutboxThroughTheMigration() throws {
        defer { cleanUp() }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/replica.sqlite"
        let article = Self.articles(1)[0]
        var frozen = article
        frozen.title = "Judul yang sudah dikirim"
        do {
            let queue = try DatabaseQueue(path: path)
            try Replica.migrator.migrate(queue, upTo: "v1")
            try queue.write { db in
                try Self.storeAsBeforeV7(article, db)
                for (position, state, sentAt) in [(Int64(7), frozen, "2026-01-01T00:00:00Z" as String?), (8, article, nil), (9, article, nil)] {
                    try db.execute(sql: """
                        INSERT INTO outbox (position, mutationID, articleID, baseVersion, state, sentAt, createdAt) VALUES (?, ?, ?, ?, ?, ?, '')
                        """, arguments: [position, "m\(position)", article.idString, position == 7 ? 0 : nil, Replica.encode(state), sentAt])
                }
                // The counter is past every row left: 9 was acknowledged.
                try db.execute(sql: "DELETE FROM outbox WHERE position = 9")
            }
        }
        let replica = try Replica(path: path)
        let outbox = try replica.outbox()
        #expect(outbox.map(\.position) == [7, 8])
        #expect(outbox.map(\.article.title) == [frozen.title, article.title])
        #expect(outbox.map(\.sentAt) == ["2026-01-01T00:00:00Z", nil])
        // A new entry continues the counter instead of reusing a position.
        try replica.pool.write { db in try db.execute(sql: "UPDATE outbox SET sentAt = 'x' WHERE position = 8") }
        try replica.update(article.idString) { $0.title = "Judul baru" }
        #expect(try replica.outbox().map(\.position) == [7, 8, 10])
        #expect(try replica.outbox().map(\.article.title) == [frozen.title, article.title, "Judul baru"])
    }

    /// A replica a newer articlesync migrated may hold state this version does not know of. Before,
    /// this version opened it and wrote to it as if it were its own.
    @Test func aReplicaMigratedByANewerVersionIsRefusedUnchanged() throws {
        defer { cleanUp() }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/replica.sqlite"
        let replica = try Replica(path: path)
        _ = try replica.add(Self.articles(1))
        try replica.close()
        /// The schema, the migrations and the articles, as another program reads them.
        func contents() throws -> [String] {
            let queue = try DatabaseQueue(path: path)
            defer { try? queue.close() }
            return try queue.read { db in
                try String.fetchAll(db, sql: "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name")
                    + String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
                    + String.fetchAll(db, sql: "SELECT id || ' ' || title FROM article ORDER BY id")
            }
        }
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99 from a newer articlesync')") }
        try queue.close()
        let before = try contents()
        #expect {
            _ = try Replica(path: path)
        } throws: { error in
            "\(error)".contains("last opened by a newer articlesync") && "\(error)".contains("nothing was changed")
        }
        #expect(try contents() == before)
    }

    /// A server's change log copied in the replica's place (its first migration is also named
    /// "v1"), or another program's database. Before, the first was "last opened by a newer
    /// articlesync" and the second had the replica's tables added to it.
    @Test func aDatabaseThatIsNotAReplicaIsRefusedAndNotMigrated() throws {
        defer { cleanUp() }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, schema) in [
            ("changelog", """
                CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                INSERT INTO grdb_migrations VALUES ('v1');
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE change (seq INTEGER PRIMARY KEY AUTOINCREMENT);
                CREATE TABLE article (id TEXT PRIMARY KEY);
                """),
            ("other", "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)"),
        ] {
            let path = directory + "/\(name).sqlite"
            func tables() throws -> [String] {
                let queue = try DatabaseQueue(path: path)
                defer { try? queue.close() }
                return try queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema ORDER BY name") }
            }
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in try db.execute(sql: schema) }
            try queue.close()
            let before = try tables()
            #expect {
                _ = try Replica(path: path)
            } throws: { error in
                "\(error)".contains("\(path) is not an articlesync replica") && "\(error)".contains("articlesync init")
            }
            #expect(try tables() == before, "\(name)")
        }
    }

    /// Migrating a v1 replica rewrites its outbox; with 4,200 queued new articles (19 MB) that
    /// would otherwise stay in the WAL until the next sync.
    @Test func migratingALargeOutboxLeavesNoLargeWAL() throws {
        defer { cleanUp() }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/replica.sqlite"
        let articles = Self.articles(4_200)
        do {
            let queue = try DatabaseQueue(path: path)
            try Replica.migrator.migrate(queue, upTo: "v1")
            try queue.write { db in
                for article in articles {
                    try Self.storeAsBeforeV7(article, db)
                    try db.execute(sql: "INSERT INTO outbox (mutationID, articleID, baseVersion, state, createdAt) VALUES (?, ?, 0, ?, '')",
                                   arguments: [UUID().uuidString, article.idString, Replica.encode(article)])
                }
            }
        }
        let replica = try Replica(path: path)
        let wal = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? -1
        #expect(wal >= 0 && wal < Replica.walSizeLimit, "WAL of \(wal) bytes")
        #expect(try replica.outbox().count == 4_200)
    }

    /// Both the writer and the readers keep 8 MiB of pages, not SQLite's 62 pages of 32 KiB (see
    /// `Replica.pageCacheBytes`).
    @Test func everyConnectionHasTheLargerPageCache() throws {
        defer { cleanUp() }
        let replica = try ReplicaDurabilityTests.makeReplica(directory)
        let expected = -(Replica.pageCacheBytes / 1024)
        #expect(try replica.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } == expected)
        #expect(try replica.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } == expected)
    }

    /// `status` counts from indexes: with the bodies in the table's pages, the one pass over the
    /// table it made read the whole collection. A replica of the version before, holding a
    /// tombstone, gets the index of deleted articles when it is opened, and counts the same.
    @Test func statusCountsFromIndexesAlsoAfterTheMigration() throws {
        defer { cleanUp() }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/replica.sqlite"
        var articles = Self.articles(3)
        articles[1].isDeleted = true
        do {
            let queue = try DatabaseQueue(path: path)
            try Replica.migrator.migrate(queue, upTo: "v4 file origins")
            try queue.write { db in for article in articles { try Self.storeAsBeforeV7(article, db) } }
        }
        let replica = try Replica(path: path)
        try replica.configure(server: "127.0.0.1:7443", collection: "articles", fingerprint: "sha256:" + String(repeating: "ab", count: 32))
        var status = try replica.status()
        #expect(status.articleCount == 2 && status.deletedCount == 1)
        _ = try replica.update(articles[0].idString) { $0.isDeleted = true }
        _ = try replica.update(articles[1].idString) { $0.isDeleted = false }
        _ = try replica.add(Self.articles(1))
        status = try replica.status()
        #expect(status.articleCount == 3 && status.deletedCount == 1)

        for sql in [Replica.countingSQL.all, Replica.countingSQL.deleted] {
            let plan = try replica.pool.read { db in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String } }
            #expect(plan.count == 1 && plan[0].contains("USING COVERING INDEX"), "\(sql): \(plan)")
        }
    }

    /// A replica on read-only media (a snapshot) is read through `immutable=1`, also one made
    /// before the last migrations when those add only an index, or columns only `edit` reads; one that would need its tables
    /// rebuilt, or whose WAL holds changes, is refused with what to do, and nothing can be written.
    @Test func aReplicaIsReadFromReadOnlyMediaOrRefusedWithWhatToDo() throws {
        defer { cleanUp() }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let configure = { (replica: Replica) in
            try replica.configure(server: "127.0.0.1:7443", collection: "articles", fingerprint: "sha256:" + String(repeating: "ab", count: 32))
        }
        var articles = Self.articles(3)
        articles[2].isDeleted = true
        for (name, lastMigration) in [("v4", "v4 file origins"), ("v1", "v1")] {
            let path = directory + "/\(name).sqlite"
            do {
                let queue = try DatabaseQueue(path: path)
                try Replica.migrator.migrate(queue, upTo: lastMigration)
                try queue.write { db in
                    try db.execute(sql: "INSERT INTO syncState (id, server, collection, fingerprint, clientID) VALUES (1, 's', 'articles', 'f', 'c')")
                    for article in articles { try Self.storeAsBeforeV7(article, db) }
                }
                try queue.close()
            }
            guard name == "v4" else {
                let refusal = try #require(throws: ReplicaError.self) { try Replica(readingFrom: path) }
                #expect(refusal.message.contains("was last used by an older articlesync"), "\(refusal.message)")
                continue
            }
            let replica = try Replica(readingFrom: path)
            #expect(replica.isReadOnly)
            let status = try replica.status()
            #expect(status.articleCount == 2 && status.deletedCount == 1)
            #expect(try replica.article(articles[0].idString)?.title == articles[0].title)
            #expect(throws: (any Error).self) { try replica.add(Self.articles(1)) }
            try replica.close()
            #expect(try DatabaseQueue(path: path).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM article") } == 3, "nothing written")
        }

        // A WAL that holds changes (a snapshot taken while a command ran) is not skipped over.
        let path = directory + "/replica.sqlite"
        let writer = try Replica(path: path)
        try configure(writer)
        _ = try writer.add(Self.articles(1))
        let refusal = try #require(throws: ReplicaError.self) { try Replica(readingFrom: path) }
        #expect(refusal.message.contains("its write-ahead log (\(path)-wal) still holds changes"), "\(refusal.message)")
        // Closed, the replica leaves no WAL (see `Replica.close`), and reads the same.
        try writer.close()
        #expect(try Replica(readingFrom: path).summaries().count == 1)
    }
}
