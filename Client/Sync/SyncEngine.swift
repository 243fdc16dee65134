import ArticleSyncShared
import Logging

/// What one `sync` did, for the CLI to print.
public struct SyncReport: Sendable, Equatable, Codable {
    public var pulled = 0
    public var pushed = 0
    public var merged = 0
    public var newConflicts = 0
    /// Conflicts settled by `prefer`.
    public var resolvedByPreference = 0
    /// Where `prefer` theirs kept this replica's side of each conflict it settled (see `DiscardedVersion`).
    public var keptMine: [String] = []
    public var rejected = 0
    /// The server's database was replaced (new epoch); the collection was downloaded again.
    public var redownloaded = false
    /// Articles the replaced server no longer had, sent to it again.
    public var resent = 0
    /// Local changes still waiting (read-only token, conflicts, rejections).
    public var pending = 0
    public var unresolvedConflicts = 0
    /// Articles whose change the server refused (in this sync or an earlier one), waiting here
    /// for an edit that fixes them (`status` says why).
    public var rejectedWaiting = 0
    public var readOnly = false

    /// Something only a person can settle keeps local changes off the server: conflicts, changes
    /// the server refused, or edits a read-only token cannot push. `sync` then exits 3, not 0.
    public var needsAttention: Bool { unresolvedConflicts > 0 || rejectedWaiting > 0 || (readOnly && pending > 0) }
}

/// How far a download has come.
public struct SyncProgress: Sendable {
    public var articles: Int
    /// 0…1, by change-feed position (seq) between the start and the server's head.
    public var fraction: Double
    public var elapsed: Duration
    public var finished: Bool

    public var articlesPerSecond: Double {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds > 0 ? Double(articles) / seconds : 0
    }
}

/// The sync algorithm: pull until caught up (cursor saved with every batch), push the outbox
/// (answers applied in one transaction per push), then pull what arrived meanwhile.
public struct SyncEngine: Sendable {
    public var pullBatchSize = 1000
    public var pushBatchSize = 500
    /// Article text per push. Frames are at most 16 MiB and JSON (spoken with older servers) can
    /// blow text up several times with escapes, so a push stays well below.
    public var pushByteBudget = 2 << 20
    /// The encodings offered in `hello`, best first (tests turn binary off to exercise the JSON
    /// path). A server that does not know `binary-v2` takes `binary-v1`.
    public var offeredEncodings: [WireEncoding] = [.binaryStored, .binary]
    /// Settles conflicts the merge cannot by taking this side for overlapping edits (`sync --prefer`).
    public var prefer: MergeSide?
    /// How long a request may wait with nothing arriving before the connection is given up
    /// (`ServerConnection.defaultSilenceLimit`).
    public var silenceLimit = ServerConnection.defaultSilenceLimit
    /// Told after every pulled batch of a download (for progress bars).
    public var progress: (@Sendable (SyncProgress) -> Void)?
    public let directory: ReplicaDirectory
    public let replica: Replica
    let logger: Logger

    public init(directory: ReplicaDirectory, replica: Replica, logger: Logger) {
        self.directory = directory
        self.replica = replica
        self.logger = logger
    }

    public func sync() async throws -> SyncReport {
        let state = try replica.syncState()
        let token = try directory.readToken()
        var report = SyncReport()
        try await ServerConnection.withConnection(
            to: try ServerAddress(parsing: state.server), trust: directory.serverTrust(state), clientCertificate: directory.clientCertificate,
            silenceLimit: silenceLimit
        ) { connection in
            let headSeq = try await hello(&connection, state: state, token: token, into: &report)
            try await exchange(&connection, headSeq: headSeq, into: &report)
        }
        try finish(&report)
        return report
    }

    /// The `hello` this replica sends: who it is, what it may read, and the last change it received.
    func helloMessage(id: UInt64, state: SyncState, token: String) -> ClientMessage {
        .hello(id: id, protocolVersion: articleSyncProtocolVersion, clientID: state.clientID, token: token, collection: state.collection,
               encodings: offeredEncodings, lastSeen: state.lastSeen)
    }

    /// `hello`, and what `welcome` says about the server; returns its head seq.
    func hello(_ connection: inout some ServerRequester, state: SyncState, token: String, into report: inout SyncReport) async throws -> Int64 {
        let welcome = try await connection.request { helloMessage(id: $0, state: state, token: token) }
        guard case .welcome(_, _, let serverID, let epoch, let headSeq, let access, _, _, let lastSeenHeld) = welcome else {
            throw ReplicaError("the server answered hello with \(welcome) instead of welcome")
        }
        report.redownloaded = try replica.noteServer(serverID: serverID, epoch: epoch, headSeq: headSeq, lastSeenHeld: lastSeenHeld)
            || report.redownloaded
        report.readOnly = access != "write"
        logger.debug("connected", metadata: ["server": "\(serverID)", "head": "\(headSeq)"])
        return headSeq
    }

