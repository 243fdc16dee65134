import NIOCore

/// Closes a connection that the `IdleStateHandler` in front of it reports idle.
final class IdleConnectionCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

/// Closes a connection that has not finished its TLS handshake and sent a whole first frame (its
/// `hello`) in time. Sits after the frame decoder, so the first frame it sees is a complete one.
/// A deadline on the handshake alone let a peer that never shows a token hold a connection slot
/// for good, by sending a byte of a frame now and then within the idle timeout: 50 such peers
/// kept a server with `--max-connections 50` refusing everyone else.
final class HelloDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var sawFirstFrame = false

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !sawFirstFrame {
            sawFirstFrame = true
            deadline?.cancel()
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard deadline == nil, !sawFirstFrame else { return }
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }
}

/// A token bucket: `rate` requests per second sustained, bursts up to `rate`.
struct RequestRateLimiter {
    let rate: Double
    private var tokens: Double
    private var last: NIODeadline

    init(requestsPerSecond: Int) {
        rate = Double(max(1, requestsPerSecond))
        tokens = rate
        last = .now()
    }

    /// Takes one token; false when the connection is over its rate.
    mutating func admit(now: NIODeadline = .now()) -> Bool {
        let elapsed = Double((now - last).nanoseconds) / 1_000_000_000
        last = now
        tokens = min(rate, tokens + elapsed * rate)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
