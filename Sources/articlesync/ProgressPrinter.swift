import ArticleSyncClient
import Foundation
import NIOConcurrencyHelpers

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
