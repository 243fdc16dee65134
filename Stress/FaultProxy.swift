import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// What the proxy does to traffic. Every decision comes from one seeded generator, so a run with
/// the same seed makes the same choices for the same sequence of connections and chunks.
public struct FaultPlan: Sendable {
    /// Chance that a direction of a connection is cut after a random number of bytes.
    public var cutProbability: Double
    /// Cut offsets are drawn from 0..<maximumCutOffset.
    public var maximumCutOffset: Int
    /// Chance that a chunk from the server is dropped and the connection closed: the server has
    /// committed what it is answering, the client never hears it.
    public var dropReplyProbability: Double
    /// Each chunk waits up to this long before it is forwarded.
    public var maximumDelayMilliseconds: Int
    public var seed: UInt64

    public init(cutProbability: Double = 0.3, maximumCutOffset: Int = 4000, dropReplyProbability: Double = 0.1,
                maximumDelayMilliseconds: Int = 20, seed: UInt64 = 1) {
        self.cutProbability = cutProbability
        self.maximumCutOffset = maximumCutOffset
        self.dropReplyProbability = dropReplyProbability
        self.maximumDelayMilliseconds = maximumDelayMilliseconds
        self.seed = seed
    }

    /// Passes everything through untouched.
    public static let none = FaultPlan(cutProbability: 0, dropReplyProbability: 0, maximumDelayMilliseconds: 0)
}

/// What the proxy did, for the report.
public struct FaultCounts: Sendable, Equatable {
    public var connections = 0
    public var cuts = 0
    public var droppedReplies = 0
    public var delayedChunks = 0
}

/// A TCP proxy on 127.0.0.1 that sits between clients and the server and breaks connections on
/// purpose: cut at random byte offsets, delayed, or with the server's answer dropped after the
/// server committed. It relays bytes blindly, so TLS passes through it end to end.
public final class FaultProxy: Sendable {
    typealias Connection = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    public let port: Int
    private let listener: NIOAsyncChannel<Connection, Never>
    private let state: NIOLockedValueBox<(plan: FaultPlan, random: SplitMix, counts: FaultCounts)>
    private let upstreamPort: Int

    /// Starts listening on a free loopback port and forwards to `upstreamPort` on 127.0.0.1.
    public init(upstreamPort: Int, plan: FaultPlan) async throws {
        self.upstreamPort = upstreamPort
        state = NIOLockedValueBox((plan, SplitMix(seed: plan.seed), FaultCounts()))
        listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture { try Connection(wrappingChannelSynchronously: channel) }
            }
        port = listener.channel.localAddress?.port ?? 0
    }

    public var counts: FaultCounts { state.withLockedValue { $0.counts } }

    /// Changes the faults for connections and chunks from now on.
    public func setPlan(_ plan: FaultPlan) { state.withLockedValue { $0.plan = plan } }

    /// Accepts and relays until `close()`.
    public func run() async {
        await withDiscardingTaskGroup { group in
            do {
                try await listener.executeThenClose { inbound in
                    for try await client in inbound {
                        group.addTask { await self.relay(client) }
                    }
                }
            } catch {
                // Closed: the run is over.
            }
            group.cancelAll()
        }
    }

    public func close() async {
        try? await listener.channel.close()
    }

    private func relay(_ client: Connection) async {
        state.withLockedValue { $0.counts.connections += 1 }
        let upstream: Connection
        do {
            upstream = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: upstreamPort) { channel in
                    channel.eventLoop.makeCompletedFuture { try Connection(wrappingChannelSynchronously: channel) }
                }
        } catch {
            try? await client.channel.close()
            return
        }
        let (toServerBudget, toClientBudget) = state.withLockedValue { value -> (Int, Int) in
            func budget() -> Int {
                guard value.random.nextDouble() < value.plan.cutProbability else { return .max }
                return Int(value.random.next() % UInt64(max(1, value.plan.maximumCutOffset)))
            }
            return (budget(), budget())
        }
        try? await client.executeThenClose { clientIn, clientOut in
            try await upstream.executeThenClose { serverIn, serverOut in
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await self.pump(clientIn, to: serverOut, budget: toServerBudget, fromServer: false) }
                    group.addTask { await self.pump(serverIn, to: clientOut, budget: toClientBudget, fromServer: true) }
                    // When one direction ends, the connection is over in both.
                    await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    private func pump(_ source: NIOAsyncChannelInboundStream<ByteBuffer>, to sink: NIOAsyncChannelOutboundWriter<ByteBuffer>, budget: Int, fromServer: Bool) async {
        var remaining = budget
        do {
            for try await var chunk in source {
                let (delay, drop) = state.withLockedValue { value -> (Int, Bool) in
                    let delay = value.plan.maximumDelayMilliseconds > 0 ? Int(value.random.next() % UInt64(value.plan.maximumDelayMilliseconds + 1)) : 0
                    let drop = fromServer && value.random.nextDouble() < value.plan.dropReplyProbability
                    if delay > 0 { value.counts.delayedChunks += 1 }
                    if drop { value.counts.droppedReplies += 1 }
                    return (delay, drop)
                }
                if drop { return }
                if delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
                if chunk.readableBytes >= remaining {
                    if let head = chunk.readSlice(length: remaining), head.readableBytes > 0 { try await sink.write(head) }
                    state.withLockedValue { $0.counts.cuts += 1 }
                    return
                }
                if remaining != .max { remaining -= chunk.readableBytes }
                try await sink.write(chunk)
            }
        } catch {
            // A closed side ends the relay.
        }
    }
}

/// SplitMix64: tiny, fast, and the same on every machine.
public struct SplitMix: Sendable {
    var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func nextDouble() -> Double { Double(next() >> 11) / Double(1 << 53) }

    public mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
}
