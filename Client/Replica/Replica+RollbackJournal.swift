import GRDB
import GRDBSQLite

/// A large download written with a rollback journal instead of the WAL.
///
/// In WAL mode every page a download writes is written twice: into the WAL when its batch commits,
/// then into the database file by a checkpoint. With a rollback journal, pages appended to the
/// database are written once; the journal keeps only the few existing pages a batch changes. That
/// copy was the largest cost of a first download the floor does not pay (a fifth of its CPU).
///
/// SQLite leaves WAL mode only while no other connection has the file open, so it is tried only then
/// and otherwise given up, costing nothing. Another process that opens the replica meanwhile turns
/// WAL on again (every `Replica.init` does), and the rest of the download is written in WAL mode:
/// `writeRefetchable` asks for each batch which journal it is writing with. A crash leaves a hot
/// journal, which the next open rolls back before it turns WAL on; the cursor rolls back with the
/// batch, as it would with the WAL.
extension Replica {
    /// Switches the replica to a rollback journal if nothing else has it open, and says whether it did.
    func beginRollbackJournalDownload() throws -> Bool {
        // This process's own idle readers hold the file open too; they reopen when next needed.
        pool.releaseMemory()
        return try pool.writeWithoutTransaction { db in
            // A WAL file left in place (as `Replica.init` asks) would put the next transaction back
            // into WAL mode: SQLite opens one it finds. Leaving WAL mode deletes it unless persisted.
            Self.persistWAL(false, db)
            do {
                if try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") == "delete" { return true }
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                // Another connection has the file open: SQLite refuses at once, without waiting.
            }
            Self.persistWAL(true, db)
            return false
        }
    }

    /// Turns WAL on again after `beginRollbackJournalDownload`.
    func endRollbackJournalDownload() {
        // If this fails (a reader held its lock for the whole busy timeout), the replica stays in
        // rollback mode until the next `Replica.init` turns WAL on: slower for readers, never wrong.
        _ = try? pool.writeWithoutTransaction { db in
            Self.persistWAL(true, db)
            return try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
        }
    }

    /// Whether closing `db`, or leaving WAL mode on it, keeps the WAL file (see `Replica.init`).
    static func persistWAL(_ persist: Bool, _ db: Database) {
        var flag: Int32 = persist ? 1 : 0
        sqlite3_file_control(db.sqliteConnection, nil, SQLITE_FCNTL_PERSIST_WAL, &flag)
    }

    /// The journal mode the writer uses now ("wal" or "delete").
    func journalMode() throws -> String? {
        try pool.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
    }
}
