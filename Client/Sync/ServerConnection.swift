import ArticleSyncShared
import Crypto
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// What the sync algorithm needs from a connection: send requests, and wait for their answers,
/// which come in the order the requests went out. Sending the next request before the answer to
/// the last one is read lets the server work while the client does (see SyncEngine.pull).
public protocol ServerRequester {
    /// Sends a request; `makeMessage` gets the request id to use, which is returned.
    mutating func send(_ makeMessage: (UInt64) -> ClientMessage) async throws -> UInt64
    /// Waits for the answer to request `id`. A server `error` answer is thrown as ``ServerRefusal``.
    mutating func reply(to id: UInt64) async throws -> ServerMessage
    /// What the server's `welcome` said about the pushes it takes (nil before it, or from an older server).
    var pushLimits: PushLimits? { get }
}

extension ServerRequester {
    /// Sends a request and waits for its answer.
    public mutating func request(_ makeMessage: (UInt64) -> ClientMessage) async throws -> ServerMessage {
        let id = try await send(makeMessage)
        return try await reply(to: id)
    }
}

/// One TLS connection to a sync server, checked by fingerprint or CA, speaking request/response:
/// every request waits for the answer with the same id.
public struct ServerConnection: ServerRequester {
    public typealias Channel = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    /// A connection that waits this long for an answer with nothing arriving is given up, with an
    /// error that says so. Without it a server that hung (or a network that silently dropped its
    /// packets) left `sync` waiting for ever, printing nothing. Every answer of a working server,
    /// even to a push of 500 articles on a busy disk, comes within seconds. Time the client spends
    /// on its own work with no request out (checkpointing a large download) does not count.
    public static let defaultSilenceLimit: Duration = .seconds(60)
    /// How long a TCP connection may take to be made before the attempt is given up.
    static let connectTimeoutSeconds: Int64 = 10

    /// Connects, runs `body` with the connection, and closes it whatever happens.
    public static func withConnection<Result: Sendable>(
        to address: ServerAddress,
        trust: ServerTrust,
        clientCertificate: ClientCertificate? = nil,
        maximumFrameLength: Int = FrameDecoder.defaultMaximumFrameLength,
        silenceLimit: Duration = defaultSilenceLimit,
        _ body: (inout ServerConnection) async throws -> Result
    ) async throws -> Result {
        let silence = SilenceWatch(limit: silenceLimit)
        return try await withChannel(to: address, trust: trust, clientCertificate: clientCertificate, maximumFrameLength: maximumFrameLength,
                                     silence: silence) { inbound, outbound in
            var connection = ServerConnection(iterator: inbound.makeAsyncIterator(), requests: ConnectionCodec(outbound: outbound), silence: silence)
            return try await body(&connection)
        }
    }

