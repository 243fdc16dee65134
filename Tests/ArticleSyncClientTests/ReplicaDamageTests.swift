import ArticleSyncClient
import ArticleSyncShared
import Foundation
import GRDB
import Testing

/// A replica file damaged on disk. SQLite's own checks do not see every kind of damage: a byte
/// changed inside a row's text, or a NULL where the schema allows none (made here by taking the
/// NOT NULL out of the schema first, as damage to the schema page could). Before, GRDB's row
/// subscripts stopped the process on such a NULL (`list`, `verify`), and `verify` said "in sync"
/// over text that no longer matched its hash.
@Suite struct ReplicaDamageTests {
    /// A replica holding three pulled articles, closed again; returns its directory and the ids.
    static func replicaWithArticles() throws -> (directory: ReplicaDirectory, ids: [String]) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("replica-damage-\(UUID().uuidString)").path
        let directory = ReplicaDirectory(path: path)
        let replica = try directory.initialize(
            server: "127.0.0.1:7443", collection: "articles", token: "ast_x", fingerprint: "sha256:" + String(repeating: "ab", count: 32))
        let pulled = (1...3).map { number in
            var article = Article(title: "Judul \(number)", body: "Isi artikel \(number).\n\nParagraf kedua.", category: "News", source: "viva")
            article.version = 1
            article.seq = Int64(number)
            return ChangedArticle(article: article, mutationID: "m\(number)", clientID: "other")
        }
        _ = try replica.applyPulled(pulled, cursor: 3)
        try replica.checkStoredArticles()
        return (directory, pulled.map(\.article.idString))
    }

    /// Runs `statements` on the closed replica's file with the NOT NULL of `column` taken out of
    /// the article table's schema.
    static func damage(_ directory: ReplicaDirectory, allowingNullIn columns: [String] = [], _ statements: String) throws {
        let queue = try DatabaseQueue(path: directory.databasePath)
        try queue.writeWithoutTransaction { db in
            for column in columns {
                try db.execute(sql: "PRAGMA writable_schema = ON")
                try db.execute(sql: "UPDATE sqlite_schema SET sql = replace(sql, ?, ?) WHERE name = 'article'",
                               arguments: ["\(column) TEXT NOT NULL", "\(column) TEXT"])
                let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
                try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
                try db.execute(sql: "PRAGMA writable_schema = OFF")
            }
        }
        try queue.close()
        let reopened = try DatabaseQueue(path: directory.databasePath)
        try reopened.write { db in try db.execute(sql: statements) }
        try reopened.close()
    }

    @Test func aNullWhereTheSchemaAllowsNoneIsADamagedReplicaNotACrash() throws {
        let (directory, ids) = try Self.replicaWithArticles()
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        try Self.damage(directory, allowingNullIn: ["title", "contentHash"],
                        "UPDATE article SET title = NULL, contentHash = NULL WHERE id = '\(ids[1])'")
        let replica = try directory.open()
        for (name, read) in [("list", { _ = try replica.summaries() }), ("verify", { try replica.checkStoredArticles() }),
                             ("digest", { _ = try replica.localDigest() })] as [(String, () throws -> Void)] {
            do {
                try read()
                Issue.record("\(name) read the damaged row without a word")
            } catch {
                let said = "\(ReplicaError.explaining(error))"
                #expect(said.contains("the replica's database (.articlesync/replica.sqlite) is damaged"), "\(name): \(said)")
                #expect(said.contains("articlesync init"), "\(name): \(said)")
            }
        }
    }

    @Test func storedTextThatNoLongerMatchesItsHashIsFoundByTheCheck() throws {
        let (directory, ids) = try Self.replicaWithArticles()
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        // One letter of the body changed where it lies: the row and the file stay well formed.
        try Self.damage(directory, "UPDATE article SET state = CAST(replace(CAST(state AS TEXT), 'Isi artikel 3', 'Isi artikel 8') AS BLOB) WHERE id = '\(ids[2])'")
        let replica = try directory.open()
        #expect(try replica.article(ids[2])?.body.hasPrefix("Isi artikel 8") == true, "the damage took")
        #expect(try replica.localDigest().entries.count == 3, "the digest alone reads only the kept hashes")
        do {
            try replica.checkStoredArticles()
            Issue.record("the check passed over text that no longer matches its hash")
        } catch {
            #expect("\(error)".contains("the stored text of 1 article(s) no longer matches its hash: \(ids[2])"), "\(error)")
        }
    }

    @Test func aPageZeroedOnDiskIsFoundByTheCheck() throws {
        let (directory, _) = try Self.replicaWithArticles()
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        // The page of the index on article ids, as a disk that lost a stretch of the file leaves
        // it: the digest reads the table, not the index, so only a check of the file sees it.
        let (page, pageSize) = try DatabaseQueue(path: directory.databasePath).read { db in
            (try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'article' ORDER BY name LIMIT 1") ?? 0,
             try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0)
        }
        #expect(page > 1)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: directory.databasePath))
        try handle.seek(toOffset: UInt64((page - 1) * pageSize))
        try handle.write(contentsOf: Data(count: pageSize))
        try handle.close()
        let replica = try directory.open()
        #expect(try replica.localDigest().entries.count == 3, "the digest alone does not read the zeroed page")
        do {
            try replica.checkStoredArticles()
            Issue.record("the check passed over a zeroed page")
        } catch {
            let said = "\(ReplicaError.explaining(error))"
            #expect(said.contains("is damaged (SQLite's quick_check: "), "\(said)")
        }
    }

    /// SQLite takes an empty file for a new database. Before, a replica file emptied on disk opened
    /// as a new replica: `list` showed nothing with status 0 and `add` wrote into it.
    @Test func anEmptiedReplicaFileIsRefusedNotOpenedAsANewOne() throws {
        let (directory, _) = try Self.replicaWithArticles()
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        try Data().write(to: URL(fileURLWithPath: directory.databasePath))
        #expect {
            _ = try directory.open()
        } throws: { error in
            "\(error)".contains("is empty: what it held is gone")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.databasePath)).isEmpty, "left as it was")
    }
}
