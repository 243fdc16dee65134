import ArticleSyncServer
import ArticleSyncShared
import Foundation
import Testing

@Suite struct ChangeLogStoreTests {
    let directory: TemporaryDirectory
    let store: SQLiteChangeLog
    let articles: Int64 = 1  // the default collection's id

    init() throws {
        directory = try TemporaryDirectory()
        store = try SQLiteChangeLog(path: directory.path + "/changelog.sqlite")
    }

    func article(_ title: String = "Judul", id: UUID = UUID()) -> Article {
        Article(id: id, title: title, body: "Isi.", category: "News", source: "viva")
    }

    func push(_ mutations: [Mutation], client: String = "client-a", collection: Int64 = 1) async throws -> [MutationResult] {
        try await store.push(collectionID: collection, clientID: client, mutations: mutations, articleSizeLimit: 1 << 20)
    }

    @Test func newArticleGetsVersionOneAndASeq() async throws {
        let results = try await push([Mutation(mutationID: "m1", baseVersion: 0, article: article())])
        #expect(results.map(\.status) == [.applied])
        #expect(results[0].version == 1)
        #expect((results[0].seq ?? 0) > 0)
    }

    @Test func retriedMutationIsADuplicateWithTheOriginalVersion() async throws {
        let mutation = Mutation(mutationID: "m1", baseVersion: 0, article: article())
        let first = try await push([mutation])
        let retry = try await push([mutation])
        #expect(retry[0].status == .duplicate)
        #expect(retry[0].version == first[0].version && retry[0].seq == first[0].seq)
        #expect(try await store.pull(collectionID: articles, after: 0, limit: 10).articles.count == 1)
        // The same mutation id from another client is another mutation.
        let other = try await push([Mutation(mutationID: "m1", baseVersion: 1, article: article("B", id: mutation.article.id))], client: "client-b")
        #expect(other[0].status == .applied && other[0].version == 2)
    }

    /// A copy of a client's replica sends its queued edits under the same mutation ids, with other
    /// content: that is not a retry, and answering `duplicate` made the copy drop its own edits.
    @Test func aMutationIDRepeatedWithOtherContentIsAConflictNotADuplicate() async throws {
        var original = article()
        let first = try await push([Mutation(mutationID: "m1", baseVersion: 0, article: original)])
        original.title = "From one copy"
        _ = try await push([Mutation(mutationID: "m2", baseVersion: 1, article: original)])
        var otherCopy = original
        otherCopy.title = "From the other copy"
        let repeated = try await push([Mutation(mutationID: "m2", baseVersion: 1, article: otherCopy)])
        #expect(repeated[0].status == .conflict)
        #expect(repeated[0].article?.article.title == "From one copy" && repeated[0].article?.mutationID == "m2")
        #expect(repeated[0].version == 2)
        // The same content is a retry, whatever became of the article since.
        original.title = "Judul"
        #expect(try await push([Mutation(mutationID: "m1", baseVersion: 0, article: original)]).map(\.status) == [.duplicate])
        #expect(try await push([Mutation(mutationID: "m1", baseVersion: 0, article: original)])[0].seq == first[0].seq)
        // The id once used for one article does not stand for another.
        let elsewhere = try await push([Mutation(mutationID: "m1", baseVersion: 0, article: article("Lain"))])
        #expect(elsewhere[0].status == .rejected && elsewhere[0].reason?.contains("another article") == true)
        try store.createCollection(name: "other")
        let other = try await store.authorize(token: try store.createToken(collection: "other", access: .write).token, collection: "other")
        let otherCollection = try await push([Mutation(mutationID: "m1", baseVersion: 0, article: original)], collection: other.collectionID)
        #expect(otherCollection[0].status == .rejected && otherCollection[0].reason?.contains("or collection") == true)
        #expect(try await store.pull(collectionID: articles, after: 0, limit: 10).articles.map(\.article.title) == ["From one copy"])
    }

