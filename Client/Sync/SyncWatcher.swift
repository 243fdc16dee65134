import ArticleSyncShared
import NIOConcurrencyHelpers
import NIOCore

/// What `sync --watch` reports as it goes.
public enum WatchEvent: Sendable {
    case connected(server: String)
    case synced(SyncReport)
    case disconnected(reason: String, retryIn: Duration)
}

/// `sync --watch`: stays connected, pulls when the server announces a change, pushes local edits
/// (made by any process on this replica) as they are made, and reconnects with exponential backoff
/// and jitter when the server goes away. Runs until its task is cancelled, or until the server
/// refuses this replica in a way no retry mends (see `ServerRefusal.isPermanent`).
public struct SyncWatcher: Sendable {
    public var engine: SyncEngine
    /// How often the replica is checked for edits made by other processes (SQLite's
    /// `PRAGMA data_version`, one cheap read; no file watching, no busy loop).
    public var tick: Duration = .milliseconds(10)
    /// A silent connection is probed with `ping` this often; no answer within twice that ends it.
    public var heartbeat: Duration = .seconds(10)
    public var initialBackoff: Duration = .milliseconds(200)
    public var maximumBackoff: Duration = .seconds(30)

    public init(engine: SyncEngine) { self.engine = engine }

    /// Returns nil when cancelled, or the refusal that ended the watch.
    @discardableResult
    public func run(onEvent: @escaping @Sendable (WatchEvent) -> Void) async -> ServerRefusal? {
        var backoff = initialBackoff
        var generator = SystemRandomNumberGenerator()
        while !Task.isCancelled {
            let connected = NIOLockedValueBox(false)
            do {
                try await session(onEvent: onEvent, connected: connected)
            } catch is CancellationError {
                return nil
            } catch {
                if Task.isCancelled { return nil }
                // Retrying a revoked token every 30 s for ever helps no one.
                if let refusal = error as? ServerRefusal, refusal.isPermanent { return refusal }
                if connected.withLockedValue({ $0 }) { backoff = initialBackoff }
                // Jitter spreads the reconnects of many clients after a server restart.
                let wait = backoff * Double.random(in: 0.5...1.5, using: &generator)
                onEvent(.disconnected(reason: "\(ReplicaError.explaining(error))", retryIn: wait))
                do { try await Task.sleep(for: wait) } catch { return nil }
                backoff = min(backoff * 2, maximumBackoff)
            }
        }
        return nil
    }

    func session(onEvent: @escaping @Sendable (WatchEvent) -> Void, connected: NIOLockedValueBox<Bool>) async throws {
        let replica = engine.replica
        let directory = engine.directory
        let state = try replica.syncState()
        let token = try directory.readToken()
        let (tick, heartbeat) = (self.tick, self.heartbeat)
        try await ServerConnection.withChannel(
            to: try ServerAddress(parsing: state.server), trust: directory.serverTrust(state), clientCertificate: directory.clientCertificate
        ) { inbound, outbound in
            let (events, sink) = AsyncStream<LinkEvent>.makeStream()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        for try await frame in inbound { sink.yield(.frame(frame)) }
                        sink.yield(.closed("closed by the server"))
                    } catch {
                        sink.yield(.closed("\(error)"))
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: tick)
                        sink.yield(.tick)
                    }
                }
                defer { group.cancelAll() }

                var link = WatchLink(requests: ConnectionCodec(outbound: outbound), events: events.makeAsyncIterator(), replyTimeout: heartbeat * 2)
                var report = SyncReport()
                let head = try await engine.hello(&link, state: state, token: token, into: &report)
                try await engine.exchange(&link, headSeq: head, into: &report)
                try engine.finish(&report)
                // The answer carries the head as of subscribing: whatever was pushed since the exchange
                // above is pulled at the first tick.
                guard case .notify(_, let subscribedHead) = try await link.request({ .subscribe(id: $0) }) else {
                    throw ReplicaError("the server did not accept the subscription")
                }
                link.announcedHead = max(link.announcedHead, subscribedHead)
                connected.withLockedValue { $0 = true }
                onEvent(.connected(server: state.server))
                onEvent(.synced(report))

                var seenVersion = try replica.dataVersion()
                var lastPing = ContinuousClock.now
                // Every event is a chance to act: a notification is pulled at once, a local edit is
                // seen at the next tick.
                while try await link.next() != nil {
                    let version = try replica.dataVersion()
                    let cursor = try replica.syncState().cursor
                    let localEdit = version != seenVersion
                    seenVersion = version
                    if link.announcedHead > cursor || (localEdit && !report.readOnly) {
                        var round = SyncReport()
                        round.readOnly = report.readOnly
                        try await engine.exchange(&link, headSeq: link.announcedHead, into: &round)
                        try engine.finish(&round)
                        seenVersion = try replica.dataVersion()
                        if round.pulled + round.pushed + round.merged + round.newConflicts + round.rejected > 0 { onEvent(.synced(round)) }
                    }
                    if ContinuousClock.now - link.lastHeard > heartbeat && ContinuousClock.now - lastPing > heartbeat {
                        lastPing = .now
                        _ = try await link.request { .ping(id: $0) }
                    }
                }
            }
        }
    }
}

extension Duration {
    static func * (lhs: Duration, rhs: Double) -> Duration {
        .nanoseconds(Int64(Double(lhs.components.seconds) * 1e9 * rhs + Double(lhs.components.attoseconds) / 1e9 * rhs))
    }
}
