import Dispatch
import GRDB
import NIOConcurrencyHelpers

/// Copies a download's WAL into the database file on a connection of its own while the next
/// batches are still arriving and being written, instead of all at once after the last one.
///
/// During a download the writer checkpoints only every 256 MiB (see `Replica.writeRefetchable`), so
/// the copy would otherwise come at the end: a quarter of a 20,000-article download's time. A
/// PASSIVE checkpoint never blocks the writer or readers; it copies what is committed and leaves
/// the rest for the next one. `Replica.checkpointLargeWAL` still finishes the job.
final class DownloadCheckpointer: Sendable {
    private let connection: DatabaseQueue
    private let work = DispatchQueue(label: "articlesync.download-checkpoint")
    /// A checkpoint is queued and has not started: further nudges need no second one.
    private let queued = NIOLockedValueBox(false)

    init(path: String) throws {
        connection = try DatabaseQueue(path: path)
    }

    /// Asks for a checkpoint of everything committed so far, soon, on a background thread.
    func nudge() {
        let alreadyQueued = queued.withLockedValue { queued in
            defer { queued = true }
            return queued
        }
        guard !alreadyQueued else { return }
        work.async { [connection, queued] in
            queued.withLockedValue { $0 = false }
            // A failure here costs nothing but time: the checkpoint after the download copies
            // whatever this one did not, and reports its own errors.
            _ = try? connection.writeWithoutTransaction { db in try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        }
    }

    /// Waits until no checkpoint is running or queued.
    func finish() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            work.async { done.resume() }
        }
    }
}