    @Test func staleBaseGetsConflictWithTheCurrentArticle() async throws {
        var original = article()
        _ = try await push([Mutation(mutationID: "m1", baseVersion: 0, article: original)])
        original.title = "A"
        _ = try await push([Mutation(mutationID: "m2", baseVersion: 1, article: original)])
        var stale = original
        stale.title = "B"
        let results = try await push([Mutation(mutationID: "m3", baseVersion: 1, article: stale)], client: "client-b")
        #expect(results[0].status == .conflict)
        #expect(results[0].article?.article.title == "A")
        #expect(results[0].article?.article.version == 2)
        #expect(results[0].article?.mutationID == "m2")
        let latest = try await store.pull(collectionID: articles, after: 0, limit: 10).articles
        #expect(latest.map(\.article.title) == ["A"])
    }

    @Test func baseFromTheFutureAndInvalidArticlesAreRejected() async throws {
        let future = try await push([Mutation(mutationID: "m1", baseVersion: 5, article: article())])
        #expect(future[0].status == .rejected)
        #expect(future[0].reason?.contains("base version 5") == true)
        var bad = article()
        bad.title = ""
        let invalid = try await push([Mutation(mutationID: "m2", baseVersion: 0, article: bad)])
        #expect(invalid[0].status == .rejected)
        var huge = article()
        huge.body = String(repeating: "x", count: 2 << 20)
        let tooBig = try await push([Mutation(mutationID: "m3", baseVersion: 0, article: huge)])
        #expect(tooBig[0].status == .rejected)
        // Any token holder's push reaches every replica's `list`: ESC would run in their terminals.
        var escaping = article()
        escaping.title = "Judul \u{1B}]0;bukan judul\u{07}"
        let control = try await push([Mutation(mutationID: "m4", baseVersion: 0, article: escaping)])
        #expect(control[0].status == .rejected && control[0].reason?.contains("control character U+001B") == true, "\(control)")
        #expect(try await store.headSeq(collectionID: articles) == 0)
    }

    @Test func pullComesInBatchesOrderedBySeq() async throws {
        let mutations = (0..<25).map { Mutation(mutationID: "m\($0)", baseVersion: 0, article: article("t\($0)")) }
        _ = try await push(mutations)
        var cursor: Int64 = 0
        var seen: [String] = []
        var batches = 0
        while true {
            let batch = try await store.pull(collectionID: articles, after: cursor, limit: 10)
            batches += 1
            seen += batch.articles.map(\.article.title)
            #expect(batch.articles.map(\.article.seq) == batch.articles.map(\.article.seq).sorted())
            cursor = batch.cursor
            if !batch.more { break }
        }
        #expect(batches == 3)
        #expect(seen == (0..<25).map { "t\($0)" })
        #expect(try await store.pull(collectionID: articles, after: cursor, limit: 10).articles.isEmpty)
    }

    @Test func pullStopsAtTheByteBudgetButAlwaysSendsOneArticle() async throws {
        var big = article("big")
        big.body = String(repeating: "kata ", count: 2000)  // 10 KB
        let mutations = (0..<6).map { index in
            var copy = big
            copy.id = UUID()
            copy.title = "big \(index)"
            return Mutation(mutationID: "m\(index)", baseVersion: 0, article: copy)
        }
        _ = try await push(mutations)
        // 25 KB holds two 10 KB articles, not three.
        let first = try await store.pull(collectionID: articles, after: 0, limit: 100, byteBudget: 25_000, skip: [])
        #expect(first.articles.map(\.article.title) == ["big 0", "big 1"])
        #expect(first.more && first.cursor == first.articles[1].article.seq)
        // A budget smaller than one article still moves: one article per batch.
        let tiny = try await store.pull(collectionID: articles, after: first.cursor, limit: 100, byteBudget: 10, skip: [])
        #expect(tiny.articles.map(\.article.title) == ["big 2"] && tiny.more)
        // The last article, exactly at the end, is not lost to the budget check.
        let rest = try await store.pull(collectionID: articles, after: tiny.cursor, limit: 100, byteBudget: 25_000, skip: [])
        #expect(rest.articles.map(\.article.title) == ["big 3", "big 4"] && rest.more)
        let last = try await store.pull(collectionID: articles, after: rest.cursor, limit: 100, byteBudget: 25_000, skip: [])
        #expect(last.articles.map(\.article.title) == ["big 5"] && !last.more)
    }

