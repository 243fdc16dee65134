import ArticleSyncShared
import Crypto

/// Bearer tokens: `ast_<id>_<secret>`, where the secret is 256 random bits.
///
/// The public `id` finds the row; the SHA-256 of the whole token is compared in constant time. The
/// token itself is shown once, when it is made, and stored nowhere.
public enum AccessToken {
    static let prefix = "ast_"

    /// A new token and its id.
    static func generate() -> (id: String, token: String) {
        var generator = SystemRandomNumberGenerator()
        let idBytes = (0..<6).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let secret = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let id = idBytes.hexString
        return (id, prefix + id + "_" + secret.hexString)
    }

    /// The id part of a well-formed token.
    static func id(of token: String) -> String? {
        let parts = token.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "ast", parts[1].count == 12, parts[2].count == 64 else { return nil }
        return String(parts[1])
    }

    static func hash(_ token: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(token.utf8)))
    }

    /// Equal-length comparison whose time does not depend on where the bytes differ.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
