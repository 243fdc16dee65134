import ArticleSyncShared
import Foundation

/// The files of one server: the change log, the TLS key and certificate. Made on first start.
public struct ServerDataDirectory: Sendable {
    public var path: String

    public init(path: String) { self.path = path }

    public var changeLogPath: String { path + "/" + SQLiteChangeLog.fileName }
    public var keyPath: String { path + "/server.key" }
    public var certificatePath: String { path + "/server.crt" }
    /// Written by a running server: its connections (see ``ConnectionRegistry``).
    public var statusPath: String { path + "/status.json" }
    /// Locked by the running server, and holding its pid (see ``ServingLock``).
    public var servingLockPath: String { path + "/serve.lock" }

    /// Creates the directory (mode 0700: it holds the private key) when it does not exist.
    public func create() throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ServerSetupError(message: "\(path) exists and is not a directory; pick another --data") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ServerSetupError(message: "cannot create the data directory \(path): \(FileFailure.reason(error))")
        }
    }

    /// Opens the change log, creating it when needed.
    public func openChangeLog() throws -> SQLiteChangeLog {
        try create()
        return try SQLiteChangeLog(path: changeLogPath)
    }

    /// Opens an existing change log; admin commands use this so a typo in --data makes no new server.
    public func openExistingChangeLog() throws -> SQLiteChangeLog {
        guard FileManager.default.fileExists(atPath: changeLogPath) else {
            throw ServerSetupError(message: "no change log at \(changeLogPath); start the server once with `articlesync-server serve --data \(ShellWord.quoted(path))` or pass the right --data")
        }
        return try SQLiteChangeLog(path: changeLogPath)
    }

    /// The identity `serve` made on its first start (`fingerprint`), or an error that says where
    /// it looked and what to do; before, "cannot read DIR/server.key" alone.
    public func existingIdentity() throws -> ServerIdentity {
        guard FileManager.default.fileExists(atPath: keyPath) || FileManager.default.fileExists(atPath: certificatePath) else {
            throw ServerSetupError(message: "no server identity in \(path) (server.key, server.crt); start the server once with "
                + "`articlesync-server serve --data \(ShellWord.quoted(path))`, which makes them, or pass the right --data")
        }
        return try ServerIdentity.load(certificateFile: certificatePath, keyFile: keyPath)
    }

    public func loadOrCreateIdentity() throws -> ServerIdentity {
        try create()
        return try ServerIdentity.loadOrCreate(certificateFile: certificatePath, keyFile: keyPath)
    }
}
