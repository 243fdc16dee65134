import NIOCore

/// Splits the byte stream into frames: a 4-byte big-endian length, then that many payload bytes.
///
/// The length is peeked, never consumed, until the whole frame is there, and it is checked against
/// `maximumFrameLength` (`firstFrameLimit` for the first frame) before a single payload byte is
/// buffered: a peer announcing 4 GiB costs four bytes of memory, not four gigabytes.
public struct FrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = ByteBuffer

    /// 16 MiB: a pull batch of a few thousand realistic articles fits with room to spare.
    public static let defaultMaximumFrameLength = 16 * 1024 * 1024
    public static let headerLength = 4

    public let maximumFrameLength: Int
    /// The limit of the first frame, when it is lower. A server reads its peer's first frame (the
    /// `hello`, a few hundred bytes) before the peer has shown a token; without this any peer that
    /// finished a TLS handshake could make it hold a whole frame's worth of memory per connection.
    public let firstFrameLimit: Int
    private var limit: Int

    public init(maximumFrameLength: Int = FrameDecoder.defaultMaximumFrameLength, firstFrameLimit: Int? = nil) {
        self.maximumFrameLength = maximumFrameLength
        self.firstFrameLimit = min(firstFrameLimit ?? maximumFrameLength, maximumFrameLength)
        limit = self.firstFrameLimit
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try nextFrame(&buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        if let frame = try nextFrame(&buffer) {
            context.fireChannelRead(Self.wrapInboundOut(frame))
            return .continue
        }
        if buffer.readableBytes > 0 {
            let missing = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self).map { Int($0) + Self.headerLength - buffer.readableBytes }
            buffer.moveReaderIndex(to: buffer.writerIndex)
            throw FrameError.truncated(missingBytes: missing)
        }
        return .needMoreData
    }

    /// The next complete frame, or nil when more bytes are needed.
    mutating func nextFrame(_ buffer: inout ByteBuffer) throws(FrameError) -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard Int(length) <= limit else {
            throw FrameError.tooLarge(length: Int(length), limit: limit)
        }
        guard buffer.readableBytes >= Self.headerLength + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: Self.headerLength)
        guard let frame = buffer.readSlice(length: Int(length)) else { return nil }
        limit = maximumFrameLength
        return frame
    }
}

/// Writes each outbound payload as one frame.
public struct FrameEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = ByteBuffer

    public init() {}

    public func encode(data: ByteBuffer, out: inout ByteBuffer) throws {
        guard let length = UInt32(exactly: data.readableBytes) else {
            throw FrameError.tooLarge(length: data.readableBytes, limit: Int(UInt32.max))
        }
        out.reserveCapacity(FrameDecoder.headerLength + data.readableBytes)
        out.writeInteger(length)
        out.writeImmutableBuffer(data)
    }
}

/// Framing failures. Both close the connection; `tooLarge` is answered with `frame_too_large` first.
public enum FrameError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooLarge(length: Int, limit: Int)
    case truncated(missingBytes: Int?)

    public var description: String {
        switch self {
        case .tooLarge(let length, let limit):
            "a frame of \(length) bytes is over the \(limit)-byte limit"
        case .truncated(let missing):
            "the connection closed in the middle of a frame" + (missing.map { " (\($0) bytes missing)" } ?? "")
        }
    }
}
