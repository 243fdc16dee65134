import NIOConcurrencyHelpers
import NIOCore

/// Whether a connection waits for answers, and since when nothing has arrived: what decides that
/// the server fell silent. The connection tells it of requests and answers; `SilenceCloser`, on the
/// event loop, of every read and of idle spells.
final class SilenceWatch: Sendable {
    private struct State {
        var waiting = 0
        var lastHeard = NIODeadline.now()
        var fellSilent = false
    }

    let limit: Duration
    private let state = NIOLockedValueBox(State())

    init(limit: Duration) { self.limit = limit }

    var fellSilent: Bool { state.withLockedValue { $0.fellSilent } }

    func requestSent() {
        state.withLockedValue { state in
            // Silence counts from the first request out, not from the last byte before it.
            if state.waiting == 0 { state.lastHeard = .now() }
            state.waiting += 1
        }
    }

    func answerRead() { state.withLockedValue { $0.waiting = max(0, $0.waiting - 1) } }

    func heard() { state.withLockedValue { $0.lastHeard = .now() } }

    /// Whether the connection has waited for an answer, hearing nothing, for the limit.
    func shouldGiveUp(now: NIODeadline = .now()) -> Bool {
        state.withLockedValue { state in
            guard state.waiting > 0, now - state.lastHeard >= TimeAmount(limit) else { return false }
            state.fellSilent = true
            return true
        }
    }
}

/// Closes the connection when its `SilenceWatch` says the server fell silent, asked at every idle
/// spell the `IdleStateHandler` in front of it reports; every read counts as hearing from it.
final class SilenceCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny
    let silence: SilenceWatch

    init(silence: SilenceWatch) {
        self.silence = silence
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        silence.heard()
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            if silence.shouldGiveUp() { context.close(promise: nil) }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
