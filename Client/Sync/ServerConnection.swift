import ArticleSyncShared
import Crypto
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// One TLS connection to a sync server, pinned to a certificate fingerprint, speaking
/// request/response: every request waits for the answer with the same id.
public struct ServerConnection {
    typealias Channel = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    /// Connects, runs `body` with the connection, and closes it whatever happens.
    public static func withConnection<Result: Sendable>(
        to address: ServerAddress,
        pinnedFingerprint: String,
        maximumFrameLength: Int = FrameDecoder.defaultMaximumFrameLength,
        _ body: (inout ServerConnection) async throws -> Result
    ) async throws -> Result {
        let observedFingerprint = NIOLockedValueBox<String?>(nil)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        // The pin replaces chain and host name checks; the callback below is where it is enforced.
        tls.certificateVerification = .noHostnameVerification
        let sslContext = try NIOSSLContext(configuration: tls)
        let expected = pinnedFingerprint.lowercased()

        let channel: Channel
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(10))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: address.host, port: address.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handler = try NIOSSLClientHandler(context: sslContext, serverHostname: nil) { certificates, promise in
                            let received = certificates.first.flatMap { try? Self.fingerprint(of: $0) }
                            observedFingerprint.withLockedValue { $0 = received }
                            promise.succeed(received == expected ? .certificateVerified : .failed)
                        }
                        try channel.pipeline.syncOperations.addHandler(handler)
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maximumFrameLength: maximumFrameLength)))
                        try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(FrameEncoder()))
                        return try Channel(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw ReplicaError("cannot connect to \(address.host):\(address.port): \(error); is the server running (`articlesync-server serve`)?")
        }

        return try await channel.executeThenClose { inbound, outbound in
            var connection = ServerConnection(iterator: inbound.makeAsyncIterator(), outbound: outbound)
            do {
                return try await body(&connection)
            } catch let error as NIOSSLError {
                if let received = observedFingerprint.withLockedValue({ $0 }), received != expected {
                    throw ReplicaError("""
                        the server's certificate has changed, so the connection was refused.
                          expected: \(expected)
                          received: \(received)
                        If the server operator replaced its certificate on purpose, check the new fingerprint with them \
                        (`articlesync-server fingerprint` on the server) and pin it: `articlesync remote trust \(received)`.
                        """)
                }
                throw ReplicaError("the TLS handshake with \(address.host):\(address.port) failed: \(error)")
            }
        }
    }

    static func fingerprint(of certificate: NIOSSLCertificate) throws -> String {
        "sha256:" + SHA256.hash(data: try certificate.toDERBytes()).hexString
    }

    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let codec = MessageCodec()
    var nextRequestID: UInt64 = 1

    /// Sends one request and waits for its answer. A server `error` becomes a thrown ``ReplicaError``.
    public mutating func request(_ makeMessage: (UInt64) -> ClientMessage) async throws -> ServerMessage {
        let id = nextRequestID
        nextRequestID += 1
        try await outbound.write(try codec.encode(makeMessage(id)))
        guard let frame = try await iterator.next() else {
            throw ReplicaError("the server closed the connection before answering; try `articlesync sync` again")
        }
        let reply: ServerMessage
        do {
            reply = try codec.decodeServerMessage(frame)
        } catch {
            throw ReplicaError("the server sent a message this client cannot read (\(error.reason)); is it an ArticleSync server of a compatible version?")
        }
        if case .error(_, let code, let message) = reply {
            throw ServerRefusal(code: code, message: message)
        }
        return reply
    }
}

/// The server answered with an `error` message.
public struct ServerRefusal: Error, Sendable, CustomStringConvertible {
    public var code: ProtocolErrorCode
    public var message: String
    public var description: String { "the server refused (\(code.rawValue)): \(message)" }
}
