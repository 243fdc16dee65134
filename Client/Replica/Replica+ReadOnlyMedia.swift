import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// A replica on a file system mounted read-only: a snapshot (btrfs, ZFS, LVM), a backup disk
/// mounted `ro`, a copy on a DVD. Before, every command, `list` and `export` too, failed there with
/// "cannot be opened for writing": SQLite opens a WAL-mode database with its `-shm` index beside
/// it, which it must create, and the WAL is deleted when the last connection closes, so a closed
/// replica has neither. `sqlite3 -readonly` fails the same way.
///
/// What opens it is `immutable=1`, SQLite's word that no one changes the file while it is open,
/// which on a read-only mount is simply true. It reads the database file alone, so a replica whose
/// WAL was left behind (the snapshot was taken while a command ran) is refused: its latest commits
/// are in that WAL, and the file alone may be half-way through a checkpoint.
extension Replica {
    /// Opens the replica at `path` on read-only media for the commands that only read.
    public init(readingFrom path: String) throws {
        let walSize = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? NSNumber)?.intValue ?? 0
        guard walSize == 0 else {
            throw ReplicaError("the replica is on a read-only file system, and its write-ahead log (\(path)-wal) still holds changes, "
                + "which cannot be read in place; copy its directory somewhere writable and run the command on the copy")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -\(Self.pageCacheBytes / 1024)") }
        // A URI, which Debian's SQLite (built with SQLITE_USE_URI) takes for a file name too.
        let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
        let pool = try DatabasePool(path: "file:\(encoded)?immutable=1", configuration: configuration)
        let (isOurs, superseded, pending, pageSize) = try pool.read { db in
            (try Self.holdsAReplicaOrNothing(db), try Self.migrator.hasBeenSuperseded(db),
             Set(Self.migrator.migrations).subtracting(try Self.migrator.appliedIdentifiers(db)), try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096)
        }
        guard isOurs, !superseded else {
            throw ReplicaError("\(path) is not a replica this articlesync can read (another program's database, or a newer articlesync's)")
        }
        // Bringing an older replica's tables up to date is a write; only migrations that change
        // nothing a read sees may be missing.
        guard pending.isSubset(of: Self.migrationsReadsDoNotNeed) else {
            throw ReplicaError("the replica is on a read-only file system and was last used by an older articlesync, whose tables this one "
                + "would first bring up to date, a write; copy its directory somewhere writable and run the command on the copy")
        }
        self.pool = pool
        self.pageSize = pageSize
        isReadOnly = true
    }

    /// Migrations that add only what makes reads faster (an index), or what only a writing command
    /// reads (the copies `edit --file` merges from, when an article last changed): a replica without
    /// them reads the same.
    static let migrationsReadsDoNotNeed: Set<String> = ["v5 deleted articles index", "v6 file origin states", "v7 article changed at"]

    /// Whether the file system holding `path` is mounted read-only.
    static func isOnReadOnlyFileSystem(_ path: String) -> Bool {
        var info = statvfs()
        return statvfs(path, &info) == 0 && info.f_flag & UInt(ST_RDONLY) != 0
    }
}
