import ArticleSyncClient
import Foundation
import NIOConcurrencyHelpers
import UnixSignals

/// Shows download progress: a bar redrawn in place on a terminal, a plain line every few seconds
/// when stdout is a file or a pipe (logs, cron).
struct ProgressPrinter: Sendable {
    let isTerminal: Bool
    let lastLine = NIOLockedValueBox<ContinuousClock.Instant?>(nil)

    static func standardOutput() -> ProgressPrinter { ProgressPrinter(isTerminal: isatty(STDOUT_FILENO) == 1) }

    var report: @Sendable (SyncProgress) -> Void {
        { progress in self.show(progress) }
    }

    func show(_ progress: SyncProgress) {
        let rate = Int(progress.articlesPerSecond.rounded())
        let percent = Int((progress.fraction * 100).rounded())
        if isTerminal {
            let width = 30
            let filled = Int(progress.fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
            var line = "\r[\(bar)] \(percent)%  \(progress.articles) articles  \(rate)/s"
            if progress.finished { line += "\n" }
            StandardOutput.write(line)
            return
        }
        let now = ContinuousClock.now
        let due = lastLine.withLockedValue { last -> Bool in
            guard progress.finished || last.map({ now - $0 >= .seconds(2) }) ?? true else { return false }
            last = now
            return true
        }
        // Short downloads print nothing here; the summary line says how many were pulled.
        if due && !(progress.finished && progress.elapsed < .seconds(2)) {
            emitLine("downloading: \(progress.articles) articles (\(percent)%), \(rate) articles/s")
        }
    }
}


enum SignalWait {
    /// Returns at the first SIGINT or SIGTERM.
    static func untilInterrupted() async {
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        for await _ in signals { return }
    }

    /// While the returned source lives (cancel it when done): at SIGINT (Ctrl-C) or SIGTERM, says on
    /// stderr that what was done is kept, then ends the process by that signal as it would have
    /// ended without this. Before, a Ctrl-C left the progress bar's line open and said nothing of
    /// what became of the download. Each pulled batch and each push answer is its own transaction,
    /// so ending here keeps everything committed, as a kill does (docs/RELIABILITY.md).
    /// On a queue of its own, not in a task: a sync's database work keeps the cooperative threads
    /// busy, and a task waiting for the signal ran only once the sync had finished.
    static func reportingInterruption(_ what: String) -> [any DispatchSourceSignal] {
        let queue = DispatchQueue(label: "articlesync.interruption")
        return [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                printError("\ninterrupted: \(what)")
                signal(number, SIG_DFL)
                kill(getpid(), number)  // not raise: this queue's thread blocks signals
            }
            source.setCancelHandler { signal(number, SIG_DFL) }
            source.resume()
            return source
        }
    }
}
