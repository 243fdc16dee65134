import Foundation

/// What happens when the benchmark is stopped from outside (SIGTERM, SIGINT, SIGHUP) while it runs.
///
/// Without this the default action ends only this process: the servers and watchers it started
/// stay up, and so does `git daemon`, whose forked `git-daemon` ignores the SIGTERM its wrapper gets.
/// Ctrl-C in a terminal reaches the whole process group, but `kill PID` or a CI timeout does not.
/// So the signals are caught, every descendant process is killed, the scratch directory removed,
/// and the benchmark exits with 128 + the signal number, as the shell would report it.
enum InterruptCleanup {
    /// Kept alive for the life of the process: a released dispatch source stops delivering.
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    static func install(scratch work: String) {
        for signalNumber in [SIGTERM, SIGINT, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                FileHandle.standardError.write(Data("articlesync-bench: stopped by signal \(signalNumber); stopping what it started\n".utf8))
                killDescendants(of: getpid())
                try? FileManager.default.removeItem(atPath: work)
                exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// SIGKILLs every process below `pid`, children before their parents are gone, so none is
    /// re-parented out of reach. Scratch data only: nothing needs a graceful stop.
    static func killDescendants(of pid: pid_t) {
        for child in children(of: pid) {
            kill(child, SIGSTOP)  // no more forks while its own children are collected
            killDescendants(of: child)
            kill(child, SIGKILL)
        }
    }

    /// The direct children of `pid`, from /proc (every thread's list: a child belongs to the thread
    /// that forked it).
    static func children(of pid: pid_t) -> [pid_t] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.flatMap { task -> [pid_t] in
            let list = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
            return list.split(separator: " ").compactMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
    }
}
