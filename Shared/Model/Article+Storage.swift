import Crypto
import Foundation

extension Article {
    /// The form articles are stored in on both sides: the canonical encoding (see `contentHash`)
    /// followed by `version` and `seq` records. Every value is length-prefixed, so writing is a
    /// byte append and reading a scan, several times cheaper than JSON for the same article.
    public var storageBytes: [UInt8] { storageBytes(continuing: canonicalEncoding) }

    /// What a database row of an article needs: its `storageBytes` and its `contentHash`.
    public typealias StoredForm = (bytes: [UInt8], contentHash: String)

    /// `storageBytes` and `contentHash` together, from one canonical encoding, at half the cost of
    /// asking for each.
    public var storedForm: StoredForm {
        let canonical = canonicalEncoding
        return (storageBytes(continuing: canonical), SHA256.hash(data: canonical).hexString)
    }

    private func storageBytes(continuing canonical: [UInt8]) -> [UInt8] {
        var writer = FieldWriter(continuing: canonical)
        writer.field("version", String(version))
        writer.field("seq", String(seq))
        return writer.bytes
    }

    /// Reads `storageBytes`. Throws on anything else: stored data is the program's own, so a
    /// failure here means a damaged database, never user input.
    public init(storageBytes bytes: some Collection<UInt8>) throws(StorageDecodingError) {
        var reader = StorageReader(bytes: Array(bytes))
        guard reader.expectHeader() else { throw StorageDecodingError(reason: "missing header") }
        var fields: [String: String] = [:]
        var tags: Set<String> = []
        while let (name, value) = try reader.nextField() {
            if name == "tag" { tags.insert(value) } else { fields[name] = value }
        }
        guard let idText = fields["id"], let id = UUID(uuidString: idText) else { throw StorageDecodingError(reason: "bad id") }
        self.init(
            id: id,
            title: fields["title"] ?? "",
            body: fields["body"] ?? "",
            category: fields["category"] ?? "",
            source: fields["source"] ?? "",
            tags: tags,
            publishedAt: fields["publishedAt"].flatMap { Int64($0) }.map { Date(timeIntervalSince1970: TimeInterval($0)) },
            isDeleted: fields["deleted"] == "1",
            version: fields["version"].flatMap { Int64($0) } ?? 0,
            seq: fields["seq"].flatMap { Int64($0) } ?? 0)
    }
}

/// A stored article that cannot be read back.
public struct StorageDecodingError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { "a stored article is damaged (\(reason)); run the integrity check" }
}

/// Scans `name:length:value\n` records.
struct StorageReader {
    let bytes: [UInt8]
    var position = 0

    static let header = Array("articlesync-article-v1\n".utf8)

    mutating func expectHeader() -> Bool {
        guard bytes.starts(with: Self.header) else { return false }
        position = Self.header.count
        return true
    }

    mutating func nextField() throws(StorageDecodingError) -> (String, String)? {
        guard position < bytes.count else { return nil }
        guard let nameEnd = bytes[position...].firstIndex(of: UInt8(ascii: ":")) else { throw StorageDecodingError(reason: "truncated name") }
        let name = String(decoding: bytes[position..<nameEnd], as: UTF8.self)
        var cursor = nameEnd + 1
        var length = 0
        while cursor < bytes.count, bytes[cursor] != UInt8(ascii: ":") {
            let digit = Int(bytes[cursor]) - 48
            guard (0...9).contains(digit), length < Int.max / 20 else { throw StorageDecodingError(reason: "bad length") }
            length = length * 10 + digit
            cursor += 1
        }
        let start = cursor + 1
        guard start + length < bytes.count, bytes[start + length] == UInt8(ascii: "\n") else {
            throw StorageDecodingError(reason: "truncated value of \(name)")
        }
        position = start + length + 1
        return (name, String(decoding: bytes[start..<start + length], as: UTF8.self))
    }
}