    @Test func skippedSeqsAreLeftOutButTheCursorMovesPastThem() async throws {
        let results = try await push((0..<10).map { Mutation(mutationID: "m\($0)", baseVersion: 0, article: article("t\($0)")) })
        let seqs = results.compactMap(\.seq)
        let skip = [seqs[0]...seqs[3], seqs[6]...seqs[6], seqs[8]...seqs[9]]
        let batch = try await store.pull(collectionID: articles, after: 0, limit: 100, byteBudget: .max, skip: skip)
        #expect(batch.articles.map(\.article.title) == ["t4", "t5", "t7"])
        #expect(batch.cursor == seqs[9] && !batch.more)
        // All skipped: nothing sent, but the cursor reaches the end.
        let none = try await store.pull(collectionID: articles, after: 0, limit: 100, byteBudget: .max, skip: [seqs[0]...seqs[9]])
        #expect(none.articles.isEmpty && none.cursor == seqs[9] && !none.more)
        // Any limit is taken, even one whose scan bound would overflow.
        #expect(try await store.pull(collectionID: articles, after: 0, limit: .max, byteBudget: .max, skip: skip).articles.count == 3)
        // The limit counts articles sent, not articles skipped.
        let limited = try await store.pull(collectionID: articles, after: 0, limit: 2, byteBudget: .max, skip: [seqs[0]...seqs[3]])
        #expect(limited.articles.map(\.article.title) == ["t4", "t5"] && limited.more)
    }

    @Test func pullShowsOnlyTheLatestStateOfEachArticle() async throws {
        var edited = article()
        for version in 0..<5 {
            edited.title = "v\(version + 1)"
            _ = try await push([Mutation(mutationID: "m\(version)", baseVersion: Int64(version), article: edited)])
        }
        let batch = try await store.pull(collectionID: articles, after: 0, limit: 100)
        #expect(batch.articles.count == 1)
        #expect(batch.articles[0].article.version == 5 && batch.articles[0].article.title == "v5")
    }

