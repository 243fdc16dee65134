import ArticleSyncShared
import Crypto
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// A TLS connection to the server that sends whatever bytes a test wants, no protocol rules
/// applied, and collects what the server sends back until it closes the connection.
enum RawTLSClient {
    /// Sends `bytes` after the handshake, then reads until the server closes (at most `timeout`).
    /// Returns the server's messages, decoded from the frames it sent. With `closeAfterSending` the
    /// client hangs up at once instead (a frame cut off by the peer), and nothing is read.
    static func exchange(_ bytes: [UInt8], port: Int, fingerprint: String, closeAfterSending: Bool = false,
                         timeout: TimeAmount = .seconds(10)) async throws -> (messages: [ServerMessage], closedByServer: Bool) {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .noHostnameVerification
        let context = try NIOSSLContext(configuration: tls)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = try NIOSSLClientHandler(context: context, serverHostname: nil) { certificates, promise in
                        let received = certificates.first.flatMap { try? CertificateFingerprint.of(der: $0.toDERBytes()) }
                        promise.succeed(received == fingerprint ? .certificateVerified : .failed)
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: bytes))
            if closeAfterSending {
                try? await channel.channel.close()
                return ([], true)
            }
            let outcome: ByteBuffer? = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
                group.addTask {
                    var received = ByteBuffer()
                    do {
                        for try await var chunk in inbound { received.writeBuffer(&chunk) }
                    } catch {
                        // A reset or TLS close is still "closed by the server".
                    }
                    return received
                }
                group.addTask {
                    try await Task.sleep(for: .nanoseconds(timeout.nanoseconds))
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first
            }
            return (outcome.map(decodeFrames) ?? [], outcome != nil)
        }
    }

    static func decodeFrames(_ buffer: ByteBuffer) -> [ServerMessage] {
        var buffer = buffer
        var messages: [ServerMessage] = []
        // JSON until a welcome names another encoding, as a real client reads.
        var codec = MessageCodec()
        while let length = buffer.readInteger(as: UInt32.self), let payload = buffer.readSlice(length: Int(length)) {
            if let message = try? codec.decodeServerMessage(payload) {
                messages.append(message)
                codec.adopt(message)
            }
        }
        return messages
    }

    static func frame(_ text: String) -> [UInt8] { frame(Array(text.utf8)) }

    static func frame(_ payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        let length = UInt32(payload.count)
        bytes += [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
        return bytes + payload
    }

    /// The error codes among `messages`.
    static func errorCodes(_ messages: [ServerMessage]) -> [ProtocolErrorCode] {
        messages.compactMap { if case .error(_, let code, _) = $0 { code } else { nil } }
    }

    static func errorText(_ messages: [ServerMessage]) -> String {
        messages.compactMap { if case .error(_, _, let message) = $0 { message } else { nil } }.joined(separator: " | ")
    }
}
