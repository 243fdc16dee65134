import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Standard output and error as this program writes them. `print` goes through C's buffered stdout,
/// which drops write errors: `show ID > file` on a full disk exited 0 with the file cut short. And
/// FileHandle's `write(_:)` stops the process at a failed write (a `try!` inside), whose crash then
/// hung: `sync --watch | tee log` with tee gone, or stdout on a full disk, left a hung watcher. Here
/// a failed write ends the program: with status 1 and a message on stderr, or quietly with 141 (as
/// SIGPIPE would, which NIO ignores) when the reader of a pipe went away.
enum StandardOutput {
    /// Writes to stdout at once (progress, watch mode), bypassing `print`'s buffer.
    static func write(_ text: String) {
        do {
            try FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
        } catch {
            failed(Int32(((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)?.code ?? 0))
        }
    }

    /// Pushes out what `print` left in C's buffer; called before the program ends. (NULL: every
    /// stream, which is stdout's buffer alone here; `stdout` itself is a global Swift 6 refuses.)
    static func flush() {
        if fflush(nil) != 0 { failed(errno) }
    }

    static func failed(_ code: Int32) -> Never {
        if code == EPIPE { exit(141) }
        let reason = code == 0 ? "a write failed" : String(cString: strerror(code))
        printError("Error: cannot write the output (\(reason)); what was printed is incomplete")
        exit(1)
    }
}

/// Writes to stderr (messages that are not the command's output), with `-C DIR` in the commands
/// they suggest (see `SuggestedCommands`). Where stderr itself cannot be written there is no one left to tell.
func printError(_ text: String) {
    try? FileHandle.standardError.write(contentsOf: Data((SuggestedCommands.carryingReplicaOption(text) + "\n").utf8))
}

/// Prints a line of the command's own words to stdout, not an article's, with `-C DIR` in the
/// commands it suggests (see `SuggestedCommands`).
func printMessage(_ text: String) {
    print(SuggestedCommands.carryingReplicaOption(text))
}

/// Writes a line to stdout at once. `print` is block-buffered when stdout is a pipe or a file, and
/// watch mode and progress lines must appear as things happen.
func emitLine(_ line: String) {
    StandardOutput.write(line + "\n")
}
