import ArticleSyncShared
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes a replica's articles into a folder as `<id>.txt` files in the plain-text format.
public enum ArticleExport {
    /// Writes every article that is not deleted to `directory` (created when missing) and returns
    /// how many it wrote. Files of an earlier export are replaced; files of articles deleted since
    /// stay.
    ///
    /// Articles are read and written one at a time, so 100,000 of them need no more memory than
    /// one. Each file is written under a hidden temporary name (`.<id>.txt.tmp`, which `add` skips)
    /// and renamed into place, so no reader ever sees half a file, also not one replaced by a
    /// second export. Nothing is flushed to disk file by file, as with `cp`: an fsync for each of
    /// 20,000 files made an export take 7 s instead of 1–3 s. The replica still holds every
    /// article, so an export cut short by a power failure is simply made again.
    public static func write(_ replica: Replica, to directory: String) throws -> Int {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ReplicaError("cannot create the directory \(directory): \(error.localizedDescription)")
        }
        var origins: [FileOrigin] = []
        let folder = FileOrigin.key(directory)
        try replica.forEachArticle { article, contentHash in
            let name = article.idString + ".txt"
            try write(Data(ArticleText.print(article).utf8), named: name, in: directory)
            origins.append(FileOrigin(key: (folder as NSString).appendingPathComponent(name), articleID: article.idString, contentHash: contentHash))
        }
        // So that `edit --file` can tell a file that went stale from one that did not.
        try replica.noteExport(origins)
        return origins.count
    }

    /// Writes `text` to `directory/name` through a temporary file and a rename. POSIX calls, not
    /// `Data.write`: Foundation's write fsyncs every file, even when not asked to be atomic.
    static func write(_ text: Data, named name: String, in directory: String) throws {
        let path = directory + "/" + name
        let temporary = directory + "/." + name + ".tmp"
        func failure(_ step: String) -> ReplicaError {
            ReplicaError("cannot write \(path): \(step): \(String(cString: strerror(errno)))")
        }
        let file = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard file >= 0 else { throw failure("open") }
        var problem: ReplicaError?
        text.withUnsafeBytes { bytes in
            guard let start = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count, problem == nil {
                let result = Glibc.write(file, start + offset, bytes.count - offset)
                if result > 0 {
                    offset += result
                } else if result < 0, errno == EINTR {
                    continue
                } else {
                    problem = failure("write")
                }
            }
        }
        if close(file) != 0, problem == nil { problem = failure("close") }
        if problem == nil, rename(temporary, path) != 0 { problem = failure("rename") }
        if let problem {
            unlink(temporary)
            throw problem
        }
    }
}
