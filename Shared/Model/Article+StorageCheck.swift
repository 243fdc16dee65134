import Crypto
import Foundation

/// An article's storage form (see `Article.storageBytes`) whose fields have been located, so it
/// can be stored as it is and hashed where it lies, without building the article's strings and
/// encoding them again. In `binary-v2` the server sends the forms it stored and the client keeps
/// them (docs/PROTOCOL.md): the client checks every byte of what it receives (`checking`), the
/// server only finds the fields of what it wrote itself (`trusting`).
public struct CheckedStorageForm: Sendable, Hashable {
    /// The storage form: the canonical encoding, then the `version` and `seq` records.
    public let bytes: [UInt8]
    /// How many leading bytes are the canonical encoding (what `contentHash` is taken over).
    public let canonicalCount: Int
    public let isDeleted: Bool
    public let version: Int64
    public let seq: Int64
    let idRange: Range<Int>
    let titleRange: Range<Int>
    let categoryRange: Range<Int>

    /// Checks `bytes` field by field: the header, every field of the canonical encoding in its
    /// order, lengths and numbers written as `storageBytes` writes them (decimal, no leading zeros
    /// or signs), a lowercase id, text that is UTF-8, tags in byte order with no two equal as strings,
    /// and nothing after `seq`. Anything else is refused, so what is stored is what its hash says.
    public init(checking bytes: [UInt8]) throws(StorageDecodingError) {
        try self.init(bytes, strict: true)
    }

    /// Finds the fields of bytes this program wrote itself (the server's own rows): the same walk
    /// without the checks of the text, which only a peer's bytes need. What it accepts can still
    /// be read into an article (`article`), so a damaged row is an error here, not later.
    public init(trusting bytes: [UInt8]) throws(StorageDecodingError) {
        try self.init(bytes, strict: false)
    }

    private init(_ bytes: [UInt8], strict: Bool) throws(StorageDecodingError) {
        var scan = StrictFieldScanner(bytes: bytes)
        guard bytes.starts(with: Article.canonicalHeader) else { throw StorageDecodingError(reason: "missing header") }
        scan.position = Article.canonicalHeader.count

        idRange = try scan.field("id")
        guard Self.isLowercaseUUID(bytes[idRange]) else { throw StorageDecodingError(reason: "the id is not a lowercase UUID") }
        categoryRange = try scan.field("category")
        titleRange = try scan.field("title")
        let body = try scan.field("body")
        let source = try scan.field("source")
        if strict {
            for (range, name) in [(categoryRange, "category"), (titleRange, "title"), (body, "body"), (source, "source")] {
                try scan.checkUTF8(range, name)
            }
        }
        let tagCount = try scan.number("tags")
        guard tagCount >= 0, tagCount <= bytes.count else { throw StorageDecodingError(reason: "bad tag count") }
        var tags: [String] = []
        var previous: Range<Int>?
        for _ in 0..<tagCount {
            let range = try scan.field("tag")
            guard strict else { continue }
            let tag = try scan.validated(range, "tag")
            // `Article.sortedTags` order, and a set: equal strings (also canonically equivalent
            // spellings, which Swift compares equal) would collapse into one tag when decoded.
            if let previous, !bytes[previous].lexicographicallyPrecedes(bytes[range]) { throw StorageDecodingError(reason: "tags out of order") }
            guard !tags.contains(tag) else { throw StorageDecodingError(reason: "a tag appears twice") }
            previous = range
            tags.append(tag)
        }
        let published = try scan.field("publishedAt")
        if !published.isEmpty {
            guard let seconds = StrictFieldScanner.canonicalInteger(bytes[published]), Article.publishedAtRange.contains(seconds) else {
                throw StorageDecodingError(reason: "bad publishedAt")
            }
        }
        let deleted = try scan.field("deleted")
        guard deleted.count == 1, bytes[deleted.lowerBound] == UInt8(ascii: "0") || bytes[deleted.lowerBound] == UInt8(ascii: "1") else {
            throw StorageDecodingError(reason: "bad deleted flag")
        }
        canonicalCount = scan.position
        version = try scan.number("version")
        seq = try scan.number("seq")
        guard scan.position == bytes.count else { throw StorageDecodingError(reason: "bytes after seq") }
        isDeleted = bytes[deleted.lowerBound] == UInt8(ascii: "1")
        self.bytes = bytes
    }

    /// `Article.idString` of the article (the id as the bytes spell it).
    public var idString: String { String(decoding: bytes[idRange], as: UTF8.self) }
    public var title: String { String(decoding: bytes[titleRange], as: UTF8.self) }
    public var category: String { String(decoding: bytes[categoryRange], as: UTF8.self) }

