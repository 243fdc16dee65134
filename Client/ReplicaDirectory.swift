import ArticleSyncShared
import Foundation
import SystemPackage

/// The on-disk layout of a replica: `DIR/.articlesync/replica.sqlite` and the token in
/// `DIR/.articlesync/token` (mode 0600), so the directory itself stays free for the person's files.
public struct ReplicaDirectory: Sendable {
    public let path: String
    public let metadataPath: String

    public init(path: String) {
        self.path = path
        metadataPath = path + "/.articlesync"
    }

    /// A layout under another metadata directory (`initialize` builds a replica aside first).
    init(metadataPath: String) {
        path = FilePath(metadataPath).removingLastComponent().string
        self.metadataPath = metadataPath
    }

    public var databasePath: String { metadataPath + "/" + Replica.databaseName }
    public var tokenPath: String { metadataPath + "/token" }
    /// Copies of the files given to `init`, so the replica keeps working if the originals move.
    public var certificateAuthorityPath: String { metadataPath + "/ca.pem" }
    public var clientCertificatePath: String { metadataPath + "/client.crt" }
    public var clientKeyPath: String { metadataPath + "/client.key" }

    public var exists: Bool { FileManager.default.fileExists(atPath: databasePath) }

    /// Makes a new replica; refuses to overwrite an existing one. The server is trusted by its
    /// certificate fingerprint or, with `certificateAuthorityFile`, by a CA and the host name.
    ///
    /// Everything is made in `.articlesync.partial` and renamed to `.articlesync` once complete.
    /// Before, an init stopped part way (a full disk, a kill) left a database without its server
    /// settings: every command said "no server configured; run `articlesync init` again", and
    /// `init` said "already a replica".
    public func initialize(
        server: String,
        collection: String,
        token: String,
        fingerprint: String?,
        certificateAuthorityFile: String? = nil,
        clientCertificate: ClientCertificate? = nil
    ) throws -> Replica {
        guard !exists else { throw ReplicaError("\(path) is already a replica; use another directory or `-C \(ShellWord.quoted(path))` to work in it") }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw ReplicaError("\(path) is a file, not a directory; give the directory to make the replica in (created when missing)")
        }
        if (fingerprint == nil) == (certificateAuthorityFile == nil) {
            throw ReplicaError("give either --fingerprint (pin the server's certificate) or --ca-file (verify it against a CA)")
        }
        if let fingerprint { try Self.checkFingerprintSyntax(fingerprint) }
        let address = try ServerAddress(parsing: server)
        if certificateAuthorityFile != nil, address.isIPAddress {
            throw ReplicaError("with --ca-file the server is checked by host name; use the name its certificate carries (e.g. localhost:\(address.port)), not an IP address")
        }
        let token = try Self.checkedToken(token)
        // Read everything first, so a bad file leaves no half-made replica behind.
        let authority = try certificateAuthorityFile.map { try Self.read($0, what: "CA file") }
        let certificate = try clientCertificate.map { (try Self.read($0.certificateFile, what: "client certificate"), try Self.read($0.keyFile, what: "client key")) }
        // The bytes read, not the files again: a pipe (`<(…)`) can be read once.
        if let clientCertificate, let certificate { try clientCertificate.check(certificatePEM: certificate.0, keyPEM: certificate.1) }
        if FileManager.default.fileExists(atPath: metadataPath) {
            throw ReplicaError("\(metadataPath) exists but holds no replica database; if it holds nothing you need, remove it and run `articlesync init` again")
        }
        // What an init stopped part way left: never used, since only a complete one is renamed.
        let staging = ReplicaDirectory(metadataPath: path + "/.articlesync.partial")
        try? FileManager.default.removeItem(atPath: staging.metadataPath)
        do {
            do {
                try FileManager.default.createDirectory(atPath: staging.metadataPath, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw ReplicaError("cannot create \(staging.metadataPath): \(FileFailure.reason(error))")
            }
            try Self.writePrivate(Data((token + "\n").utf8), to: staging.tokenPath)
            if let authority { try Self.writePrivate(authority, to: staging.certificateAuthorityPath) }
            if let certificate {
                try Self.writePrivate(certificate.0, to: staging.clientCertificatePath)
                try Self.writePrivate(certificate.1, to: staging.clientKeyPath)
            }
            let replica = try Replica(path: staging.databasePath)
            try replica.configure(server: server, collection: collection, fingerprint: fingerprint?.lowercased() ?? "")
            try replica.close()
            guard rename(staging.metadataPath, metadataPath) == 0 else {
                throw ReplicaError("cannot rename \(staging.metadataPath) to \(metadataPath): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(atPath: staging.metadataPath)
            throw error
        }
        return try Replica(path: databasePath)
    }

    /// Replaces the access token (the old one was revoked, or grants too little). Written to a new
    /// file that is then renamed over the old one, so a failure leaves the old token whole.
    public func replaceToken(with token: String) throws {
        let token = try Self.checkedToken(token)
        _ = try open()  // says what to do when DIR is not a replica
        let staged = tokenPath + ".new"
        try? FileManager.default.removeItem(atPath: staged)
        try Self.writePrivate(Data((token + "\n").utf8), to: staged)
        guard rename(staged, tokenPath) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: staged)
            throw ReplicaError("cannot replace \(tokenPath): \(reason)")
        }
    }

