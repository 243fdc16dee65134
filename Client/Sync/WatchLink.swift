import ArticleSyncShared
import NIOCore

/// What happens on a watched connection, in the order it happens: frames from the server, the
/// watcher's own clock ticks, and the end of the connection.
enum LinkEvent: Sendable {
    case frame(ByteBuffer)
    case tick
    case closed(String)
}

/// A connection in watch mode: requests are answered as usual, while `notify` messages may arrive
/// at any time in between. Frames and clock ticks come through one event stream, so waiting for an
/// answer, for a notification or for a local edit is all one loop with no cancelled reads.
struct WatchLink: ServerRequester {
    var requests: ConnectionCodec
    var events: AsyncStream<LinkEvent>.Iterator
    /// How long to wait for an answer before the connection counts as dead.
    let replyTimeout: Duration
    /// The highest head seq a `notify` announced and no pull has covered yet.
    var announcedHead: Int64 = 0
    var lastHeard = ContinuousClock.now
    var pushLimits: PushLimits? { requests.pushLimits }

    mutating func send(_ makeMessage: (UInt64) -> ClientMessage) async throws -> UInt64 {
        try await requests.send(makeMessage)
    }

    mutating func reply(to id: UInt64) async throws -> ServerMessage {
        let deadline = ContinuousClock.now + replyTimeout
        while let event = await events.next() {
            switch event {
            case .frame(let frame):
                let message = try receive(frame)
                if message.requestID == id {
                    requests.adopt(message)
                    return message
                }
            case .tick:
                if ContinuousClock.now > deadline {
                    throw ReplicaError("the server did not answer for \(replyTimeout); reconnecting")
                }
            case .closed(let reason):
                throw ReplicaError("the connection to the server ended (\(reason))")
            }
        }
        throw CancellationError()
    }

    /// The next event while idle; frames are taken in (notifications noted), ticks passed on.
    mutating func next() async throws -> LinkEvent? {
        guard let event = await events.next() else { return nil }
        switch event {
        case .frame(let frame):
            _ = try receive(frame)
            return .frame(frame)
        case .closed(let reason):
            throw ReplicaError("the connection to the server ended (\(reason))")
        case .tick:
            return .tick
        }
    }

    /// Decodes a frame; notes notifications; throws server errors.
    mutating func receive(_ frame: ByteBuffer) throws -> ServerMessage {
        lastHeard = .now
        let message = try requests.decode(frame)
        switch message {
        case .notify(nil, let head):
            announcedHead = max(announcedHead, head)
        case .error(_, let code, let text):
            throw ServerRefusal(code: code, message: text)
        default:
            break
        }
        return message
    }
}
