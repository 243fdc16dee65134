import Crypto

/// One hash over a whole collection, so a client and the server can compare in one request.
///
/// SHA-256 over `<article id> <content hash>\n` lines sorted by id, tombstones included: equal
/// digests mean every article, deleted or not, has the same content on both sides.
public enum CollectionDigest {
    public static func compute(_ entries: some Sequence<(id: String, contentHash: String)>) -> String {
        var hasher = SHA256()
        for entry in entries.sorted(by: { $0.id < $1.id }) {
            hasher.update(data: Array("\(entry.id) \(entry.contentHash)\n".utf8))
        }
        return hasher.finalize().hexString
    }
}
