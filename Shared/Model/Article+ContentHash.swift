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
        var bytes: [UInt8] = Array("articlesync-article-v1\n".utf8)
        func field(_ name: String, _ value: String) {
            bytes.append(contentsOf: name.utf8)
            bytes.append(contentsOf: ":\(value.utf8.count):".utf8)
            bytes.append(contentsOf: value.utf8)
            bytes.append(0x0A)
        }
        field("id", idString)
        field("category", category)
        field("title", title)
        field("body", body)
        field("source", source)
        field("tags", String(sortedTags.count))
        for tag in sortedTags { field("tag", tag) }
        field("publishedAt", publishedSeconds.map { String($0) } ?? "")
        field("deleted", isDeleted ? "1" : "0")
        return bytes
    }
}

extension Sequence where Element == UInt8 {
    /// Lowercase hexadecimal digits, two per byte.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension SHA256.Digest {
    public var hexString: String { Array(self).hexString }
}
