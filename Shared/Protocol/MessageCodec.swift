import Foundation
import NIOCore

/// Turns messages into frame payloads and back. The one place that knows the payload is JSON, so a
/// binary encoding can be negotiated in `hello` later without touching the server or client logic.
public struct MessageCodec: Sendable {
    public init() {}

    public func encode(_ message: ClientMessage, allocator: ByteBufferAllocator = .init()) throws -> ByteBuffer {
        try encodeValue(message, allocator: allocator)
    }

    public func encode(_ message: ServerMessage, allocator: ByteBufferAllocator = .init()) throws -> ByteBuffer {
        try encodeValue(message, allocator: allocator)
    }

    public func decodeClientMessage(_ payload: ByteBuffer) throws(MessageDecodingError) -> ClientMessage {
        try decodeValue(ClientMessage.self, payload)
    }

    public func decodeServerMessage(_ payload: ByteBuffer) throws(MessageDecodingError) -> ServerMessage {
        try decodeValue(ServerMessage.self, payload)
    }

    private func encodeValue(_ value: some Encodable, allocator: ByteBufferAllocator) throws -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return allocator.buffer(bytes: try encoder.encode(value))
    }

    private func decodeValue<Value: Decodable>(_ type: Value.Type, _ payload: ByteBuffer) throws(MessageDecodingError) -> Value {
        let bytes = payload.readableBytesView
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw MessageDecodingError(reason: "the frame is not valid UTF-8")
        }
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch let error as DecodingError {
            throw MessageDecodingError(reason: Self.describe(error))
        } catch {
            throw MessageDecodingError(reason: "the frame is not a JSON message: \(error)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? "" : " at \(path)"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing field \"\(key.stringValue)\"\(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "wrong type\(path(context)): \(context.debugDescription)"
        case .dataCorrupted(let context): return "\(context.debugDescription)\(path(context))"
        @unknown default: return "\(error)"
        }
    }
}

/// A frame that is not a message of this protocol; `reason` is safe to send back to the peer.
public struct MessageDecodingError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "bad message: \(reason)" }
}