    /// Points the replica at another address of its server (it moved, or its port changed). The
    /// certificate is checked as before. Another server behind the address is noticed at the next
    /// sync by its id and epoch: the replica then downloads its collection again and sends what it
    /// holds that the server lacks, so nothing here is lost either way.
    public func changeServerAddress(to server: String) throws {
        let replica = try open()
        let address = try ServerAddress(parsing: server)
        if case .certificateAuthority = serverTrust(try replica.syncState()), address.isIPAddress {
            throw ReplicaError("this replica checks the server's certificate by host name (init --ca-file); use the name its certificate carries, not an IP address")
        }
        try replica.setServerAddress(server)
    }

    static func checkedToken(_ token: String) throws -> String {
        let token = token.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw ReplicaError("the token is empty; pass the token `articlesync-server token create` printed") }
        return token
    }

    /// How this replica checks the server: the pinned fingerprint, or the CA copied in at `init`.
    public func serverTrust(_ state: SyncState) -> ServerTrust {
        if state.fingerprint.isEmpty, FileManager.default.fileExists(atPath: certificateAuthorityPath) {
            return .certificateAuthority(file: certificateAuthorityPath)
        }
        return .fingerprint(state.fingerprint)
    }

    /// The client certificate copied in at `init`, if any.
    public var clientCertificate: ClientCertificate? {
        guard FileManager.default.fileExists(atPath: clientCertificatePath), FileManager.default.fileExists(atPath: clientKeyPath) else { return nil }
        return ClientCertificate(certificateFile: clientCertificatePath, keyFile: clientKeyPath)
    }

    static func read(_ file: String, what: String) throws -> Data {
        guard let data = try InputFile.contents(atPath: file) else { throw ReplicaError("cannot read the \(what) \(file): \(InputFile.whyUnreadable(file))") }
        return data
    }

    /// Writes a file only its owner can read (mode 0600 from the start).
    static func writePrivate(_ data: Data, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw ReplicaError("cannot write \(path)")
        }
    }

    /// The replica `path` is in: `path` itself, or else the nearest directory above it that is a
    /// replica, as git finds its repository, so that commands work from a folder inside one (an
    /// export, say). Before, they said "not a replica; run `articlesync init .`", which made a
    /// second replica inside the first. `path` itself when neither is found, for `open`'s message.
    public static func enclosing(_ path: String) -> ReplicaDirectory {
        let given = ReplicaDirectory(path: path)
        guard !given.exists else { return given }
        // FilePath rather than NSString's deletingLastPathComponent, which traps on some short
        // paths: with the current directory deleted, "." stays relative, and `status` crashed.
        var current = FilePath(URL(fileURLWithPath: path).standardizedFileURL.path)
        while current.removeLastComponent(), !current.isEmpty {
            if ReplicaDirectory(path: current.string).exists { return ReplicaDirectory(path: current.string) }
        }
        return given
    }

    /// Opens the replica in this directory, with a message that says what to do when there is none.
    public func open() throws -> Replica {
        guard exists else {
            // The shell still stands in a directory that was removed (or replaced, as a checkout
            // does): "." then names nothing, and `init .` could not make it a replica.
            if !path.hasPrefix("/"), FileManager.default.currentDirectoryPath.isEmpty {
                throw ReplicaError("the current directory no longer exists (it was deleted, or replaced by another of its name); "
                    + "cd to the replica's directory again, or give it with -C DIR")
            }
            // A mistyped -C is more likely than a missing replica there.
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ReplicaError("\(path) does not exist; give a replica's directory with -C DIR, or make one with `articlesync init \(ShellWord.quoted(path)) --server … --token … --fingerprint …`")
            }
            // Before, a file given to -C was told to run `init` on it, which cannot work.
            guard isDirectory.boolValue else { throw ReplicaError("\(path) is a file, not a directory; give a replica's directory with -C DIR") }
            throw ReplicaError("\(path) is not an ArticleSync replica; run `articlesync init \(ShellWord.quoted(path)) --server … --token … --fingerprint …` or pass -C DIR")
        }
        // SQLite takes an empty file for a new database: a replica file emptied on disk (a copy cut
        // short, a failing disk) was opened as a new replica, and `list` showed nothing with status 0.
        // `init` makes every replica file with its tables, so an empty one has lost what it held.
        if Self.fileSize(databasePath) == 0, (Self.fileSize(databasePath + "-wal") ?? 0) == 0 {
            throw ReplicaError("the replica's database (.articlesync/\(Replica.databaseName)) is empty: what it held is gone (a copy cut "
                + "short, a failing disk?). Make a new replica with `articlesync init` in another directory; its `sync` brings the "
                + "server's articles. Edits this replica had not sent cannot be recovered from it.")
        }
        do {
            return try Replica(path: databasePath)
        } catch where Replica.isOnReadOnlyFileSystem(metadataPath) {
            throw ReplicaError("the replica is on a read-only file system (a snapshot, a disk mounted read-only), where this command, "
                + "which may write, cannot run; `list`, `show`, `status`, `conflicts` and `export` read it there")
        }
    }

    /// `open()`, or, when the replica is on a read-only file system, where `open()` fails, the
    /// replica opened for reading alone (`Replica(readingFrom:)`): for `list`, `show`, `status`,
    /// `conflicts` and `export`.
    public func openForReading() throws -> Replica {
        do {
            return try open()
        } catch {
            guard exists, Replica.isOnReadOnlyFileSystem(metadataPath) else { throw error }
            return try Replica(readingFrom: databasePath)
        }
    }

    /// The size of the file at `path`, or nil when there is none.
    static func fileSize(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
    }

    public func readToken() throws -> String {
        guard let data = FileManager.default.contents(atPath: tokenPath) else {
            throw ReplicaError("cannot read the token file \(tokenPath); put a token back with `articlesync remote token --token-file FILE`")
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
public struct ServerAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(parsing text: String) throws {
        // A URL pasted from a browser or a config file: before, it was accepted and every sync then
        // failed to find the host "https://…".
        if let scheme = text.range(of: "://") {
            let rest = text[scheme.upperBound...]
            let hostAndPort = rest.prefix { $0 != "/" }
            throw ReplicaError("\"\(text)\" is a URL; give the server as HOST:PORT, without a scheme or path"
                + (hostAndPort.contains(":") ? ": \(hostAndPort)" : ", e.g. 127.0.0.1:7443"))
        }
        guard let colon = text.lastIndex(of: ":"), !text.hasSuffix("]") else {
            throw ReplicaError("\"\(text)\" has no port; use HOST:PORT, e.g. \(text.isEmpty ? "127.0.0.1" : text):7443 (`articlesync-server serve` "
                + "prints the address it listens on)")
        }
        guard let port = Int(text[text.index(after: colon)...]) else {
            throw ReplicaError("\"\(text)\" is not a server address; use HOST:PORT, e.g. 127.0.0.1:7443")
        }
        guard (1...65535).contains(port) else { throw ReplicaError("\"\(text)\": a port is between 1 and 65535, not \(port)") }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ReplicaError("\"\(text)\" has no host; use HOST:PORT, e.g. 127.0.0.1:7443") }
        guard !host.contains(where: { $0 == "/" || $0.isWhitespace }) else {
            throw ReplicaError("\"\(text)\" is not a server address: a host name has no slashes or spaces; use HOST:PORT, e.g. 127.0.0.1:7443")
        }
        self.host = host
        self.port = port
    }

    /// As it is typed (`HostAndPort`): messages name the server this way.
    public var description: String { HostAndPort.text(host: host, port: port) }

    /// An IPv4 or IPv6 literal rather than a name: a CA-checked certificate names hosts, not these.
    var isIPAddress: Bool { host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." } }
}
