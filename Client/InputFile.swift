import Foundation

/// Reads a file a person names on the command line. FileManager's `contents(atPath:)` returns nil
/// for a pipe, so `--token-file <(pass show articlesync)` (a token kept out of the shell history
/// and off the disk), `/dev/stdin` or `add <(…)` were "cannot read": such a file is read as a
/// stream, to its end.
public enum InputFile {
    public static func contents(atPath path: String) -> Data? {
        if let data = FileManager.default.contents(atPath: path) { return data }
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        do {
            return try handle.readToEnd() ?? Data()
        } catch {
            return nil
        }
    }
}
