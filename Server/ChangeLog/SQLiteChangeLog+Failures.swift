import GRDB

extension SQLiteChangeLog {
    /// Names the failures an operator can act on: SQLite's, and a change log found damaged. Each one
    /// rolled its transaction back, so a client that retries once the cause is gone loses nothing
    /// (docs/OPERATIONS.md).
    public func describeFailure(_ error: any Error) -> String? {
        if error is ChangeLogDamage { return "its database is damaged" }
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
