import ArticleSyncShared
import Foundation

/// The on-disk layout of a replica: `DIR/.articlesync/replica.sqlite` and the token in
/// `DIR/.articlesync/token` (mode 0600), so the directory itself stays free for the person's files.
public struct ReplicaDirectory: Sendable {
    public var path: String

    public init(path: String) { self.path = path }

    public var metadataPath: String { path + "/.articlesync" }
    public var databasePath: String { metadataPath + "/" + Replica.databaseName }
    public var tokenPath: String { metadataPath + "/token" }

    public var exists: Bool { FileManager.default.fileExists(atPath: databasePath) }

    /// Makes a new replica; refuses to overwrite an existing one.
    public func initialize(server: String, collection: String, token: String, fingerprint: String) throws -> Replica {
        guard !exists else { throw ReplicaError("\(path) is already a replica; use another directory or `-C \(path)` to work in it") }
        try Self.checkFingerprintSyntax(fingerprint)
        _ = try ServerAddress(parsing: server)
        let token = token.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw ReplicaError("the token is empty; pass the token `articlesync-server token create` printed") }
        do {
            try FileManager.default.createDirectory(atPath: metadataPath, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ReplicaError("cannot create \(metadataPath): \(error.localizedDescription)")
        }
        guard FileManager.default.createFile(atPath: tokenPath, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ReplicaError("cannot write \(tokenPath)")
        }
        let replica = try Replica(path: databasePath)
        try replica.configure(server: server, collection: collection, fingerprint: fingerprint.lowercased())
        return replica
    }

    /// Opens the replica in this directory, with a message that says what to do when there is none.
    public func open() throws -> Replica {
        guard exists else {
            throw ReplicaError("\(path) is not an ArticleSync replica; run `articlesync init \(path) --server … --token … --fingerprint …` or pass -C DIR")
        }
        return try Replica(path: databasePath)
    }

    public func readToken() throws -> String {
        guard let data = FileManager.default.contents(atPath: tokenPath) else {
            throw ReplicaError("cannot read the token file \(tokenPath); run `articlesync init` again or restore it")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func checkFingerprintSyntax(_ fingerprint: String) throws {
        let lowered = fingerprint.lowercased()
        guard lowered.hasPrefix("sha256:"), lowered.dropFirst(7).count == 64, lowered.dropFirst(7).allSatisfy(\.isHexDigit) else {
            throw ReplicaError("\"\(fingerprint)\" is not a fingerprint; it looks like sha256:<64 hex digits> (`articlesync-server fingerprint` prints it)")
        }
    }
}

/// `HOST:PORT` as given to `init --server`.
public struct ServerAddress: Sendable, Equatable {
    public var host: String
    public var port: Int

    public init(parsing text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            throw ReplicaError("\"\(text)\" is not a server address; use HOST:PORT, e.g. 127.0.0.1:7443")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ReplicaError("\"\(text)\" has no host; use HOST:PORT, e.g. 127.0.0.1:7443") }
        self.host = host
        self.port = port
    }
}
