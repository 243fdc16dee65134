import ArticleSyncClient
import ArticleSyncShared
import Foundation
import Testing

/// The replica's bookkeeping on real SQLite files, fed with server answers as the wire carries them.
@Suite struct ReplicaTests: ReplicaFixture {
    let directory: String
    let replica: Replica

    init() throws {
        (directory, replica) = try Self.makeReplica()
    }

    @Test func addQueuesOneEntryPerArticleAndWorksOffline() throws {
        defer { cleanUp() }
        let added = try replica.add([sample("a"), sample("b")])
        #expect(try replica.outbox().map(\.articleID) == added.map(\.idString))
        #expect(try replica.outbox().allSatisfy { $0.baseVersion == 0 })
        #expect(try replica.status().pendingChanges == 2)
    }

    @Test func statusCountsLiveAndDeletedArticles() throws {
        defer { cleanUp() }
        #expect(try replica.status().articleCount == 0 && replica.status().deletedCount == 0)
        let added = try replica.add([sample("a"), sample("b"), sample("c")])
        _ = try replica.update(added[1].idString) { $0.isDeleted = true }
        let status = try replica.status()
        #expect(status.articleCount == 2)
        #expect(status.deletedCount == 1)
    }

    @Test func invalidAddImportsNothing() throws {
        defer { cleanUp() }
        var bad = sample("")
        bad.title = ""
        #expect(throws: ReplicaError.self) { try replica.add([sample("ok"), bad]) }
        #expect(try replica.articles().isEmpty)
        #expect(try replica.outbox().isEmpty)
    }