    /// One full exchange on an open connection: pull, then push and pull again until nothing moves.
    func exchange(_ connection: inout some ServerRequester, headSeq: Int64, into report: inout SyncReport) async throws {
        try await pull(&connection, upTo: headSeq, into: &report)
        guard !report.readOnly else { return }
        // Pushing can bring conflicts back (a push answered `conflict`); with --prefer they are
        // settled and pushed in the next round. Each round settles or parks everything it sent.
        for _ in 0..<10 {
            if let prefer { report.resolvedByPreference += try settleConflicts(preferring: prefer, into: &report) }
            let pushed = try await push(&connection, into: &report)
            guard pushed.sentAny else { break }
            // What was just acknowledged is in the replica exactly as the server has it: not again.
            try await pull(&connection, skipping: pushed.acknowledged, into: &report)
        }
    }

    /// `prefer`: every conflict merged again, the preferred side taking the overlaps. Preferring
    /// theirs drops what overlapped of this replica's side, which never reached the server: each
    /// such side is kept first (`DiscardedVersion`), noted as written from the settled article so
    /// that `edit --file` merges it with later changes, and named in the report.
    func settleConflicts(preferring side: MergeSide, into report: inout SyncReport) throws -> Int {
        var kept: [(path: String, articleID: String)] = []
        if side == .theirs {
            for conflict in try replica.conflicts() where !conflict.mine.isDeleted && !conflict.mine.hasSameContent(as: conflict.theirs) {
                kept.append((try DiscardedVersion.keep(conflict.mine, in: directory), conflict.articleID))
            }
        }
        let settled = try replica.resolveAll(preferring: side)
        let origins = try kept.compactMap { copy in try replica.article(copy.articleID).map { FileOrigin(path: copy.path, writtenFrom: $0) } }
        try? replica.noteFilesWritten(origins)
        report.keptMine += kept.map(\.path)
        return settled
    }

    func finish(_ report: inout SyncReport) throws {
        try replica.markSynced()
        // Only what is still waiting: counting all articles (as `status` does) would read the whole table.
        let waiting = try replica.waiting()
        report.pending = waiting.pending
        report.unresolvedConflicts = waiting.conflicts
        report.rejectedWaiting = waiting.rejected
    }

    /// Pulls until caught up. `headSeq` (from `welcome`) lets progress be reported as a fraction;
    /// articles whose seq is in `skipping` are not sent (see `SeqRanges`).
    ///
    /// The next batch is asked for as soon as a batch arrives, before it is stored, so the server
    /// reads and sends one batch while the replica writes the previous one; and a long download is
    /// copied from the WAL into the database while it runs (`DownloadCheckpointer`).
    func pull(_ connection: inout some ServerRequester, upTo headSeq: Int64? = nil, skipping: [Int64] = [],
              into report: inout SyncReport) async throws {
        let start = try replica.syncState().cursor
        let skip = SeqRanges.covering(skipping, after: start)
        let began = ContinuousClock.now
        var cursor = start
        var pending = try await connection.send { .pull(id: $0, cursor: start, limit: pullBatchSize, skip: skip) }
        // Made once a download turns out to take more than one batch.
        var checkpointer: DownloadCheckpointer?
        while true {
            let reply = try await connection.reply(to: pending)
            guard case .changes(_, let articles, let newCursor, let more) = reply else {
                throw ReplicaError("the server answered pull with \(reply) instead of changes")
            }
            // A server that says "more" without moving the cursor would be asked the same forever.
            let another = more && newCursor > cursor
            if another {
                pending = try await connection.send { .pull(id: $0, cursor: newCursor, limit: pullBatchSize, skip: skip) }
            }
            let tally = try replica.applyPulled(articles, cursor: newCursor)
            // (A checkpoint left running when this throws is harmless: it is crash-safe, and it ends.)
            if another, checkpointer == nil { checkpointer = try replica.makeDownloadCheckpointer() }
            checkpointer?.nudge()
            cursor = max(cursor, newCursor)
            report.pulled += tally.received
            report.merged += tally.merged
            report.newConflicts += tally.conflicts
            logger.debug("pulled", metadata: ["count": "\(articles.count)", "cursor": "\(newCursor)"])
            if let progress, let headSeq, headSeq > start {
                let fraction = min(1, Double(newCursor - start) / Double(headSeq - start))
                progress(SyncProgress(articles: report.pulled, fraction: another ? fraction : 1, elapsed: ContinuousClock.now - began, finished: !another))
            }
            if !another { break }
        }
        // Only after a complete download is "not sent back" known to mean "the server lost it".
        report.resent += try replica.finishResync()
        await checkpointer?.finish()
        if cursor > start { try replica.checkpointLargeWAL() }
    }

