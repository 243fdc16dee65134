import ArticleSyncClient
import ArticleSyncShared
import Foundation
import Testing

/// A new replica on a real SQLite file for each test (removed by `cleanUp`), and server answers
/// made as the wire carries them.
protocol ReplicaFixture {
    var directory: String { get }
    var replica: Replica { get }
}

extension ReplicaFixture {
    static func makeReplica() throws -> (directory: String, replica: Replica) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replica-test-\(UUID().uuidString)").path
        let replica = try ReplicaDirectory(path: directory).initialize(
            server: "127.0.0.1:7443", collection: "articles", token: "ast_x", fingerprint: "sha256:" + String(repeating: "ab", count: 32))
        return (directory, replica)
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: directory) }

    func sample(_ title: String = "Judul") -> Article {
        Article(title: title, body: "Satu.\n\nDua.", category: "News", source: "viva")
    }

    /// The server's view of an accepted mutation.
    func accepted(_ mutation: Mutation, version: Int64, seq: Int64, by client: String = "me") -> ChangedArticle {
        var article = mutation.article
        article.version = version
        article.seq = seq
        return ChangedArticle(article: article, mutationID: mutation.mutationID, clientID: client)
    }

    /// Pulls `article` as another client's change the server accepted at `version` and `seq`.
    func pull(_ article: Article, version: Int64, seq: Int64, mutationID: String = "other") throws -> SyncTally {
        var state = article
        state.version = version
        state.seq = seq
        return try replica.applyPulled([ChangedArticle(article: state, mutationID: mutationID, clientID: "other")], cursor: seq)
    }

    /// An article synced at version 1, edited here, and a different edit of it from the server.
    func concurrentEdit(mine: @Sendable (inout Article) -> Void, theirs: (inout Article) -> Void) throws -> (Article, SyncTally) {
        let article = try replica.add([sample()])[0]
        let sent = try replica.nextPush(limit: 10)
        _ = try replica.applyPushResults([MutationResult(mutationID: sent[0].mutationID, status: .applied, version: 1, seq: 1)])
        try replica.update(article.idString, mine)
        var other = article
        theirs(&other)
        let tally = try pull(other, version: 2, seq: 2)
        return (article, tally)
    }
}
