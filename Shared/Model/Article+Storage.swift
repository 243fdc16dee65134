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
        let hash = SHA256.hash(data: canonical).hexString
        // Hashed first, then handed over: the storage form grows the same buffer instead of copying it.
        return (storageBytes(continuing: consume canonical), hash)
    }

    private func storageBytes(continuing canonical: [UInt8]) -> [UInt8] {
        Self.storageBytes(canonical: canonical, version: version, seq: seq)
    }

    /// The storage form made of a canonical encoding and the two records after it.
    static func storageBytes(canonical: [UInt8], version: Int64, seq: Int64) -> [UInt8] {
        var writer = FieldWriter(continuing: canonical)
        writer.field("version", String(version))
        writer.field("seq", String(seq))
        return writer.bytes
    }

    /// Reads `storageBytes`. Throws on anything else: stored data is the program's own, so a
    /// failure here means a damaged database, never user input.
    ///
    /// The server reads every article it sends this way, so it is written for speed (profiling a
    /// download showed it at a quarter of the server's time): bytes are read in place, fields go
    /// straight into their variables instead of a dictionary, and the id is parsed by hand, because
    /// `UUID(uuidString:)` goes through `sscanf`.
    public init(storageBytes bytes: some Collection<UInt8>) throws(StorageDecodingError) {
        let read = { (buffer: UnsafeBufferPointer<UInt8>) in
            Result { () throws(StorageDecodingError) -> Article in try Article(storage: StorageReader(bytes: buffer)) }
        }
        let result = bytes.withContiguousStorageIfAvailable(read) ?? Array(bytes).withUnsafeBufferPointer(read)
        self = try result.get()
    }

    private init(storage: StorageReader) throws(StorageDecodingError) {
        var reader = storage
        guard reader.expectHeader() else { throw StorageDecodingError(reason: "missing header") }
        var id: UUID?
        var title = "", body = "", category = "", source = ""
        var tags: Set<String> = []
        var published: Int64?
        var deleted = false
        var version: Int64 = 0, seq: Int64 = 0
        while let (name, value) = try reader.nextField() {
            switch name {
            case "id": id = Self.uuid(value)
            case "title": title = String(decoding: value, as: UTF8.self)
            case "body": body = String(decoding: value, as: UTF8.self)
            case "category": category = String(decoding: value, as: UTF8.self)
            case "source": source = String(decoding: value, as: UTF8.self)
            case "tag": tags.insert(String(decoding: value, as: UTF8.self))
            case "publishedAt": published = Self.integer(value)
            case "deleted": deleted = value.count == 1 && value[value.startIndex] == UInt8(ascii: "1")
            case "version": version = Self.integer(value) ?? 0
            case "seq": seq = Self.integer(value) ?? 0
            default: break  // "tags" (the count) and fields of later versions
            }
        }
        guard let id else { throw StorageDecodingError(reason: "bad id") }
        self.init(id: id, title: title, body: body, category: category, source: source, tags: tags,
                  publishedAt: published.map { Date(timeIntervalSince1970: TimeInterval($0)) },
                  isDeleted: deleted, version: version, seq: seq)
    }

    /// A decimal integer, optionally negative; nil for anything else.
    private static func integer(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> Int64? {
        Int64(String(decoding: digits, as: UTF8.self))
    }

    /// The 36-character form `idString` writes (either case); nil for anything else.
    static func uuid(_ text: Slice<UnsafeBufferPointer<UInt8>>) -> UUID? {
        guard text.count == 36 else { return nil }
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = withUnsafeMutableBytes(of: &bytes) { out -> Bool in
            var position = text.startIndex
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    guard text[position] == UInt8(ascii: "-") else { return false }
                    position += 1
                }
                guard let high = hexValue(text[position]), let low = hexValue(text[position + 1]) else { return false }
                out[index] = high << 4 | low
                position += 2
            }
            return true
        }
        return parsed ? UUID(uuid: bytes) : nil
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// A stored article that cannot be read back.
public struct StorageDecodingError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { "a stored article is damaged (\(reason)); run the integrity check" }
}

/// Scans `name:length:value\n` records, in place.
struct StorageReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    static let header = Array("articlesync-article-v1\n".utf8)

    mutating func expectHeader() -> Bool {
        guard bytes.starts(with: Self.header) else { return false }
        position = Self.header.count
        return true
    }

    /// The next field's name and value bytes (valid only as long as `bytes`), nil at the end.
    mutating func nextField() throws(StorageDecodingError) -> (String, Slice<UnsafeBufferPointer<UInt8>>)? {
        guard position < bytes.count else { return nil }
        guard let nameEnd = bytes[position...].firstIndex(of: UInt8(ascii: ":")) else { throw StorageDecodingError(reason: "truncated name") }
        // Names are short ASCII: Swift keeps them inline, without an allocation.
        let name = String(decoding: bytes[position..<nameEnd], as: UTF8.self)
        var cursor = nameEnd + 1
        let length = try Self.length(bytes, at: &cursor)
        let start = cursor + 1
        guard start + length < bytes.count, bytes[start + length] == UInt8(ascii: "\n") else {
            throw StorageDecodingError(reason: "truncated value of \(name)")
        }
        position = start + length + 1
        return (name, bytes[start..<start + length])
    }

    /// The decimal length of a record, read from `cursor` up to the `:` after it (left at `cursor`).
    static func length<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at cursor: inout Int) throws(StorageDecodingError) -> Int
    where Bytes.Index == Int {
        var length = 0
        while cursor < bytes.endIndex, bytes[cursor] != UInt8(ascii: ":") {
            let digit = Int(bytes[cursor]) - 48
            guard (0...9).contains(digit), length < Int.max / 20 else { throw StorageDecodingError(reason: "bad length") }
            length = length * 10 + digit
            cursor += 1
        }
        return length
    }
}