    /// Connects and runs `body` with the raw frame streams (for `sync --watch`, which also receives
    /// unasked `notify` messages, and tells a dead connection by its own pings); closes the
    /// connection whatever happens.
    public static func withChannel<Result: Sendable>(
        to address: ServerAddress,
        trust: ServerTrust,
        clientCertificate: ClientCertificate? = nil,
        maximumFrameLength: Int = FrameDecoder.defaultMaximumFrameLength,
        _ body: (NIOAsyncChannelInboundStream<ByteBuffer>, NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws -> Result
    ) async throws -> Result {
        // Never told of a request, so it never gives the connection up.
        try await withChannel(to: address, trust: trust, clientCertificate: clientCertificate, maximumFrameLength: maximumFrameLength,
                              silence: SilenceWatch(limit: defaultSilenceLimit), body)
    }

    static func withChannel<Result: Sendable>(
        to address: ServerAddress,
        trust: ServerTrust,
        clientCertificate: ClientCertificate?,
        maximumFrameLength: Int,
        silence: SilenceWatch,
        _ body: (NIOAsyncChannelInboundStream<ByteBuffer>, NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws -> Result
    ) async throws -> Result {
        let observedFingerprint = NIOLockedValueBox<String?>(nil)
        let tlsFailure = NIOLockedValueBox<(any Error)?>(nil)
        let heardFromServer = NIOLockedValueBox(false)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        switch trust {
        case .fingerprint:
            // The pin replaces chain and host name checks; the callback below is where it is enforced.
            tls.certificateVerification = .noHostnameVerification
            // No CA is consulted, so do not load the system's CA bundle: parsing it was a tenth of
            // the time of a sync with nothing to do.
            tls.trustRoots = .certificates([])
        case .certificateAuthority(let file):
            tls.certificateVerification = .fullVerification
            tls.trustRoots = .file(file)
        }
        let hostname = address.host
        try clientCertificate?.apply(to: &tls)
        let sslContext: NIOSSLContext
        do {
            sslContext = try NIOSSLContext(configuration: tls)
        } catch {
            throw clientCertificate?.mismatch(error) ?? ReplicaError("cannot set up TLS: \(error)")
        }

        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(Self.connectTimeoutSeconds))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
        let setUp: @Sendable (any NIOCore.Channel) -> EventLoopFuture<Channel> = { channel in
            channel.eventLoop.makeCompletedFuture {
                // Idle events come every quarter of the limit while nothing is read; the watch decides.
                try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: .nanoseconds(TimeAmount(silence.limit).nanoseconds / 4)))
                try channel.pipeline.syncOperations.addHandler(SilenceCloser(silence: silence))
                let handler: NIOSSLClientHandler
                if case .fingerprint(let pinned) = trust {
                    let expected = pinned.lowercased()
                    handler = try NIOSSLClientHandler(context: sslContext, serverHostname: nil) { certificates, promise in
                        let received = certificates.first.flatMap { try? Self.fingerprint(of: $0) }
                        observedFingerprint.withLockedValue { $0 = received }
                        promise.succeed(received == expected ? .certificateVerified : .failed)
                    }
                } else {
                    handler = try NIOSSLClientHandler(context: sslContext, serverHostname: hostname)
                }
                try channel.pipeline.syncOperations.addHandler(handler)
                try channel.pipeline.syncOperations.addHandler(TLSFailureRecorder(failure: tlsFailure, heardFromServer: heardFromServer))
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maximumFrameLength: maximumFrameLength)))
                try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(FrameEncoder()))
                return try Channel(wrappingChannelSynchronously: channel)
            }
        }
        let channel: Channel
        do {
            // An IP address needs no resolving; a host name goes through NIO's resolver thread and
            // Happy Eyeballs, which cost a short sync a few percent of its time.
            if let literal = try? SocketAddress(ipAddress: address.host, port: address.port) {
                channel = try await bootstrap.connect(to: literal, channelInitializer: setUp)
            } else {
                channel = try await bootstrap.connect(host: address.host, port: address.port, channelInitializer: setUp)
            }
        } catch {
            throw ReplicaError.connectFailure(error, to: address)
        }

        return try await channel.executeThenClose { inbound, outbound in
            do {
                return try await body(inbound, outbound)
            } catch let error as ServerRefusal {
                throw error
            } catch let error as CancellationError {
                throw error
            } catch {
                // Given up for silence, the request sees only a closed channel or a missing answer.
                if silence.fellSilent {
                    throw ReplicaError("the server at \(address) sent nothing for \(silence.limit.components.seconds) s, "
                        + "so the connection was given up: is the server stopped or overloaded, or is the network dropping packets? "
                        + "Nothing half-done was kept; run the command again.")
                }
                // A refused handshake closes the channel, and what the request sees may be only that
                // (a write to a closed channel, a reply that never came); the TLS error says why.
                let cause = tlsFailure.withLockedValue { $0 } ?? error
                // What failed here rather than on the way (the replica's database, say) is not a
                // connection problem, and "check the address" would send the person astray.
                guard Self.isConnectionFailure(cause) else { throw cause }
                // The server's data came through TLS before, so the address, the handshake and the
                // certificates were right; what ended it is the server (a kill shows as TLS's
                // uncleanShutdown) or the network.
                if heardFromServer.withLockedValue({ $0 }) {
                    // No "run it again" and no full stop: `sync --watch` adds "; retrying in …" itself.
                    throw ReplicaError("the connection to \(address) ended part way (\(cause)): the server stopped or "
                        + "restarted, or the network dropped it; everything received or acknowledged before that is kept")
                }
                throw Self.explain(cause, trust: trust, address: address, received: observedFingerprint.withLockedValue { $0 },
                                   hasClientCertificate: clientCertificate != nil)
            }
        }
    }

    /// Whether `error` comes from the connection itself: the socket, TLS, or framing.
    static func isConnectionFailure(_ error: any Error) -> Bool {
        isTLSFailure(error) || error is ChannelError || error is IOError || error is FrameError || error is ByteToMessageDecoderError
            || error is NIOAsyncWriterError
    }

    static func isTLSFailure(_ error: any Error) -> Bool {
        error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError
    }

    /// Turns a failed connection (usually a refused handshake) into a sentence that says what
    /// went wrong and what to do.
    static func explain(_ error: any Error, trust: ServerTrust, address: ServerAddress, received: String?, hasClientCertificate: Bool) -> ReplicaError {
        let server = "\(address)"
        if case .fingerprint(let pinned) = trust, let received, received != pinned.lowercased() {
            return ReplicaError("""
                the server's certificate has changed, so the connection was refused.
                  expected: \(pinned.lowercased())
                  received: \(received)
                If the server operator replaced its certificate on purpose, check the new fingerprint with them \
                (`articlesync-server fingerprint` on the server) and pin it: `articlesync remote trust \(received)`.
                """)
        }
        let text = "\(error)"
        // What came back is not a TLS record at all: another program on that port (a web server, say).
        // Before, this was BoringSSL's "WRONG_VERSION_NUMBER" with the client-certificate hint.
        if text.contains("WRONG_VERSION_NUMBER") {
            return ReplicaError("the program at \(server) answered, but not with TLS, so it is not an articlesync server (a web server, or "
                + "another program on that port?); check the port: the server prints its own at start (\"listening on HOST:PORT\"), and "
                + "`articlesync remote address HOST:PORT` points this replica at it")
        }
        if text.contains("CERTIFICATE_REQUIRED") {
            return ReplicaError("the server at \(server) requires a client certificate; make the replica with --client-cert and --client-key")
        }
        if hasClientCertificate && (text.contains("CERTIFICATE_UNKNOWN") || text.contains("UNKNOWN_CA") || text.contains("BAD_CERTIFICATE")) {
            return ReplicaError("the server at \(server) did not accept this replica's client certificate (\(text)); ask the operator which CA it trusts")
        }
        if case .certificateAuthority(let file) = trust {
            if let hostnameError = error as? NIOSSLExtraError, hostnameError == .failedToValidateHostname {
                return ReplicaError("the server's certificate does not name the host \(address.host); connect with the name the certificate carries (\(text))")
            }
            if let sslError = error as? NIOSSLError, case .handshakeFailed = sslError {
                return ReplicaError("the server's certificate could not be verified: it must chain to the CA in \(file) and name the host \(address.host) (\(text))")
            }
        }
        // A server that refuses this client's certificate (or the lack of one) may hang up before its
        // alert is read, which arrives here as a closed channel.
        let hint = hasClientCertificate ? "" : " If the server requires client certificates, make the replica with --client-cert and --client-key."
        return ReplicaError("the connection to \(server) failed: \(text); check the address and try `articlesync sync` again.\(hint)")
    }

    static func fingerprint(of certificate: NIOSSLCertificate) throws -> String {
        CertificateFingerprint.of(der: try certificate.toDERBytes())
    }

    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    var requests: ConnectionCodec
    let silence: SilenceWatch
    public var pushLimits: PushLimits? { requests.pushLimits }

    public mutating func send(_ makeMessage: (UInt64) -> ClientMessage) async throws -> UInt64 {
        silence.requestSent()
        do {
            return try await requests.send(makeMessage)
        } catch let error where error is IOError || (error as? ChannelError).map({ $0 == .ioOnClosedChannel || $0 == .alreadyClosed }) == true {
            // A server that ends the connection says why first (an `error` answering an earlier
            // request: a store failure, a limit). With two pushes on their way that answer is not
            // read yet when the next send finds the connection closed, and it beats "I/O on closed channel".
            throw await errorSentBeforeClosing() ?? error
        }
    }

    /// The `error` the server sent before it closed the connection, if any. The connection is
    /// closed, so this reads only the frames that arrived before, and ends.
    mutating func errorSentBeforeClosing() async -> ServerRefusal? {
        while let frame = try? await iterator.next() {
            if case .error(_, let code, let message) = try? requests.decode(frame) { return ServerRefusal(code: code, message: message) }
        }
        return nil
    }

    public mutating func reply(to id: UInt64) async throws -> ServerMessage {
        while true {
            guard let frame = try await iterator.next() else {
                throw ReplicaError("the server closed the connection before answering; try `articlesync sync` again")
            }
            let reply = try requests.decode(frame)
            // Unasked messages (notify) are not answers; an error without an id ends the connection.
            if reply.requestID == nil, case .notify = reply { continue }
            if case .error(_, let code, let message) = reply { throw ServerRefusal(code: code, message: message) }
            guard reply.requestID == id else {
                throw ReplicaError("the server answered request \(reply.requestID.map(String.init) ?? "?") while request \(id) was due; is it an ArticleSync server of a compatible version?")
            }
            requests.adopt(reply)
            silence.answerRead()
            return reply
        }
    }

    /// Waits for the next unasked `notify` (after `subscribe`) and returns its head seq.
    public mutating func nextNotification() async throws -> Int64 {
        while let frame = try await iterator.next() {
            if case .notify(nil, let head) = try requests.decode(frame) { return head }
        }
        throw ReplicaError("the server closed the connection")
    }
}