    /// Pushes until nothing pushable is left. Returns whether anything was sent, and the seqs the
    /// server accepted the mutations at.
    ///
    /// Up to two pushes are on their way at once: the next batch is read from the outbox and sent
    /// while the server applies the previous one. Once both are on their way, each answer is applied
    /// and the batch that replaces it taken from the outbox in one transaction.
    func push(_ connection: inout some ServerRequester, into report: inout SyncReport) async throws -> (sentAny: Bool, acknowledged: [Int64]) {
        var sentAny = false
        var acknowledged: [Int64] = []
        var inFlight: [UInt64] = []
        // A batch taken (and marked sent) together with the last answer; sent next.
        var taken: PushBatch?
        // Entries after this outbox position are not on their way yet. Entries that waited behind an
        // answered one can sit before it, so when nothing is left after it the outbox is read again
        // from the start; only an empty outbox with nothing in flight ends the push.
        var after: Int64 = 0
        let (batchSize, byteBudget) = pushSizes(for: connection.pushLimits)
        // Each answer acknowledges, rejects or parks every mutation it covers, so the outbox shrinks;
        // the bound only guards against a server that keeps answering nonsense.
        for _ in 0..<200_000 {
            let batch = inFlight.count < 2 ? try taken ?? replica.nextPushBatch(limit: batchSize, byteBudget: byteBudget, after: after) : nil
            taken = nil
            if let batch, !batch.mutations.isEmpty {
                sentAny = true
                inFlight.append(try await connection.send { .push(id: $0, mutations: batch.mutations) })
                after = batch.lastPosition
                continue
            }
            guard !inFlight.isEmpty else {
                if after == 0 { break }
                after = 0
                continue
            }
            let reply = try await connection.reply(to: inFlight.removeFirst())
            guard case .pushResult(_, let results) = reply else {
                throw ReplicaError("the server answered push with \(reply) instead of pushResult")
            }
            let tally: SyncTally
            (tally, taken) = try replica.applyPushResults(results, thenTake: batchSize, byteBudget: byteBudget, after: after)
            acknowledged += results.compactMap { $0.status == .applied || $0.status == .duplicate ? $0.seq : nil }
            report.pushed += tally.accepted
            report.merged += tally.merged
            report.newConflicts += tally.conflicts
            report.rejected += tally.rejected
        }
        return (sentAny, acknowledged)
    }

    /// Mutations and article bytes per push: this engine's, lowered to what the server said it takes.
    /// A quarter of the server's frame limit leaves room for the encoding (JSON can spell one byte
    /// of text in up to six); one mutation always goes, whatever its size.
    func pushSizes(for limits: PushLimits?) -> (mutations: Int, bytes: Int) {
        guard let limits else { return (pushBatchSize, pushByteBudget) }
        return (max(1, min(pushBatchSize, limits.mutations)), max(1, min(pushByteBudget, limits.frameBytes / 4)))
    }

    /// Compares this replica with the server: one `checksum` request, and a `manifest` only when the
    /// checksums differ, to name the articles that do.
    public func verify() async throws -> VerifyReport {
        let state = try replica.syncState()
        try replica.checkStoredArticles()
        let local = try replica.localDigest()
        return try await withGreetedConnection { connection, welcome in
            // Only said, not acted on: verify changes nothing here; the next sync downloads again.
            var serverReplaced = false
            if case .welcome(_, _, _, let epoch, let headSeq, _, _, _, let lastSeenHeld) = welcome {
                serverReplaced = state.isReplaced(epoch: epoch, headSeq: headSeq, lastSeenHeld: lastSeenHeld)
            }
            let reply = try await connection.request { .checksum(id: $0) }
            guard case .checksum(_, let checksum, let count, _) = reply else {
                throw ReplicaError("the server answered checksum with \(reply) instead of checksum")
            }
            if checksum == local.checksum { return VerifyReport(inSync: true, articles: count, differing: [], serverReplaced: serverReplaced) }
            let manifestReply = try await connection.request { .manifest(id: $0) }
            guard case .manifest(_, let entries) = manifestReply else {
                throw ReplicaError("the server answered manifest with \(manifestReply) instead of manifest")
            }
            let server = Dictionary(entries.map { ($0.id, $0.contentHash) }, uniquingKeysWith: { first, _ in first })
            let ids = Set(server.keys).union(local.entries.keys)
            let differing = ids.filter { server[$0] != local.entries[$0] }.sorted()
            let modified = try replica.locallyModifiedIDs()
            return VerifyReport(inSync: differing.isEmpty, articles: count, differing: differing,
                                changedHere: differing.filter(modified.contains), serverReplaced: serverReplaced)
        }
    }
}

/// What `verify` found.
public struct VerifyReport: Sendable, Equatable, Codable {
    public var inSync: Bool
    public var articles: Int
    /// Ids whose content differs, or that exist on one side only.
    public var differing: [String]
    /// Those of `differing` with local changes not yet accepted by the server (or in conflict):
    /// a sync, or settling the conflict, accounts for them.
    public var changedHere: [String] = []
    /// The server's database was replaced, or went back to an older copy, since this replica last
    /// synced (a new epoch, or a log that lacks the last change this replica received).
    public var serverReplaced = false
}
