@testable import ArticleSyncServer
import ArticleSyncShared
import Foundation
import GRDB
import Testing

/// A change log damaged on disk in a way SQLite's reads do not notice: a NULL where the schema
/// allows none (made here by taking the NOT NULL out of the schema first, as damage to the schema
/// page could). Before, GRDB's row subscripts stopped the whole server on the first request that
/// read such a row, for every client, and again after each restart.
@Suite struct ChangeLogDamageTests {
    @Test func aNullWhereTheSchemaAllowsNoneFailsTheRequestNotTheServer() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/changelog.sqlite"
        let articles = (1...3).map { Article(title: "Judul \($0)", body: "Isi \($0).", category: "News", source: "viva") }
        do {
            let store = try SQLiteChangeLog(path: path)
            let results = try await store.push(collectionID: 1, clientID: "c", mutations: articles.enumerated().map {
                Mutation(mutationID: "m\($0.offset)", baseVersion: 0, article: $0.element)
            }, articleSizeLimit: 1 << 20)
            #expect(results.allSatisfy { $0.status == .applied })
        }
        let queue = try DatabaseQueue(path: path)
        try await queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA writable_schema = ON")
            try db.execute(sql: "UPDATE sqlite_schema SET sql = replace(sql, 'contentHash TEXT NOT NULL', 'contentHash TEXT') WHERE name = 'article'")
            try db.execute(sql: "UPDATE sqlite_schema SET sql = replace(sql, 'mutationID TEXT NOT NULL', 'mutationID TEXT') WHERE name = 'change'")
            let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
            try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
            try db.execute(sql: "PRAGMA writable_schema = OFF")
        }
        try await queue.write { db in
            try db.execute(sql: "UPDATE article SET contentHash = NULL WHERE articleID = ?", arguments: [articles[0].idString])
            try db.execute(sql: "UPDATE change SET mutationID = NULL WHERE articleID = ?", arguments: [articles[1].idString])
        }
        try queue.close()

        let store = try SQLiteChangeLog(path: path)
        var stale = articles[1]
        stale.title = "Judul dari salinan lama"
        let requests: [(String, () async throws -> Void)] = [
            ("checksum", { _ = try await store.checksum(collectionID: 1) }),
            ("manifest", { _ = try await store.manifest(collectionID: 1) }),
            ("pull", { _ = try await store.pull(collectionID: 1, after: 0, limit: 10, byteBudget: 1 << 20, skip: []) }),
            // A stale edit is answered with the current version, read from the damaged change row.
            ("push", { _ = try await store.push(collectionID: 1, clientID: "d", mutations: [Mutation(mutationID: "n1", baseVersion: 0, article: stale)],
                                               articleSizeLimit: 1 << 20) }),
        ]
        for (name, request) in requests {
            do {
                try await request()
                Issue.record("\(name) read the damaged row without a word")
            } catch {
                #expect(store.describeFailure(error) == "its database is damaged", "\(name): \(error)")
                #expect("\(AdminError.explaining(error))".hasPrefix("the change log is damaged"), "\(name): \(error)")
            }
        }
        // The store goes on serving what it can read.
        #expect(try await store.headSeq(collectionID: 1) == 3)
    }
}