/// Keeps the first TLS error the handler before it reports (a refused handshake), which can reach
/// the request that triggered it only as a closed channel; and notes whether the server's data ever
/// came through TLS, after which a closed channel is the server or the network going away, not a
/// connection that could not be made.
final class TLSFailureRecorder: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let failure: NIOLockedValueBox<(any Error)?>
    let heardFromServer: NIOLockedValueBox<Bool>

    init(failure: NIOLockedValueBox<(any Error)?>, heardFromServer: NIOLockedValueBox<Bool>) {
        self.failure = failure
        self.heardFromServer = heardFromServer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        heardFromServer.withLockedValue { $0 = true }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if ServerConnection.isTLSFailure(error) {
            failure.withLockedValue { if $0 == nil { $0 = error } }
        }
        context.fireErrorCaught(error)
    }
}

/// How a client decides it talks to the right server.
public enum ServerTrust: Sendable, Equatable {
    /// The SHA-256 fingerprint (`sha256:<hex>`) of the server's certificate, like ssh's known hosts.
    case fingerprint(String)
    /// A CA file (PEM): the server's certificate must chain to it and name the host dialled.
    case certificateAuthority(file: String)
}

/// The server answered with an `error` message.
public struct ServerRefusal: Error, Sendable, CustomStringConvertible {
    public var code: ProtocolErrorCode
    public var message: String

    /// Whether asking again cannot help until a person acts: a token that is wrong or revoked, a
    /// collection that is gone, a protocol version the server does not speak, a push a read-only
    /// token may not make. The rest (limits, a server failure) may pass.
    public var isPermanent: Bool {
        [.unauthorized, .unknownCollection, .unsupportedVersion, .forbidden].contains(code)
    }

    public var description: String {
        switch code {
        // Not a refusal of anything this replica sent, and nothing of it is lost: each pulled batch
        // and each push answer is applied in one transaction, and unanswered edits stay queued.
        case .internalError: "\(message) (\(code.rawValue)). Edits the server has not accepted stay queued here for the next sync."
        case .unauthorized: "the server refused (\(code.rawValue)): \(message); then `articlesync remote token --token-file FILE` puts the new token in this replica"
        default: "the server refused (\(code.rawValue)): \(message)"
        }
    }
}