    /// `add(reading:)` stores each article before reading the next (an import keeps one article in
    /// memory), and a failure to read one rolls back the ones stored before it.
    @Test func importReadsOneArticleAtATimeAndKeepsNothingWhenReadingFails() throws {
        defer { cleanUp() }
        struct Unreadable: Error {}
        var events: [String] = []
        var count = 0
        #expect(throws: Unreadable.self) {
            try replica.add(reading: {
                count += 1
                if count == 4 { throw Unreadable() }
                events.append("read t\(count)")
                return sample("t\(count)")
            }, each: { events.append("stored \($0.title)") })
        }
        #expect(events == ["read t1", "stored t1", "read t2", "stored t2", "read t3", "stored t3"])
        #expect(try replica.articles().isEmpty)
        #expect(try replica.outbox().isEmpty)
    }

    /// What `list` prints comes from the rows' columns; it must say what the articles say, in
    /// the same order, deleted ones only when asked.
    @Test func summariesAgreeWithTheArticles() throws {
        defer { cleanUp() }
        let added = try replica.add([sample("b"), sample("a"), sample("c")])
        try replica.update(added[2].idString) { $0.isDeleted = true }
        for includeDeleted in [false, true] {
            let articles = try replica.articles(includeDeleted: includeDeleted)
            #expect(articles.count == (includeDeleted ? 3 : 2))
            #expect(try replica.summaries(includeDeleted: includeDeleted).map { "\($0.id) \($0.category) \($0.title) \($0.isDeleted)" }
                == articles.map { "\($0.idString) \($0.category) \($0.title) \($0.isDeleted)" })
        }
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

    /// A copy of this replica (its directory copied, or put back from a backup, with this edit
    /// queued) pushed the same mutation id with its own content. Its change, pulled or sent back in
    /// a conflict answer, is not this replica's edit coming back: taking it for ours dropped the
    /// edit made here without a word. It is merged, and what is left goes out under a new id.
    @Test(arguments: [false, true]) func aChangeUnderOurMutationIDWithOtherContentIsMergedNotTakenForOurs(inConflictAnswer: Bool) throws {
        defer { cleanUp() }
        let article = try replica.add([sample()])[0]
        let created = try replica.nextPush(limit: 10)
        _ = try replica.applyPushResults([MutationResult(mutationID: created[0].mutationID, status: .applied, version: 1, seq: 1)])
        try replica.update(article.idString) { $0.title = "edited here" }
        let queued = try #require(try replica.outbox().first)

        var copys = article
        copys.tags = ["from the copy"]
        copys.version = 2
        copys.seq = 2
        let change = ChangedArticle(article: copys, mutationID: queued.mutationID, clientID: "me")
        if inConflictAnswer {
            _ = try replica.nextPush(limit: 10)
            _ = try replica.applyPushResults([MutationResult(mutationID: queued.mutationID, status: .conflict, version: 2, seq: 2, article: change)])
        } else {
            _ = try replica.applyPulled([change], cursor: 2)
        }
        let merged = try #require(try replica.article(article.idString))
        #expect(merged.title == "edited here" && merged.tags == ["from the copy"])
        let outbox = try replica.outbox()
        #expect(outbox.count == 1)
        #expect(outbox.first?.mutationID != queued.mutationID && outbox.first?.baseVersion == 2)
        // Our own edit coming back as we sent it is still an acknowledgement.
        let sent = try replica.nextPush(limit: 10)
        _ = try replica.applyPulled([accepted(sent[0], version: 3, seq: 3)], cursor: 3)
        #expect(try replica.outbox().isEmpty && replica.article(article.idString)?.version == 3)
    }

    @Test func pushBatchesKeepToTheirBudgetAndSkipWhatIsOnItsWay() throws {
        defer { cleanUp() }
        let articles = try replica.add((0..<5).map { index in
            var article = sample("t\(index)")
            article.body = String(repeating: "kata ", count: 200)  // 1 KB of text each
            return article
        })
        // 2.5 KB: two articles, not three; a budget below one article still sends one.
        let first = try replica.nextPushBatch(limit: 10, byteBudget: 2_500)
        #expect(first.mutations.map(\.article.title) == ["t0", "t1"])
        let second = try replica.nextPushBatch(limit: 10, byteBudget: 1, after: first.lastPosition)
        #expect(second.mutations.map(\.article.title) == ["t2"])
        // While the first two are on their way, the rest comes after them; from the start, the
        // unanswered entries come again (a retry) first.
        #expect(try replica.nextPushBatch(limit: 10, byteBudget: .max, after: second.lastPosition).mutations.map(\.article.title) == ["t3", "t4"])
        #expect(try replica.nextPush(limit: 10).map(\.article.title) == ["t0", "t1", "t2", "t3", "t4"])
        // An edit made while its article is on its way waits behind it. When a later batch has been
        // sent meanwhile, the edit sits before that batch's last position once its turn comes:
        // reading after that position misses it, reading from the start finds it.
        try replica.update(articles[0].idString) { $0.title = "t0 edited" }
        _ = try replica.add([sample("t5")])
        let later = try replica.nextPushBatch(limit: 10, byteBudget: .max, after: first.lastPosition)
        #expect(later.mutations.map(\.article.title) == ["t2", "t3", "t4", "t5"])
        _ = try replica.applyPushResults([MutationResult(mutationID: first.mutations[0].mutationID, status: .applied, version: 1, seq: 1)])
        #expect(try replica.nextPushBatch(limit: 10, byteBudget: .max, after: later.lastPosition).mutations.isEmpty)
        #expect(try replica.nextPush(limit: 10).map(\.article.title).contains("t0 edited"))
    }

    /// The push loop's usual step: an answer applied and the next batch taken in one transaction,
    /// with the same result as the two calls one after the other.
    @Test func anAnswerAndTheNextBatchAreOneStep() throws {
        defer { cleanUp() }
        _ = try replica.add((0..<4).map { sample("t\($0)") })
        let first = try replica.nextPushBatch(limit: 2, byteBudget: .max)
        let answers = first.mutations.enumerated().map { MutationResult(mutationID: $1.mutationID, status: .applied, version: 1, seq: Int64($0 + 1)) }

        let (tally, next) = try replica.applyPushResults(answers, thenTake: 2, byteBudget: .max, after: first.lastPosition)

        #expect(tally.accepted == 2)
        #expect(next.mutations.map(\.article.title) == ["t2", "t3"])
        let outbox = try replica.outbox()
        #expect(outbox.map(\.article.title) == ["t2", "t3"], "the answered entries are gone")
        #expect(outbox.allSatisfy { $0.sentAt != nil }, "the batch taken is marked sent before it leaves")
        #expect(try replica.article(first.mutations[0].article.idString)?.version == 1)
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
        let tally = try pull(theirs, version: 2, seq: 2)
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
        _ = try pull(incoming, version: 1, seq: 4, mutationID: "x")
        incoming.title = "newer"
        _ = try pull(incoming, version: 2, seq: 6, mutationID: "y")
        #expect(try replica.article(incoming.idString)?.title == "newer")
        #expect(try replica.syncState().cursor == 6)
        #expect(try replica.outbox().isEmpty)
    }

    /// A large batch takes the quick path for articles the replica does not hold and the full
    /// integration for those it does: a local edit in the middle of 1,200 new articles is merged,
    /// not overwritten, and an article that comes twice in one batch ends at its later state.
    /// `stored`: the articles come as `binary-v2` brings them, in their checked storage form.
    @Test(arguments: [false, true])
    func largeBatchStoresNewArticlesAndStillMergesHeldOnes(stored: Bool) throws {
        defer { cleanUp() }
        func change(_ article: Article, _ mutationID: String) throws -> ChangedArticle {
            stored ? ChangedArticle(stored: try CheckedStorageForm(checking: article.storageBytes), mutationID: mutationID, clientID: "other")
                : ChangedArticle(article: article, mutationID: mutationID, clientID: "other")
        }
        let held = sample("held")
        _ = try pull(held, version: 1, seq: 1, mutationID: "a")
        try replica.update(held.idString) { $0.category = "Edited here" }

        var batch = try (0..<1200).map { index -> ChangedArticle in
            var article = sample("new \(index)")
            article.version = 1
            article.seq = Int64(index + 2)
            return try change(article, "n\(index)")
        }
        var theirs = held
        theirs.title = "held, retitled there"
        theirs.version = 2
        theirs.seq = 2000
        batch.insert(try change(theirs, "b"), at: 600)
        var twice = batch[10].article
        twice.title = "new 10, second state"
        twice.version = 2
        twice.seq = 2001
        batch.append(try change(twice, "t"))

        let tally = try replica.applyPulled(batch, cursor: 2001)
        #expect(tally.received == 1202 && tally.conflicts == 0 && tally.merged == 1)
        let merged = try #require(try replica.article(held.idString))
        #expect(merged.title == "held, retitled there" && merged.category == "Edited here")
        #expect(try replica.article(twice.idString)?.title == "new 10, second state")
        #expect(try replica.articles().count == 1201)
        #expect(try replica.localDigest().entries[batch[700].article.idString] == batch[700].article.contentHash)
        #expect(try replica.article(batch[700].idString) == batch[700].article)
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
