import NIOConcurrencyHelpers

/// Fan-out of "the collection's head moved" to every subscribed connection of this server.
///
/// Each subscriber keeps only the newest head (a slow reader skips heads, never falls behind),
/// so one stalled connection cannot make the server buffer without bound.
public final class ChangeNotifier: Sendable {
    private struct Subscriber {
        var collectionID: Int64
        var continuation: AsyncStream<Int64>.Continuation
    }

    private let subscribers = NIOLockedValueBox<[Int: Subscriber]>([:])
    private let nextID = NIOLockedValueBox(0)

    public init() {}

    /// A stream of head seqs for `collectionID`, until `unsubscribe(token)`.
    func subscribe(collectionID: Int64) -> (token: Int, heads: AsyncStream<Int64>) {
        let (stream, continuation) = AsyncStream<Int64>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let token = nextID.withLockedValue { value in
            value += 1
            return value
        }
        subscribers.withLockedValue { $0[token] = Subscriber(collectionID: collectionID, continuation: continuation) }
        return (token, stream)
    }

    func unsubscribe(_ token: Int) {
        subscribers.withLockedValue { $0.removeValue(forKey: token) }?.continuation.finish()
    }

    /// Tells every subscriber of the collection, except the connection whose push it was.
    func publish(collectionID: Int64, headSeq: Int64, except origin: Int? = nil) {
        let targets = subscribers.withLockedValue { all in
            all.filter { $0.key != origin && $0.value.collectionID == collectionID }.map(\.value.continuation)
        }
        for continuation in targets { continuation.yield(headSeq) }
    }
}