    @Test func theLogHoldsEveryChangeItMadeAndNothingElse() async throws {
        var edited = article()
        let first = try await push([Mutation(mutationID: "m1", baseVersion: 0, article: edited)])
        edited.title = "Edited"
        let second = try await push([Mutation(mutationID: "m2", baseVersion: 1, article: edited)])
        let (firstSeq, secondSeq) = (try #require(first[0].seq), try #require(second[0].seq))
        edited.title = "Judul"
        let old = SeenChange(seq: firstSeq, articleID: edited.idString, version: 1, contentHash: edited.contentHash, mutationID: "m1")
        // An older version stays held: the log keeps the history, not only the latest state.
        #expect(try await store.holds(old, collectionID: articles))
        edited.title = "Edited"
        let latest = SeenChange(seq: secondSeq, articleID: edited.idString, version: 2, contentHash: edited.contentHash, mutationID: "m2")
        #expect(try await store.holds(latest, collectionID: articles))
        // Any field that differs is another change, and so is a seq past the head or another collection.
        var others = [latest, latest, latest, latest, latest, latest]
        others[0].seq = secondSeq + 1
        others[1].articleID = UUID().uuidString.lowercased()
        others[2].version = 3
        others[3].contentHash = old.contentHash
        others[4].mutationID = "m3"
        others[5].seq = firstSeq
        for other in others { #expect(try await !store.holds(other, collectionID: articles), "\(other)") }
        try store.createCollection(name: "other")
        let other = try await store.authorize(token: try store.createToken(collection: "other", access: .write).token, collection: "other")
        #expect(try await !store.holds(latest, collectionID: other.collectionID))
    }

    @Test func collectionsAreSeparate() async throws {
        try store.createCollection(name: "other")
        let other = try await store.authorize(token: try store.createToken(collection: "other", access: .write).token, collection: "other")
        _ = try await push([Mutation(mutationID: "m1", baseVersion: 0, article: article("in other"))], collection: other.collectionID)
        #expect(try await store.pull(collectionID: articles, after: 0, limit: 10).articles.isEmpty)
        #expect(try await store.pull(collectionID: other.collectionID, after: 0, limit: 10).articles.count == 1)
    }

    @Test func tokensGrantTheirScopeOnly() async throws {
        let read = try store.createToken(collection: "articles", access: .read)
        let write = try store.createToken(collection: "articles", access: .write)
        #expect(try await store.authorize(token: read.token, collection: "articles").access == .read)
        #expect(try await store.authorize(token: write.token, collection: "articles").access == .write)
        try store.createCollection(name: "private")
        await #expect(throws: AccessError.wrongCollection("private")) { try await store.authorize(token: write.token, collection: "private") }
        await #expect(throws: AccessError.unknownCollection("nope")) { try await store.authorize(token: write.token, collection: "nope") }
        var forged = write.token
        forged.removeLast()
        forged.append(write.token.last == "0" ? "1" : "0")
        await #expect(throws: AccessError.invalidToken) { try await store.authorize(token: forged, collection: "articles") }
        await #expect(throws: AccessError.invalidToken) { try await store.authorize(token: "hunter2", collection: "articles") }
        try store.revokeToken(id: write.id)
        await #expect(throws: AccessError.revokedToken) { try await store.authorize(token: write.token, collection: "articles") }
        #expect(try store.tokens().first { $0.id == write.id }?.revokedAt != nil)
    }

    @Test func tokensAreStoredOnlyAsHashes() throws {
        let created = try store.createToken(collection: "articles", access: .write)
        #expect(created.token.hasPrefix("ast_") && created.token.count == 4 + 12 + 1 + 64)
        let secret = String(created.token.suffix(64))
        for file in ["changelog.sqlite", "changelog.sqlite-wal"] {
            let bytes = FileManager.default.contents(atPath: directory.path + "/" + file) ?? Data()
            #expect(!String(decoding: bytes, as: UTF8.self).contains(secret), "\(file)")
        }
    }

    @Test func adminErrorsSayWhatToDo() throws {
        #expect(throws: AdminError.self) { try store.createCollection(name: "articles") }
        #expect(throws: AdminError.self) { try store.createCollection(name: "bad name!") }
        #expect(throws: AdminError.self) { _ = try store.createToken(collection: "missing", access: .read) }
        #expect(throws: AdminError.self) { try store.revokeToken(id: "000000000000") }
        // A replica made with --collection Articles would have synced with an empty collection of its own.
        #expect { try store.createCollection(name: "Articles") } throws: { "\($0)".contains("collection \"articles\" exists") }
    }

    /// A second revoke says when the first was, instead of "revoked" again.
    @Test func revokingTwiceReportsTheFirstRevocation() throws {
        let token = try store.createToken(collection: "articles", access: .read)
        #expect(try store.revokeToken(id: token.id) == nil)
        let first = try #require(try store.tokens().first { $0.id == token.id }?.revokedAt)
        #expect(try store.revokeToken(id: token.id) == first)
    }

    @Test func changeLogKeepsEveryVersionAndChecksumMatchesTheArticles() async throws {
        var edited = article()
        _ = try await push([Mutation(mutationID: "m1", baseVersion: 0, article: edited)])
        edited.isDeleted = true
        _ = try await push([Mutation(mutationID: "m2", baseVersion: 1, article: edited)])
        let checksum = try await store.checksum(collectionID: articles)
        #expect(checksum.count == 1)
        #expect(checksum.checksum == CollectionDigest.compute([(id: edited.idString, contentHash: edited.contentHash)]))
        #expect(try store.integrityCheck() == "ok")
    }
}
