import Foundation
import NIOCore

/// The `binary-v1` encoding's building blocks. A message is a one-byte type tag and then its fields
/// in a fixed order: integers are 8 bytes big-endian, booleans and tags one byte, strings a 4-byte
/// length and UTF-8, arrays a 4-byte count and the elements, optionals a presence byte and the value.
/// docs/PROTOCOL.md lists every message's fields.
struct BinaryWireWriter {
    var buffer: ByteBuffer
    /// `binary-v2`: articles of answers are written as their storage form.
    var articlesInStorageForm = false

    mutating func tag(_ value: UInt8) { buffer.writeInteger(value) }
    mutating func int(_ value: Int64) { buffer.writeInteger(value) }
    mutating func int(_ value: Int) { buffer.writeInteger(Int64(value)) }
    mutating func unsigned(_ value: UInt64) { buffer.writeInteger(value) }
    mutating func bool(_ value: Bool) { buffer.writeInteger(value ? 1 as UInt8 : 0) }

    mutating func string(_ value: String) {
        buffer.writeInteger(UInt32(truncatingIfNeeded: value.utf8.count))
        buffer.writeString(value)
    }

    /// Bytes as they are, with a 4-byte length (how a string is written).
    mutating func bytes(_ value: [UInt8]) {
        buffer.writeInteger(UInt32(truncatingIfNeeded: value.count))
        buffer.writeBytes(value)
    }

    mutating func optional<Value>(_ value: Value?, _ write: (inout Self, Value) -> Void) {
        bool(value != nil)
        if let value { write(&self, value) }
    }

    mutating func array<Element>(_ values: [Element], _ write: (inout Self, Element) -> Void) {
        buffer.writeInteger(UInt32(truncatingIfNeeded: values.count))
        for value in values { write(&self, value) }
    }

    mutating func article(_ article: Article) {
        _ = withUnsafeBytes(of: article.id.uuid) { buffer.writeBytes($0) }
        string(article.title)
        string(article.body)
        string(article.category)
        string(article.source)
        array(article.sortedTags) { $0.string($1) }
        optional(article.publishedSeconds) { $0.int($1) }
        bool(article.isDeleted)
        int(article.version)
        int(article.seq)
    }
}

/// Reads what `BinaryWireWriter` writes, from bytes a peer sent: every length is checked against
/// what is left before anything is allocated, strings must be valid UTF-8, and nothing may follow
/// the message.
struct BinaryWireReader {
    var buffer: ByteBuffer
    /// `binary-v2`: articles of answers are read as their storage form.
    var articlesInStorageForm = false

    mutating func tag() throws(MessageDecodingError) -> UInt8 { try integer(UInt8.self, "a type tag") }
    mutating func int() throws(MessageDecodingError) -> Int64 { try integer(Int64.self, "an integer") }
    mutating func unsigned() throws(MessageDecodingError) -> UInt64 { try integer(UInt64.self, "an integer") }

    mutating func bool() throws(MessageDecodingError) -> Bool {
        switch try integer(UInt8.self, "a boolean") {
        case 0: return false
        case 1: return true
        case let other: throw MessageDecodingError(reason: "a boolean byte is \(other), not 0 or 1")
        }
    }

    mutating func string() throws(MessageDecodingError) -> String {
        let length = Int(try integer(UInt32.self, "a string length"))
        guard length <= buffer.readableBytes else {
            throw MessageDecodingError(reason: "a string of \(length) bytes is longer than the \(buffer.readableBytes) bytes left")
        }
        let text = buffer.withUnsafeReadableBytes { bytes in
            String(validating: bytes.prefix(length).assumingMemoryBound(to: UInt8.self), as: UTF8.self)
        }
        guard let text else { throw MessageDecodingError(reason: "a string is not valid UTF-8") }
        buffer.moveReaderIndex(forwardBy: length)
        return text
    }

    /// What `BinaryWireWriter.bytes` wrote.
    mutating func bytes() throws(MessageDecodingError) -> [UInt8] {
        let length = Int(try integer(UInt32.self, "a length"))
        guard let value = buffer.readBytes(length: length) else {
            throw MessageDecodingError(reason: "\(length) bytes announced but only \(buffer.readableBytes) left")
        }
        return value
    }

    mutating func optional<Value>(_ read: (inout Self) throws(MessageDecodingError) -> Value) throws(MessageDecodingError) -> Value? {
        try bool() ? try read(&self) : nil
    }

    mutating func array<Element>(_ read: (inout Self) throws(MessageDecodingError) -> Element) throws(MessageDecodingError) -> [Element] {
        let count = Int(try integer(UInt32.self, "an array count"))
        // Every element takes at least one byte, so a count past the bytes left is a lie.
        guard count <= buffer.readableBytes else {
            throw MessageDecodingError(reason: "an array claims \(count) elements but only \(buffer.readableBytes) bytes are left")
        }
        var elements: [Element] = []
        elements.reserveCapacity(count)
        for _ in 0..<count { elements.append(try read(&self)) }
        return elements
    }

    mutating func article() throws(MessageDecodingError) -> Article {
        guard let idBytes = buffer.readBytes(length: 16) else { throw MessageDecodingError(reason: "the message ends inside an article id") }
        let id = UUID(uuid: (idBytes[0], idBytes[1], idBytes[2], idBytes[3], idBytes[4], idBytes[5], idBytes[6], idBytes[7],
                             idBytes[8], idBytes[9], idBytes[10], idBytes[11], idBytes[12], idBytes[13], idBytes[14], idBytes[15]))
        let title = try string()
        let body = try string()
        let category = try string()
        let source = try string()
        let tags = try array { reader throws(MessageDecodingError) in try reader.string() }
        let published = try optional { reader throws(MessageDecodingError) in try reader.int() }
        if let published, !Article.publishedAtRange.contains(published) {
            throw MessageDecodingError(reason: "publishedAt \(published) is not between year 1 and 9999")
        }
        return Article(id: id, title: title, body: body, category: category, source: source, tags: Set(tags),
                       publishedAt: published.map { Date(timeIntervalSince1970: TimeInterval($0)) },
                       isDeleted: try bool(), version: try int(), seq: try int())
    }

    /// Called when the message is complete: trailing bytes mean the peer and this build disagree.
    func expectEnd() throws(MessageDecodingError) {
        guard buffer.readableBytes == 0 else {
            throw MessageDecodingError(reason: "\(buffer.readableBytes) bytes follow the end of the message")
        }
    }

    private mutating func integer<Value: FixedWidthInteger>(_ type: Value.Type, _ what: String) throws(MessageDecodingError) -> Value {
        guard let value = buffer.readInteger(as: Value.self) else { throw MessageDecodingError(reason: "the message ends where \(what) was expected") }
        return value
    }
}
