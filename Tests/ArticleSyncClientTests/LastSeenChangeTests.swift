import ArticleSyncClient
import ArticleSyncShared
import Foundation
import Testing

/// The latest change a replica received from the server (`SyncState.lastSeen`), which `hello` names
/// so that a server whose change log went back to an older copy is noticed (see `SeenChange`).
@Suite struct LastSeenChangeTests: ReplicaFixture {
    let directory: String
    let replica: Replica

    init() throws {
        (directory, replica) = try Self.makeReplica()
    }

    func lastSeen() throws -> SeenChange? { try replica.syncState().lastSeen }

    @Test func theLatestChangeReceivedIsKeptFromPullsAndAcknowledgements() throws {
        defer { cleanUp() }
        #expect(try lastSeen() == nil)
        // Its own push, acknowledged: the article as pushed, under the push's mutation id.
        let mine = try replica.add([sample("mine")])[0]
        let sent = try replica.nextPush(limit: 10)
        _ = try replica.applyPushResults([MutationResult(mutationID: sent[0].mutationID, status: .applied, version: 1, seq: 5)])
        #expect(try lastSeen() == SeenChange(seq: 5, articleID: mine.idString, version: 1, contentHash: mine.contentHash, mutationID: sent[0].mutationID))

        // A pulled change with a higher seq takes its place; one with a lower seq does not.
        let theirs = sample("theirs")
        _ = try pull(theirs, version: 1, seq: 9, mutationID: "their-m1")
        let seenTheirs = SeenChange(seq: 9, articleID: theirs.idString, version: 1, contentHash: theirs.contentHash, mutationID: "their-m1")
        #expect(try lastSeen() == seenTheirs)
        _ = try pull(sample("older"), version: 1, seq: 3, mutationID: "older-m1")
        #expect(try lastSeen() == seenTheirs)

        // A pulled change merged with a local edit: the server's content is what it holds, not the merge.
        try replica.update(theirs.idString) { $0.tags = ["local"] }
        var newer = theirs
        newer.title = "theirs, edited there"
        _ = try pull(newer, version: 2, seq: 11, mutationID: "their-m2")
        #expect(try replica.article(theirs.idString)?.tags == ["local"])
        #expect(try lastSeen() == SeenChange(seq: 11, articleID: theirs.idString, version: 2, contentHash: newer.contentHash, mutationID: "their-m2"))

        // An acknowledgement on the general path (an edit made while the push was on its way).
        let inFlight = try replica.nextPush(limit: 10)
        try replica.update(theirs.idString) { $0.title = "edited during push" }
        _ = try replica.applyPushResults([MutationResult(mutationID: inFlight[0].mutationID, status: .applied, version: 3, seq: 12)])
        #expect(try lastSeen() == SeenChange(seq: 12, articleID: theirs.idString, version: 3, contentHash: inFlight[0].article.contentHash,
                                             mutationID: inFlight[0].mutationID))
    }

    @Test func aServerThatLacksTheLastSeenChangeStartsADownloadAgain() throws {
        defer { cleanUp() }
        #expect(try !replica.noteServer(serverID: "s", epoch: "e", headSeq: 0, lastSeenHeld: nil))
        _ = try replica.add([sample("mine")])
        _ = try pull(sample("theirs"), version: 1, seq: 9)
        #expect(try !replica.noteServer(serverID: "s", epoch: "e", headSeq: 9, lastSeenHeld: true))
        #expect(try replica.syncState().cursor == 9)

        #expect(try replica.noteServer(serverID: "s", epoch: "e", headSeq: 20, lastSeenHeld: false))
        let state = try replica.syncState()
        #expect(state.cursor == 0 && state.lastSeen == nil && state.epoch == "e")
        // Nothing came back in the download: both articles go to the server again as new ones.
        #expect(try replica.finishResync() == 2)
    }

    @Test func withoutAnAnswerAHeadBelowWhatWasSeenStartsADownloadAgain() throws {
        defer { cleanUp() }
        #expect(try !replica.noteServer(serverID: "s", epoch: "e", headSeq: 0, lastSeenHeld: nil))
        _ = try pull(sample("theirs"), version: 1, seq: 9)
        // A server older than the answer: a head at or past what was seen says nothing is wrong.
        #expect(try !replica.noteServer(serverID: "s", epoch: "e", headSeq: 9, lastSeenHeld: nil))
        #expect(try replica.noteServer(serverID: "s", epoch: "e", headSeq: 4, lastSeenHeld: nil))
        #expect(try replica.syncState().cursor == 0)
        #expect(try replica.finishResync() == 1)
    }
}
