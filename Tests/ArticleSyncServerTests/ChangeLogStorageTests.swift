@testable import ArticleSyncServer
import ArticleSyncShared
import Foundation
import GRDB
import Testing

/// How the change log lays out what it stores: every version once, the latest one by reference,
/// and logs made by earlier versions carried over as they are.
@Suite struct ChangeLogStorageTests {
    static func articles(_ count: Int) -> [Article] {
        let body = String(repeating: "Kalimat yang cukup panjang untuk mengisi halaman. ", count: 90)
        return (0..<count).map { Article(title: "Artikel \($0)", body: body, category: "News", source: "viva") }
    }

    /// 400 new articles of 4.5 KB take about one copy of their data: the latest state is the last
    /// change's, not a second copy (which doubled the file).
    @Test func eachVersionIsStoredOnce() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteChangeLog(path: directory.path + "/changelog.sqlite")
        let articles = Self.articles(400)
        let dataPages = articles.map(\.storageBytes.count).reduce(0, +) / 4096
        let results = try await store.push(collectionID: 1, clientID: "c", mutations: articles.enumerated().map {
            Mutation(mutationID: "m\($0.offset)", baseVersion: 0, article: $0.element)
        }, articleSizeLimit: 1 << 20)
        #expect(results.allSatisfy { $0.status == .applied })
        let pages = try await store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
        #expect(pages < dataPages * 13 / 10, "\(pages) pages for \(dataPages) pages of articles")
        let pulled = try await store.pull(collectionID: 1, after: 0, limit: 1_000).articles
        #expect(pulled.map(\.article.title) == articles.map(\.title))
        #expect(try store.audit().isSound)
    }

    /// A change log a newer server migrated may hold state this version does not know of. Before,
    /// this version served it and wrote to it as if it were its own.
    @Test func aLogMigratedByANewerVersionIsRefused() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/changelog.sqlite"
        _ = try SQLiteChangeLog(path: path)
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99 from a newer server')") }
        try queue.close()
        #expect {
            _ = try SQLiteChangeLog(path: path)
        } throws: { error in
            "\(error)".contains("last opened by a newer articlesync-server")
        }
    }

    /// A replica's database put in the change log's place by mistake (its first migration is also
    /// named "v1"), or another program's. Before, the first was "last opened by a newer
    /// articlesync-server" and the second had the change log's tables added to it.
    @Test func aDatabaseThatIsNotAChangeLogIsRefusedAndNotMigrated() async throws {
        let directory = try TemporaryDirectory()
        for (name, schema) in [
            ("replica", """
                CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                INSERT INTO grdb_migrations VALUES ('v1');
                CREATE TABLE syncState (id INTEGER PRIMARY KEY);
                CREATE TABLE article (id TEXT PRIMARY KEY);
                """),
            ("other", "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)"),
        ] {
            let path = directory.path + "/\(name).sqlite"
            func tables() throws -> [String] {
                let queue = try DatabaseQueue(path: path)
                defer { try? queue.close() }
                return try queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema ORDER BY name") }
            }
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in try db.execute(sql: schema) }
            try queue.close()
            let before = try tables()
            #expect {
                _ = try SQLiteChangeLog(path: path)
            } throws: { error in
                "\(error)".contains("\(path) is not an articlesync-server change log") && "\(error)".contains("articlesync-server backup")
            }
            #expect(try tables() == before, "\(name)")
        }
    }

    /// A log made before the latest state was a reference: its articles, their versions and
    /// their content are served as before, and a stale push still gets the current article back.
    @Test func aVersion1LogServesTheSameArticlesAfterTheMigration() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/changelog.sqlite"
        let first = Self.articles(1)[0]
        var second = first
        second.title = "Judul kedua"
        let versions = [first, second].enumerated().map { index, article in
            var stored = article
            stored.version = Int64(index + 1)
            stored.seq = Int64(index + 1)
            return stored
        }
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteChangeLog.migrator.migrate(queue, upTo: "v1")
            try await queue.write { db in
                for stored in versions {
                    try db.execute(sql: """
                        INSERT INTO change (seq, collectionID, articleID, version, baseVersion, clientID, mutationID, contentHash, state, createdAt)
                        VALUES (?, 1, ?, ?, ?, 'c', ?, ?, ?, '')
                        """, arguments: [stored.seq, stored.idString, stored.version, stored.version - 1, "m\(stored.version)", stored.contentHash,
                                         Data(stored.storageBytes)])
                }
                let latest = versions[1]
                try db.execute(sql: """
                    INSERT INTO article (collectionID, articleID, version, seq, contentHash, isDeleted, mutationID, clientID, state)
                    VALUES (1, ?, 2, 2, ?, 0, 'm2', 'c', ?)
                    """, arguments: [latest.idString, latest.contentHash, Data(latest.storageBytes)])
            }
        }
        let store = try SQLiteChangeLog(path: path)
        // What the migration wrote has been copied into the database and the WAL cut back.
        #expect(try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int == 0)
        let columns = try await store.pool.read { db in try db.columns(in: "article").map(\.name) }
        #expect(columns == ["collectionID", "articleID", "version", "seq", "contentHash"])
        let pulled = try await store.pull(collectionID: 1, after: 0, limit: 10)
        #expect(pulled.articles.map(\.article) == [versions[1]])
        #expect(pulled.articles.map(\.mutationID) == ["m2"])
        var edited = first
        edited.title = "Suntingan basi"
        let stale = try await store.push(collectionID: 1, clientID: "d", mutations: [Mutation(mutationID: "x", baseVersion: 1, article: edited)],
                                         articleSizeLimit: 1 << 20)
        #expect(stale.map(\.status) == [.conflict])
        #expect(stale.first?.article?.article == versions[1])
        #expect(stale.first?.article?.mutationID == "m2" && stale.first?.article?.clientID == "c")
        #expect(try store.audit().isSound)
    }

    /// Clients pull by seq, so seqs are what AUTOINCREMENT makes them: applied mutations take the
    /// next seqs in order, refused ones take none, a seq once used is never handed out again (even
    /// when its row is gone), and each change's stored state holds its own row's seq.
    @Test func seqsRiseLikeAutoincrementAndEachStateHoldsItsOwn() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteChangeLog(path: directory.path + "/changelog.sqlite")
        let articles = Self.articles(4)
        let first = try await store.push(collectionID: 1, clientID: "c", mutations: [
            Mutation(mutationID: "m0", baseVersion: 0, article: articles[0]),
            Mutation(mutationID: "m1", baseVersion: 7, article: articles[1]),  // refused: no such base
            Mutation(mutationID: "m2", baseVersion: 0, article: articles[2]),
        ], articleSizeLimit: 1 << 20)
        #expect(first.map(\.status) == [.applied, .rejected, .applied])
        #expect(first.map(\.seq) == [1, nil, 2])
        // Seqs 3…40 used once and gone (as if their rows had been removed): AUTOINCREMENT remembers
        // them in sqlite_sequence, and so must the next push.
        try await store.pool.write { db in try db.execute(sql: "UPDATE sqlite_sequence SET seq = 40 WHERE name = 'change'") }
        var edited = articles[0]
        edited.title = "Judul baru"
        let second = try await store.push(collectionID: 1, clientID: "c", mutations: [
            Mutation(mutationID: "m0", baseVersion: 0, article: articles[0]),  // a retry: its old seq
            Mutation(mutationID: "m3", baseVersion: 0, article: articles[3]),
            Mutation(mutationID: "m4", baseVersion: 1, article: edited),
        ], articleSizeLimit: 1 << 20)
        #expect(second.map(\.status) == [.duplicate, .applied, .applied])
        #expect(second.map(\.seq) == [1, 41, 42])
        let rows = try store.pool.read { db in try Row.fetchAll(db, sql: "SELECT seq, state FROM change ORDER BY seq") }
        #expect(rows.map { $0["seq"] as Int64 } == [1, 2, 41, 42])
        for row in rows {
            #expect(try Article(storageBytes: row["state"] as Data).seq == row["seq"])
        }
        let next = try await store.pool.read { db in try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'change'") }
        #expect(next == 42)
        #expect(try store.audit().isSound)
    }
}
