import Foundation
import NIOCore

/// Turns messages into frame payloads and back, in the encoding agreed for the connection. The one
/// place that knows what a payload looks like: server and client logic only see messages.
///
/// A connection starts in JSON; `hello` offers `binary-v1` and the `welcome` answer says what both
/// sides use from then on. `adopt(_:)` makes that switch on the client, the server sets `encoding`
/// after writing its welcome.
public struct MessageCodec: Sendable {
    public var encoding: WireEncoding

    public init(encoding: WireEncoding = .json) {
        self.encoding = encoding
    }

    public func encode(_ message: ClientMessage, allocator: ByteBufferAllocator = .init()) throws -> ByteBuffer {
        try encodeMessage(message, allocator: allocator)
    }

    public func encode(_ message: ServerMessage, allocator: ByteBufferAllocator = .init()) throws -> ByteBuffer {
        try encodeMessage(message, allocator: allocator)
    }

    private func encodeMessage(_ message: some Encodable & BinaryWritable, allocator: ByteBufferAllocator) throws -> ByteBuffer {
        switch encoding {
        case .json: return try encodeValue(message, allocator: allocator)
        case .binary, .binaryStored:
            var writer = BinaryWireWriter(buffer: allocator.buffer(capacity: 64), articlesInStorageForm: encoding == .binaryStored)
            message.write(to: &writer)
            return writer.buffer
        }
    }

    public func decodeClientMessage(_ payload: ByteBuffer) throws(MessageDecodingError) -> ClientMessage {
        switch encoding {
        case .json: return try decodeValue(ClientMessage.self, payload)
        case .binary, .binaryStored:
            var reader = BinaryWireReader(buffer: payload, articlesInStorageForm: encoding == .binaryStored)
            return try ClientMessage(reading: &reader)
        }
    }

    public func decodeServerMessage(_ payload: ByteBuffer) throws(MessageDecodingError) -> ServerMessage {
        switch encoding {
        case .json: return try decodeValue(ServerMessage.self, payload)
        case .binary, .binaryStored:
            var reader = BinaryWireReader(buffer: payload, articlesInStorageForm: encoding == .binaryStored)
            return try ServerMessage(reading: &reader)
        }
    }

    /// The client's half of the negotiation: after a `welcome`, speak what it names.
    public mutating func adopt(_ message: ServerMessage) {
        if case .welcome(_, _, _, _, _, _, let agreed, _, _) = message { encoding = agreed }
    }

    /// The server's half: the best encoding of the client's offer that this build speaks.
    public static func choose(from offered: [WireEncoding]) -> WireEncoding {
        offered.first ?? .json
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
