import ArticleSyncShared
import Foundation
import GRDB

extension SQLiteChangeLog {
    /// Writes a consistent copy of the change log to `path` while the server keeps serving.
    ///
    /// `VACUUM INTO` reads one snapshot (never a file copy of a database being written). The copy
    /// gets a new epoch, so clients that once synced with the original and later meet the restored
    /// copy know that the server's history may have gone back, and re-download instead of trusting
    /// their cursors.
    public func backup(to path: String) throws {
        guard !path.isEmpty else { throw AdminError("give the file to write the backup to (the name given is empty)") }
        guard !FileManager.default.fileExists(atPath: path) else {
            throw AdminError("\(path) already exists; choose a new file name (a backup never overwrites)")
        }
        let temporary = path + ".partial-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        do {
            // Every article and every token's hash, like the data directory (0700): readable by the
            // operator alone. VACUUM INTO fills an empty file it is given, keeping its mode; made
            // by SQLite, the copy got the umask's (0644 here) and any local user could read it.
            guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw AdminError("cannot write the backup to \(path): check that its directory exists and that you may write to it; nothing was written")
            }
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM INTO ?", arguments: [temporary])
            }
            let copy = try DatabaseQueue(path: temporary)
            try copy.write { db in
                try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'epoch'", arguments: [UUID().uuidString.lowercased()])
            }
            try copy.close()
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        } catch let error as AdminError {
            throw error
        } catch {
            // Foundation's errors (the copy cannot be moved into place) print as an NSError dump.
            throw AdminError("the backup to \(path) failed: \(error is DatabaseError ? "\(error)" : FileFailure.reason(error)); nothing was written")
        }
    }
}
