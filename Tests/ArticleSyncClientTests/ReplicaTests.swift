import ArticleSyncClient
import ArticleSyncShared
import Foundation
import Testing

/// The replica's bookkeeping on real SQLite files, fed with server answers as the wire carries them.
@Suite struct ReplicaTests {
    let directory: String
    let replica: Replica

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("replica-test-\(UUID().uuidString)").path
        replica = try ReplicaDirectory(path: directory).initialize(
            server: "127.0.0.1:7443", collection: "articles", token: "ast_x", fingerprint: "sha256:" + String(repeating: "ab", count: 32))
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

    @Test func addQueuesOneEntryPerArticleAndWorksOffline() throws {
        defer { cleanUp() }
        let added = try replica.add([sample("a"), sample("b")])
        #expect(try replica.outbox().map(\.articleID) == added.map(\.idString))
        #expect(try replica.outbox().allSatisfy { $0.baseVersion == 0 })
        #expect(try replica.status().pendingChanges == 2)
    }

    @Test func invalidAddImportsNothing() throws {
        defer { cleanUp() }
        var bad = sample("")
        bad.title = ""
        #expect(throws: ReplicaError.self) { try replica.add([sample("ok"), bad]) }
        #expect(try replica.articles().isEmpty)
        #expect(try replica.outbox().isEmpty)
    }

    @Test func editsBeforeTheFirstPushFoldIntoOneEntry() throws {
        defer { cleanUp() }
        let article = try replica.add([sample()])[0]
        try replica.update(article.idString) { $0.title = "x" }
        try replica.update(article.idString) { $0.title = "y" }
        let outbox = try replica.outbox()
        #expect(outbox.count == 1)
        #expect(outbox[0].article.title == "y")
    }

    @Test func acknowledgedPushClearsTheOutboxAndSetsTheVersion() throws {
        defer { cleanUp() }
        let article = try replica.add([sample()])[0]
        let mutations = try replica.nextPush(limit: 10)
        #expect(mutations.count == 1)
        _ = try replica.applyPushResults([MutationResult(mutationID: mutations[0].mutationID, status: .applied, version: 1, seq: 7)])
        #expect(try replica.outbox().isEmpty)
        #expect(try replica.article(article.idString)?.version == 1)
    }

    @Test func editWhilePushInFlightChainsInsteadOfConflicting() throws {
        defer { cleanUp() }
        let article = try replica.add([sample()])[0]
        let inFlight = try replica.nextPush(limit: 10)
        try replica.update(article.idString) { $0.title = "edited during push" }
        // The sent entry is frozen; the new edit waits behind it with no base version yet.
        let outbox = try replica.outbox()
        #expect(outbox.count == 2)
        #expect(outbox[0].article.title == "Judul" && outbox[1].baseVersion == nil)
        #expect(try replica.nextPush(limit: 10).map(\.mutationID) == inFlight.map(\.mutationID))

        _ = try replica.applyPushResults([MutationResult(mutationID: inFlight[0].mutationID, status: .applied, version: 1, seq: 3)])
        let next = try replica.nextPush(limit: 10)
        #expect(next.count == 1)
        #expect(next[0].baseVersion == 1 && next[0].article.title == "edited during push")
        #expect(try replica.conflicts().isEmpty)
    }

    @Test func ownEditPulledBackAfterALostAcknowledgementIsNotAConflict() throws {
        defer { cleanUp() }
        let article = try replica.add([sample()])[0]
        let sent = try replica.nextPush(limit: 10)
        // The acknowledgement never arrived; the next pull brings the applied change back.
        let tally = try replica.applyPulled([accepted(sent[0], version: 1, seq: 5)], cursor: 5)
        #expect(tally.conflicts == 0)
        #expect(try replica.outbox().isEmpty)
        #expect(try replica.article(article.idString)?.version == 1)
        // The retry that follows is answered duplicate and is simply ignored.
        _ = try replica.applyPushResults([MutationResult(mutationID: sent[0].mutationID, status: .duplicate, version: 1, seq: 5)])
        #expect(try replica.syncState().cursor == 5)
    }

    @Test func concurrentEditKeepsBothVersions() throws {
        defer { cleanUp() }
        let article = try replica.add([sample()])[0]
        let sent = try replica.nextPush(limit: 10)
        _ = try replica.applyPushResults([MutationResult(mutationID: sent[0].mutationID, status: .applied, version: 1, seq: 1)])
        try replica.update(article.idString) { $0.title = "mine" }
        var theirs = article
        theirs.title = "theirs"
        theirs.version = 2
        theirs.seq = 2
        let tally = try replica.applyPulled([ChangedArticle(article: theirs, mutationID: "other", clientID: "other")], cursor: 2)
        #expect(tally.conflicts == 1)
        let conflict = try #require(try replica.conflicts().first)
        #expect(conflict.mine.title == "mine" && conflict.theirs.title == "theirs" && conflict.base?.title == "Judul")
        #expect(conflict.fields == ["title"])
        #expect(try replica.article(article.idString)?.title == "mine")
        #expect(try replica.nextPush(limit: 10).isEmpty, "a conflicted article is not pushed")
        #expect(try replica.status().conflicts == 1)
        #expect(throws: ReplicaError.self) { try replica.update(article.idString) { $0.title = "again" } }
    }

    @Test func unmodifiedArticlesTakeTheServerState() throws {
        defer { cleanUp() }
        var incoming = sample("from server")
        incoming.version = 1
        incoming.seq = 4
        _ = try replica.applyPulled([ChangedArticle(article: incoming, mutationID: "x", clientID: "other")], cursor: 4)
        incoming.title = "newer"
        incoming.version = 2
        incoming.seq = 6
        _ = try replica.applyPulled([ChangedArticle(article: incoming, mutationID: "y", clientID: "other")], cursor: 6)
        #expect(try replica.article(incoming.idString)?.title == "newer")
        #expect(try replica.syncState().cursor == 6)
        #expect(try replica.outbox().isEmpty)
    }

    @Test func rejectedChangeStaysQueuedWithTheReason() throws {
        defer { cleanUp() }
        let article = try replica.add([sample()])[0]
        let sent = try replica.nextPush(limit: 10)
        _ = try replica.applyPushResults([MutationResult(mutationID: sent[0].mutationID, status: .rejected, reason: "too big")])
        #expect(try replica.status().rejectedChanges == [.init(articleID: article.idString, reason: "too big")])
        #expect(try replica.nextPush(limit: 10).isEmpty)
        try replica.update(article.idString) { $0.title = "fixed" }
        #expect(try replica.nextPush(limit: 10).map(\.article.title) == ["fixed"])
    }

    @Test func idPrefixesResolveUniquely() throws {
        defer { cleanUp() }
        let article = try replica.add([sample()])[0]
        #expect(try replica.resolveID(String(article.idString.prefix(6))) == article.idString)
        #expect(throws: ReplicaError.self) { try replica.resolveID("zz") }
        #expect(throws: ReplicaError.self) { try replica.resolveID("%") }
    }

    @Test func tokenFileIsPrivate() throws {
        defer { cleanUp() }
        let attributes = try FileManager.default.attributesOfItem(atPath: ReplicaDirectory(path: directory).tokenPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }
}
