import ArticleSyncClient
import ArticleSyncShared
import Foundation
import Testing

/// Edits made here and on the server at once: merged when they touch different things, kept as a
/// conflict for the person when they overlap, and settled by `resolve` and `--prefer`.
@Suite struct ReplicaConflictTests: ReplicaFixture {
    let directory: String
    let replica: Replica

    init() throws {
        (directory, replica) = try Self.makeReplica()
    }

    @Test func concurrentEditsOfDifferentParagraphsMergeAndRequeueOnTopOfTheirs() throws {
        defer { cleanUp() }
        let (article, tally) = try concurrentEdit(mine: { $0.body = "Satu diubah.\n\nDua." }, theirs: { $0.body = "Satu.\n\nDua diubah." })
        #expect(tally.merged == 1 && tally.conflicts == 0)
        #expect(try replica.article(article.idString)?.body == "Satu diubah.\n\nDua diubah.")
        let queued = try replica.nextPush(limit: 10)
        #expect(queued.count == 1)
        #expect(queued[0].baseVersion == 2, "the merge is pushed on top of the server version it merged")
        #expect(queued[0].article.body == "Satu diubah.\n\nDua diubah.")
        #expect(try replica.conflicts().isEmpty)
    }

    /// A resolution written while the conflict showed an older server version (a sync has replaced it
    /// since) is merged with the newer one's change; where the two overlap nothing is saved, and the
    /// overlap comes back to be edited again (EditSessionTests covers the clean merge end to end).
    @Test func aResolutionWrittenAgainstAReplacedServerVersionIsNotAdoptedOverTheNewOne() throws {
        defer { cleanUp() }
        let (article, _) = try concurrentEdit(mine: { $0.title = "mine" }, theirs: { $0.title = "theirs" })
        let id = article.idString
        let conflict = try #require(try replica.conflicts().first)
        var shown = conflict.theirs
        shown.title = "an older server title"
        var resolution = conflict.mine
        resolution.title = "resolved"
        let overlap = try #require(throws: ResolutionOverlap.self) { try replica.resolve(id, with: .article(resolution, writtenAgainst: shown)) }
        #expect(overlap.theirs == conflict.theirs)
        #expect(overlap.text.contains("<<<<<<< mine\nresolved\n||||||| base\nan older server title\n=======\ntheirs\n>>>>>>> theirs"))
        #expect(try replica.conflicts().count == 1, "nothing was saved")
        // Written against the version the conflict holds now, it is taken as it is.
        try replica.resolve(id, with: .article(resolution, writtenAgainst: overlap.theirs))
        #expect(try replica.article(id)?.title == "resolved")
    }

    @Test func resolveWithMineTheirsOrAHandMadeVersion() throws {
        defer { cleanUp() }
        let (article, tally) = try concurrentEdit(mine: { $0.title = "mine" }, theirs: { $0.title = "theirs" })
        #expect(tally.conflicts == 1)
        let id = article.idString
        let conflict = try #require(try replica.conflicts().first)
        #expect(conflict.attempt.contains("<<<<<<< mine\nmine\n||||||| base\nJudul\n=======\ntheirs\n>>>>>>> theirs"))

        var marked = conflict.mine
        marked.body = "<<<<<<< mine\nx\n=======\ny\n>>>>>>> theirs"
        #expect(throws: ReplicaError.self) { try replica.resolve(id, with: .article(marked)) }
        #expect(try replica.conflicts().count == 1, "a refused resolution changes nothing")

        try replica.resolve(id, with: .theirs)
        #expect(try replica.conflicts().isEmpty)
        #expect(try replica.outbox().isEmpty, "taking theirs leaves nothing to push")
        #expect(try replica.article(id)?.title == "theirs")
    }

    @Test func resolvingWithMineQueuesAnEditOnTheServerVersion() throws {
        defer { cleanUp() }
        let (article, _) = try concurrentEdit(mine: { $0.title = "mine" }, theirs: { $0.title = "theirs" })
        try replica.resolve(article.idString, with: .mine)
        let queued = try replica.nextPush(limit: 10)
        #expect(queued.map(\.baseVersion) == [2])
        #expect(queued.map(\.article.title) == ["mine"])
    }

    @Test func preferSettlesOnlyTheOverlap() throws {
        defer { cleanUp() }
        let (article, _) = try concurrentEdit(
            mine: { $0.title = "mine"; $0.tags = ["x"] },
            theirs: { $0.title = "theirs"; $0.source = "kompas" })
        #expect(try replica.resolveAll(preferring: .theirs) == 1)
        let resolved = try #require(try replica.article(article.idString))
        #expect(resolved.title == "theirs" && resolved.tags == ["x"] && resolved.source == "kompas")
    }

