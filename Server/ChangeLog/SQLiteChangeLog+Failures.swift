import GRDB

extension SQLiteChangeLog {
    /// Names the failures an operator can act on: SQLite's, and a change log found damaged. Each one
    /// rolled its transaction back, so a client that retries once the cause is gone loses nothing
    /// (docs/OPERATIONS.md).
    public func describeFailure(_ error: any Error) -> String? {
        // A NULL where the schema allows none: damage SQLite's own checks did not catch.
        if error is ChangeLogDamage || error is RowDecodingError { return "its database is damaged" }
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_FULL: return "its disk is full"
        case .SQLITE_IOERR: return "it could not read or write its database (an I/O error: a full or failing disk)"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return "its database is damaged"
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM: return "it cannot write its database"
        case .SQLITE_BUSY, .SQLITE_LOCKED: return "its database stayed busy"
        default: return nil
        }
    }
}

extension AdminError {
    /// What an `articlesync-server` command prints when the change log fails it: what happened,
    /// that the command changed nothing (each is one transaction), and what to do; before, it
    /// printed SQLite's words alone ("SQLite error 10: disk I/O error - while executing `COMMIT
    /// TRANSACTION`"). Other errors pass through.
    public static func explaining(_ error: any Error) -> any Error {
        if error is RowDecodingError { return damaged("\(error)") }
        guard let error = error as? DatabaseError else { return error }
        let sqlite = "SQLite: \(error.message ?? "error \(error.resultCode.rawValue)")"
        let nothing = "The command changed nothing."
        switch error.resultCode {
        case .SQLITE_FULL:
            return AdminError("the disk holding the change log is full (\(sqlite)). \(nothing) Free some space and run it again.")
        case .SQLITE_IOERR:
            return AdminError("the change log could not be read or written (\(sqlite)); is its disk full or failing? \(nothing) "
                + "Free some space or mend the disk, then run it again.")
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
            return AdminError("the change log cannot be opened for writing (\(sqlite)); check that you may write to the data directory "
                + "and the files in it, and that its disk is not read-only.")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return AdminError("the change log stayed busy (\(sqlite)): the server or another command is writing to it. \(nothing) Run it again.")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return damaged(sqlite)
        default:
            return error
        }
    }

    static func damaged(_ detail: String) -> AdminError {
        AdminError("the change log is damaged (\(detail)). Stop the server, keep the data directory as it is, and restore "
            + "the latest backup (docs/OPERATIONS.md).")
    }
}
