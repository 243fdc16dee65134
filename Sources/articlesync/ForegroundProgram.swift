#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs a program that works with the person at the terminal (an editor) the way git runs one: in
/// this process's process group, so that it is in the terminal's foreground, with SIGINT, SIGQUIT
/// and SIGHUP ignored here while it runs.
///
/// Not Foundation's `Process`: on Linux it starts every child in a process group of its own, which
/// is not the terminal's foreground group. The kernel stops such a child when it reads the terminal
/// (SIGTTIN), so `vim` and `nano` hung at once, stopped, and `edit` with them.
/// Ctrl-C goes to the whole foreground group: vim uses it to leave insert mode and carries on, and
/// so must this process, or the edit made after it would have no one to save it.
enum ForegroundProgram {
    enum Ending: Equatable {
        case exited(Int32)
        case killed(signal: Int32)
    }

    struct SpawnError: Error, CustomStringConvertible {
        let path: String
        let code: Int32
        var description: String { "cannot start \(path): \(String(cString: strerror(code)))" }
    }

    static func run(_ path: String, _ arguments: [String]) throws -> Ending {
        // SIGHUP too: a terminal closed while the editor is open hangs up the whole group. The editor
        // ends; this process must outlive it to keep what was saved in `.articlesync/unsaved/`,
        // rather than leave it in a temporary folder under /tmp that no message names.
        let previousInterrupt = signal(SIGINT, SIG_IGN)
        let previousQuit = signal(SIGQUIT, SIG_IGN)
        let previousHangUp = signal(SIGHUP, SIG_IGN)
        defer {
            signal(SIGINT, previousInterrupt)
            signal(SIGQUIT, previousQuit)
            signal(SIGHUP, previousHangUp)
        }

        // The child gets the default actions and no blocked signals, whatever this process has.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGQUIT)
        sigaddset(&defaults, SIGHUP)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, path, nil, &attributes, argv, environ)
        guard spawned == 0 else { throw SpawnError(path: path, code: spawned) }

        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw SpawnError(path: path, code: errno) }
        }
        // WIFEXITED and friends are macros Swift does not import.
        let signalNumber = status & 0x7f
        return signalNumber == 0 ? .exited((status >> 8) & 0xff) : .killed(signal: signalNumber)
    }
}
