import ArticleSyncServer
import ArticleSyncShared
import Foundation
import Testing

/// `history`: every version of one article from the change log, newest first, in pages (on the
/// store, directory and helpers of `ChangeLogStoreTests`).
extension ChangeLogStoreTests {
    /// One article pushed `count` times by two clients in turn: titles v1…vN, each a 1 KB body.
    func articleWithVersions(_ count: Int, collection: Int64 = 1) async throws -> Article {
        var article = Article(title: "v1", body: String(repeating: "kata ", count: 200), category: "News", source: "viva")
        for version in 1...count {
            article.title = "v\(version)"
            let results = try await push([Mutation(mutationID: "m\(version)", baseVersion: Int64(version - 1), article: article)],
                                         client: version.isMultiple(of: 2) ? "client-b" : "client-a", collection: collection)
            #expect(results.map(\.status) == [.applied])
        }
        return article
    }

    @Test func everyVersionComesBackNewestFirstWithWhoMadeItAndWhen() async throws {
        let article = try await articleWithVersions(4)
        let history = try await store.history(collectionID: articles, articleID: article.idString, before: nil, limit: 100, byteBudget: .max)
        #expect(!history.more)
        #expect(history.versions.map(\.change.article.title) == ["v4", "v3", "v2", "v1"])
        #expect(history.versions.map(\.change.version) == [4, 3, 2, 1])
        #expect(history.versions.map(\.change.clientID) == ["client-b", "client-a", "client-b", "client-a"])
        #expect(history.versions.map(\.change.mutationID) == ["m4", "m3", "m2", "m1"])
        // Seqs fall with the versions, and each version's time is an ISO 8601 instant.
        let seqs = history.versions.map(\.change.seq)
        #expect(seqs == seqs.sorted(by: >))
        #expect(history.versions.allSatisfy { (try? Date($0.acceptedAt, strategy: .iso8601)) != nil })
    }

    @Test func pagesFollowOneAnotherByVersionAndStopAtTheByteBudget() async throws {
        let article = try await articleWithVersions(5)
        let first = try await store.history(collectionID: articles, articleID: article.idString, before: nil, limit: 2, byteBudget: .max)
        #expect(first.versions.map(\.change.version) == [5, 4] && first.more)
        let second = try await store.history(collectionID: articles, articleID: article.idString, before: 4, limit: 2, byteBudget: .max)
        #expect(second.versions.map(\.change.version) == [3, 2] && second.more)
        let last = try await store.history(collectionID: articles, articleID: article.idString, before: 2, limit: 2, byteBudget: .max)
        #expect(last.versions.map(\.change.version) == [1] && !last.more)
        // A budget smaller than one version still brings one, so every page moves on.
        let tight = try await store.history(collectionID: articles, articleID: article.idString, before: nil, limit: 100, byteBudget: 10)
        #expect(tight.versions.map(\.change.version) == [5] && tight.more)
        let twoFit = try await store.history(collectionID: articles, articleID: article.idString, before: nil, limit: 100, byteBudget: 2_500)
        #expect(twoFit.versions.map(\.change.version) == [5, 4] && twoFit.more)
    }

    @Test func anotherCollectionsOrAnUnknownArticleHasNoHistory() async throws {
        try store.createCollection(name: "other")
        let other = try await store.authorize(token: try store.createToken(collection: "other", access: .write).token, collection: "other")
        let article = try await articleWithVersions(2, collection: other.collectionID)
        #expect(try await store.history(collectionID: articles, articleID: article.idString, before: nil, limit: 10, byteBudget: .max).versions.isEmpty)
        #expect(try await store.history(collectionID: other.collectionID, articleID: article.idString, before: nil, limit: 10, byteBudget: .max)
            .versions.count == 2)
        let unknown = try await store.history(collectionID: other.collectionID, articleID: UUID().uuidString.lowercased(), before: nil, limit: 10,
                                              byteBudget: .max)
        #expect(unknown.versions.isEmpty && !unknown.more)
    }
}
