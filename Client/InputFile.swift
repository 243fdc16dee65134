import Foundation

/// Reads a file a person names on the command line. FileManager's `contents(atPath:)` returns nil
/// for a pipe, so `--token-file <(pass show articlesync)` (a token kept out of the shell history
/// and off the disk), `/dev/stdin` or `add <(…)` were "cannot read": every file is read as a
/// stream, to its end, but no further than `limit`, so that `add /dev/zero` (or `yes | add -`)
/// is refused instead of filling the memory.
public enum InputFile {
    /// Far more than any article, token or key (the server takes articles of 1 MiB unless told
    /// otherwise).
    public static let limit = 256 << 20

    /// Why `path` cannot be read, in the system's words ("No such file or directory", "Is a
    /// directory", "Permission denied"), for the message that names it. Before, every such file was
    /// "no such file, or it is not readable", a directory named by mistake included.
    public static func whyUnreadable(_ path: String) -> String {
        // `-` is standard input where the commands take a file (`contents(orStandardInput:holding:)`).
        if path == "-" { return "standard input could not be read" }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        defer { close(descriptor) }
        var byte: UInt8 = 0
        guard Foundation.read(descriptor, &byte, 1) >= 0 else { return String(cString: strerror(errno)) }
        return "it could not be read"
    }

    /// When the regular file at `path` was last written; nil for anything else (standard input as
    /// `-`, a pipe such as `<(…)`, a file that cannot be looked at).
    public static func modificationDate(_ path: String) -> Date? {
        guard path != "-" else { return nil }
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
    }

    /// Whether a file last written at `written` was written before `moment`, by more than 20 ms:
    /// the kernel stamps files from a clock that may lag the one `Date()` reads by a tick, and a
    /// file written right after `moment` must not count as older than it. `edit --file` and
    /// `resolve --file` refuse a file written before the change it would undo.
    public static func wasWritten(_ written: Date, before moment: Date) -> Bool {
        written < moment.addingTimeInterval(-0.02)
    }

    /// The bytes of `path`; nil when it cannot be opened or read (`whyUnreadable` says why).
    public static func contents(atPath path: String, limit: Int = limit) throws -> Data? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return try read(handle, named: path, limit: limit)
    }

    /// What `handle` holds, to its end; nil when reading fails (a directory, say).
    public static func read(_ handle: FileHandle, named name: String, limit: Int = limit) throws -> Data? {
        var data = Data()
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 1 << 20)
            } catch {
                return nil
            }
            guard let chunk, !chunk.isEmpty else { return data }
            data.append(chunk)
            if data.count > limit {
                throw ReplicaError("\(name) holds more than \(limit >> 20) MiB (or never ends, as /dev/zero does); no article, token or "
                    + "key is that large: check that it is the file you meant")
            }
        }
    }
}
