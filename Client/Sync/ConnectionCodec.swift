import ArticleSyncShared
import NIOCore

/// The client's side of the protocol on one connection, shared by plain syncs (`ServerConnection`)
/// and watch mode (`WatchLink`): numbers requests, writes them in the encoding the server chose,
/// and reads its frames.
struct ConnectionCodec {
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    /// JSON until the server's `welcome` names another encoding.
    private(set) var codec = MessageCodec()
    private var nextRequestID: UInt64 = 1
    /// From the server's `welcome`.
    private(set) var pushLimits: PushLimits?

    init(outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.outbound = outbound
    }

    /// Sends a request; `makeMessage` gets the request id to use, which is returned.
    mutating func send(_ makeMessage: (UInt64) -> ClientMessage) async throws -> UInt64 {
        let id = nextRequestID
        nextRequestID += 1
        try await outbound.write(try codec.encode(makeMessage(id)))
        return id
    }

    /// Switches encoding if `answer` is a `welcome` that names one, and keeps its push limits.
    mutating func adopt(_ answer: ServerMessage) {
        codec.adopt(answer)
        if case .welcome(_, _, _, _, _, _, _, let limits, _) = answer { pushLimits = limits }
    }

    /// Decodes a frame from the server.
    func decode(_ frame: ByteBuffer) throws -> ServerMessage {
        do {
            return try codec.decodeServerMessage(frame)
        } catch {
            throw ReplicaError("the server sent a message this client cannot read (\(error.reason)); is it an ArticleSync server of a compatible version?")
        }
    }
}
