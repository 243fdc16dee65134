import Crypto
import Foundation

extension Article {
    /// SHA-256 over ``canonicalEncoding``, as 64 lowercase hex digits.
    ///
    /// Equal content gives equal hashes on every machine, so replicas can prove they converged and
    /// the server can see that two pushes carry the same edit. `version` and `seq` are not part of it:
    /// they describe where the content sits in the log, not what it is.
    public var contentHash: String {
        SHA256.hash(data: canonicalEncoding).hexString
    }

    /// A byte string that is equal exactly when the content fields are equal.
    ///
    /// Every field is written as its name, its UTF-8 byte count and its bytes, so no field value can
    /// imitate a field boundary; tags are sorted by their UTF-8 bytes so set order never matters.
    public var canonicalEncoding: [UInt8] {
        // Room for the names, lengths and short fields, and for the `version` and `seq` records
        // `storedForm` appends, so neither has to grow the buffer.
        var writer = FieldWriter(capacity: 224 + textByteCount + tags.count * 8)
        writer.append(Self.canonicalHeader)
        writer.field("id", idString)
        writer.field("category", category)
        writer.field("title", title)
        writer.field("body", body)
        writer.field("source", source)
        writer.field("tags", String(tags.count))
        for tag in sortedTags { writer.field("tag", tag) }
        writer.field("publishedAt", publishedSeconds.map { String($0) } ?? "")
        writer.field("deleted", isDeleted ? "1" : "0")
        return writer.bytes
    }

    static let canonicalHeader = Array("articlesync-article-v1\n".utf8)
}

/// Appends `name:<byte count>:<value>\n` records: the canonical encoding and the storage form.
/// Written straight into one reserved array, since every article synced goes through it twice
/// (once for its hash, once for its stored form).
struct FieldWriter {
    var bytes: [UInt8]

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Continues `bytes` (the canonical encoding, to make the storage form).
    init(continuing bytes: [UInt8]) { self.bytes = bytes }

    mutating func append(_ raw: [UInt8]) { bytes.append(contentsOf: raw) }

    mutating func field(_ name: StaticString, _ value: String) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        bytes.append(UInt8(ascii: ":"))
        var value = value
        value.withUTF8 { utf8 in
            appendDecimal(utf8.count)
            bytes.append(UInt8(ascii: ":"))
            bytes.append(contentsOf: utf8)
        }
        bytes.append(0x0A)
    }

    /// Small integers make small strings, which live inline: no allocation per field.
    private mutating func appendDecimal(_ number: Int) {
        bytes.append(contentsOf: String(number).utf8)
    }
}

extension Sequence where Element == UInt8 {
    /// Lowercase hexadecimal digits, two per byte.
    public var hexString: String {
        let digits: StaticString = "0123456789abcdef"
        var out: [UInt8] = []
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            out.append(digits.utf8Start[Int(byte >> 4)])
            out.append(digits.utf8Start[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension SHA256.Digest {
    public var hexString: String { withUnsafeBytes { $0.hexString } }
}