    /// SHA-256 over the canonical encoding, as `Article.contentHash` computes it.
    public var contentHash: String { SHA256.hash(data: bytes[0..<canonicalCount]).hexString }

    /// The storage form of the same article at `version` and `seq`: the canonical encoding as it
    /// is, so the content hash is unchanged, and the two records after it written anew. What
    /// `storageBytes` gives for the article with those numbers, without decoding it or hashing.
    public func restamped(version: Int64, seq: Int64) -> [UInt8] {
        Article.storageBytes(canonical: Array(bytes[0..<canonicalCount]), version: version, seq: seq)
    }

    /// The article the bytes hold.
    public var article: Article {
        // Both walks above accept only what the decoder reads (the header, the records, a UUID);
        // the fallback cannot be reached and is there so that no bytes can ever stop the program.
        (try? Article(storageBytes: bytes))
            ?? Article(id: UUID(uuidString: idString) ?? UUID(), title: title, body: "", category: category, source: "",
                       isDeleted: isDeleted, version: version, seq: seq)
    }

    /// 36 characters: lowercase hex digits with dashes after the 8th, 12th, 16th and 20th.
    static func isLowercaseUUID(_ text: ArraySlice<UInt8>) -> Bool {
        guard text.count == 36 else { return false }
        for (offset, character) in text.enumerated() {
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard character == UInt8(ascii: "-") else { return false }
            } else {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(character) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(character) else {
                    return false
                }
            }
        }
        return true
    }
}

/// Reads `name:length:value\n` records that must be written exactly as `FieldWriter` writes them.
struct StrictFieldScanner {
    let bytes: [UInt8]
    var position = 0

    /// The value range of the next record, which must be named `name`.
    mutating func field(_ name: StaticString) throws(StorageDecodingError) -> Range<Int> {
        let expected = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        guard bytes.count - position > expected.count, bytes[position..<position + expected.count].elementsEqual(expected),
              bytes[position + expected.count] == UInt8(ascii: ":")
        else { throw StorageDecodingError(reason: "expected the field \(name)") }
        var cursor = position + expected.count + 1
        let digitsStart = cursor
        let length = try StorageReader.length(bytes, at: &cursor)
        let digits = cursor - digitsStart
        // One way to write each length: no leading zeros, at least one digit.
        guard digits > 0, digits == 1 || bytes[digitsStart] != UInt8(ascii: "0") else { throw StorageDecodingError(reason: "bad length of \(name)") }
        let start = cursor + 1
        guard length < bytes.count, start <= bytes.count - length - 1, bytes[start + length] == 0x0A else {
            throw StorageDecodingError(reason: "truncated value of \(name)")
        }
        position = start + length + 1
        return start..<start + length
    }

    /// Refuses a value that is not UTF-8; ASCII, most article text, is settled eight bytes at a time.
    func checkUTF8(_ range: Range<Int>, _ name: String) throws(StorageDecodingError) {
        guard Self.isASCII(bytes[range]) || String(validating: bytes[range], as: UTF8.self) != nil else {
            throw StorageDecodingError(reason: "\(name) is not UTF-8")
        }
    }

    func validated(_ range: Range<Int>, _ name: String) throws(StorageDecodingError) -> String {
        if Self.isASCII(bytes[range]) { return String(decoding: bytes[range], as: UTF8.self) }
        guard let text = String(validating: bytes[range], as: UTF8.self) else { throw StorageDecodingError(reason: "\(name) is not UTF-8") }
        return text
    }

    /// ASCII is valid UTF-8, and most article text is ASCII: eight bytes are looked at a time.
    static func isASCII(_ text: ArraySlice<UInt8>) -> Bool {
        text.withUnsafeBytes { raw in
            var index = 0
            while index + 8 <= raw.count {
                if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
                index += 8
            }
            while index < raw.count {
                if raw[index] & 0x80 != 0 { return false }
                index += 1
            }
            return true
        }
    }

    /// The next record's value as a decimal integer written the one way `String(Int64)` writes it.
    mutating func number(_ name: StaticString) throws(StorageDecodingError) -> Int64 {
        guard let value = Self.canonicalInteger(bytes[try field(name)]) else { throw StorageDecodingError(reason: "bad number in \(name)") }
        return value
    }

    /// `-` only before a non-zero number, digits with no leading zero, within Int64.
    static func canonicalInteger(_ text: ArraySlice<UInt8>) -> Int64? {
        var digits = text[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard let first = digits.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first), digits.count <= 19 else { return nil }
        if first == UInt8(ascii: "0") { return digits.count == 1 && !negative ? 0 : nil }
        var magnitude: UInt64 = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            magnitude = magnitude * 10 + UInt64(digit - UInt8(ascii: "0"))  // 19 digits cannot overflow UInt64
        }
        if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }
}
