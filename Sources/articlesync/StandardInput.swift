import ArticleSyncClient
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension InputFile {
    /// `contents(atPath:)`, with "-" standing for standard input: `add -`, `edit ID --file -`,
    /// `resolve ID --file -`, `set ID --body-file -`, `--token-file -`.
    static func contents(orStandardInput path: String, holding what: String) throws -> Data? {
        guard path == "-" else { return try contents(atPath: path) }
        // At a terminal this waits for typing, which looks like a hang.
        if isatty(STDIN_FILENO) == 1 { printError("reading \(what) from standard input; end with Ctrl-D") }
        return try read(FileHandle.standardInput, named: "standard input")
    }

    /// How a parse error names the input.
    static func label(_ path: String) -> String { path == "-" ? "standard input" : path }
}
