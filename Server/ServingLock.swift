import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The claim of one running `serve` on a data directory: an exclusive `flock` on `serve.lock`,
/// held while the process lives and let go by the kernel however it ends (kill -9 included).
///
/// Two servers on one directory would share the change log safely (SQLite's locks), but not the
/// rest: the second to stop removed `status.json` while the first still ran, so `status` said "not
/// running", and a watcher connected to one never heard of pushes to the other. The admin
/// subcommands (`token`, `backup`, `check`, ...) do not take the lock: they work beside the server.
public final class ServingLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock, or says which server holds it.
    init(directory: ServerDataDirectory) throws {
        try directory.create()
        let path = directory.servingLockPath
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ServerSetupError(message: "cannot open \(path): \(String(cString: strerror(errno))); check the permissions of \(directory.path)")
        }
        // `status` holds a shared lock for a moment to see whether a server runs (`isHeld`): a start
        // that meets it tries again, for up to a second, rather than reporting a server that is not there.
        var failure: Int32 = 0
        for attempt in 0...Self.attempts {
            if attempt > 0 { usleep(Self.pauseMicroseconds) }
            failure = flock(descriptor, LOCK_EX | LOCK_NB) == 0 ? 0 : errno
            if failure != EWOULDBLOCK { break }
        }
        guard failure == 0 else {
            guard failure == EWOULDBLOCK else {
                close(descriptor)
                throw ServerSetupError(message: "cannot lock \(path): \(String(cString: strerror(failure))); is \(directory.path) on a file system without locks?")
            }
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(descriptor)
            throw ServerSetupError(message: "another articlesync-server\(holder.map { $0.isEmpty ? "" : " (pid \($0))" } ?? "") is serving "
                + "\(directory.path); stop it first, or give this one a data directory of its own with --data")
        }
        // Who holds it, for the message above; the lock itself is the flock, not this text.
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        self.descriptor = descriptor
    }

    /// 50 pauses of 20 ms: a second.
    static let attempts = 50
    static let pauseMicroseconds: useconds_t = 20_000

    deinit {
        close(descriptor)
    }

    /// Whether a `serve` holds the lock on `directory` now. Exact where the pid in `status.json` is
    /// not: `kill(pid, 0)` took a later process that got the same pid for the server.
    public static func isHeld(in directory: ServerDataDirectory) -> Bool {
        let descriptor = open(directory.servingLockPath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return flock(descriptor, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK
    }
}