    @Test func pushAnsweredWithConflictIsMerged() throws {
        defer { cleanUp() }
        let article = try replica.add([sample()])[0]
        let first = try replica.nextPush(limit: 10)
        _ = try replica.applyPushResults([MutationResult(mutationID: first[0].mutationID, status: .applied, version: 1, seq: 1)])
        try replica.update(article.idString) { $0.body = "Satu.\n\nDua, versi saya." }
        let sent = try replica.nextPush(limit: 10)
        var current = article
        current.body = "Satu, versi server.\n\nDua."
        current.version = 2
        current.seq = 5
        let tally = try replica.applyPushResults([MutationResult(
            mutationID: sent[0].mutationID, status: .conflict, version: 2, seq: 5,
            article: ChangedArticle(article: current, mutationID: "other", clientID: "other"))])
        #expect(tally.merged == 1)
        let again = try replica.nextPush(limit: 10)
        #expect(again.count == 1 && again[0].baseVersion == 2)
        #expect(again[0].article.body == "Satu, versi server.\n\nDua, versi saya.")
        #expect(again[0].mutationID != sent[0].mutationID, "a new edit gets a new mutation id")
    }

    /// One push answer mixing every kind of result, each settled as it would be in an answer of its
    /// own: a plain acknowledgement, one whose article was edited again on its way, a refusal, a
    /// conflict that merges, and one the server (faultily) answered twice.
    @Test func oneAnswerOfEveryKindSettlesEachAsItWouldAlone() throws {
        defer { cleanUp() }
        let earlier = try replica.add([sample("merged")])[0]
        let first = try replica.nextPush(limit: 10)
        _ = try replica.applyPushResults([MutationResult(mutationID: first[0].mutationID, status: .applied, version: 1, seq: 1)])
        try replica.update(earlier.idString) { $0.body = "Satu.\n\nDua, versi saya." }
        let added = try replica.add([sample("plain"), sample("chained"), sample("refused"), sample("twice")])
        let sent = try replica.nextPush(limit: 10)
        #expect(sent.map(\.article.title) == ["merged", "plain", "chained", "refused", "twice"])
        try replica.update(added[1].idString) { $0.title = "chained, edited on its way" }
        var current = earlier
        current.body = "Satu, versi server.\n\nDua."
        current.version = 2
        current.seq = 2
        let tally = try replica.applyPushResults([
            MutationResult(mutationID: sent[0].mutationID, status: .conflict, version: 2, seq: 2,
                           article: ChangedArticle(article: current, mutationID: "other", clientID: "other")),
            MutationResult(mutationID: sent[1].mutationID, status: .applied, version: 1, seq: 3),
            MutationResult(mutationID: sent[2].mutationID, status: .applied, version: 1, seq: 4),
            MutationResult(mutationID: sent[3].mutationID, status: .rejected, reason: "too big"),
            MutationResult(mutationID: sent[4].mutationID, status: .applied, version: 1, seq: 5),
            MutationResult(mutationID: sent[4].mutationID, status: .duplicate, version: 1, seq: 5),
        ])
        #expect(tally.accepted == 3 && tally.rejected == 1 && tally.merged == 1 && tally.conflicts == 0)
        for (article, seq) in [(added[0], Int64(3)), (added[3], 5)] {
            let stored = try #require(try replica.article(article.idString))
            #expect(stored.version == 1 && stored.seq == seq && stored.title == article.title)
            #expect(try replica.localDigest().entries[article.idString] == stored.contentHash)
        }
        let chained = try #require(try replica.article(added[1].idString))
        #expect(chained.version == 1 && chained.title == "chained, edited on its way")
        // Left waiting, in outbox order: the refusal, the edit made on the way, the merge.
        let outbox = try replica.outbox()
        #expect(outbox.map(\.articleID) == [added[2].idString, added[1].idString, earlier.idString])
        guard outbox.count == 3 else { return }
        #expect(outbox[0].rejectedReason == "too big")
        #expect(outbox[1].baseVersion == 1 && outbox[1].sentAt == nil)
        #expect(outbox[2].baseVersion == 2 && outbox[2].article.body == "Satu, versi server.\n\nDua, versi saya.")
        #expect(try replica.conflicts().isEmpty)
    }
}
