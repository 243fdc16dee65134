import Foundation
import UnixSignals

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
