import ArticleSyncShared
import Foundation
import GRDB

/// A client command that cannot be carried out. `message` says what was wrong and what to do;
/// `exitCode` is what the CLI exits with (1 for errors, 3 for unresolved conflicts).
public struct ReplicaError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var exitCode: Int32

    public init(_ message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String { message }
}

extension ReplicaError {
    /// `error` as a person should read it. The replica database's failures that its owner can act
    /// on (a full disk, a failing or read-only one, a damaged file, another command holding it) are
    /// named with what to do; anything else is returned as it is. Before, the CLI printed SQLite's
    /// words alone, e.g. "SQLite error 13: database or disk is full - while executing `COMMIT TRANSACTION`".
    public static func explaining(_ error: any Error) -> any Error {
        // A NULL where the schema allows none: damage SQLite's own checks did not catch.
        if error is RowDecodingError { return damaged("\(error)") }
        // Foundation's file errors print as a dump: "Error Domain=NSCocoaErrorDomain Code=4 … UserInfo={…}".
        if (error as NSError).domain == NSCocoaErrorDomain {
            let failure = error as NSError
            let path = failure.userInfo[NSFilePathErrorKey] as? String ?? (failure.userInfo[NSURLErrorKey] as? URL)?.path
            return ReplicaError("a file operation failed\(path.map { " on \($0)" } ?? ""): \(FileFailure.reason(error))")
        }
        guard let error = error as? DatabaseError else { return error }
        let sqlite = "SQLite: \(error.message ?? "error \(error.resultCode.rawValue)")"
        // Every command's change, and every pulled batch or push answer of a sync, is one transaction.
        let kept = "What failed was not applied, and what was done before it is kept."
        switch error.resultCode {
        case .SQLITE_FULL:
            return ReplicaError("the disk holding the replica is full (\(sqlite)). \(kept) Free some space and run the command again.")
        case .SQLITE_IOERR:
            return ReplicaError("the replica's database could not be read or written (\(sqlite)); is its disk full or failing? \(kept) "
                + "Free some space or mend the disk, then run the command again.")
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
            return ReplicaError("the replica's database cannot be opened for writing (\(sqlite)); check that you may write to the "
                + "replica's .articlesync directory and the files in it, and that its disk is not read-only.")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            // Every replica connection waits this long for a writer before it gives up (Replica.init).
            return ReplicaError("the replica stayed busy for \(Int(Replica.busyTimeout)) s: another articlesync command is writing to it (a large `add`, "
                + "say) (\(sqlite)). \(kept) Run this one again when the other is done.")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return damaged(sqlite)
        default:
            return error
        }
    }

    static func damaged(_ detail: String) -> ReplicaError {
        ReplicaError("the replica's database (.articlesync/\(Replica.databaseName)) is damaged (\(detail)). Keep the "
            + "directory as it is, since it may hold edits the server never got (`articlesync export` may still read them), "
            + "and make a new replica with `articlesync init` in another directory.")
    }
}
