import ArticleSyncShared
import Foundation

/// Files holding secrets (private keys): created 0600 from the start, never readable by others.
enum SecretFile {
    static func write(_ text: String, to path: String) throws {
        let fileManager = FileManager.default
        guard fileManager.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ServerSetupError(message: "cannot write \(path); check that its directory exists and is writable")
        }
        try fileManager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }

    /// Refuses a secret file that group or others may read.
    static func checkPrivate(_ path: String, fix: String) throws {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw ServerSetupError(message: "cannot read \(path): \(FileFailure.reason(error))")
        }
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0
        if mode & 0o077 != 0 {
            throw ServerSetupError(
                message: "\(path) holds a private key but is readable by others (mode \(String(mode, radix: 8))); run `\(fix)` and start again"
            )
        }
    }
}
