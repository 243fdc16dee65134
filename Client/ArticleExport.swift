import ArticleSyncShared
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes a replica's articles into a folder as `<id>.txt` files in the plain-text format.
public enum ArticleExport {
    /// What an export did.
    public struct Outcome: Sendable, Equatable {
        /// Articles whose file now holds them (written, or already holding that text).
        public var exported = 0
        /// Files left as they were because they hold changes this replica does not have.
        public var kept: [KeptFile] = []
    }

    /// A file of an earlier export that an export did not replace.
    public struct KeptFile: Sendable, Equatable {
        public var path: String
        public var articleID: String
        /// True when this replica wrote the file (an export, `add`, kept text) and it changed since:
        /// an edit made in the file, not yet saved to the article. False when the replica has no
        /// note of writing it (an older export, another replica's, one made before the replica
        /// noted its files), so whose changes it holds cannot be told.
        public var changedSinceWritten: Bool
    }

    /// Writes every article that is not deleted to `directory` (created when missing). Files of an
    /// earlier export are replaced, except one that holds changes this replica does not have;
    /// files of articles deleted since stay.
    ///
    /// Before, a second export replaced every file: text edited in an exported file, to be saved
    /// with `edit --file`, was lost without a word. A file is replaced only when it still holds
    /// what this replica wrote there (its content hash is the noted one, `FileOrigin`); one that
    /// differs from that, or that the replica has no note of, is kept and reported.
    ///
    /// Articles are read and written one at a time, so 100,000 of them need no more memory than
    /// one. Each file is written under a hidden temporary name (`.<id>.txt.tmp`, which `add` skips)
    /// and renamed into place, so no reader ever sees half a file, also not one replaced by a
    /// second export. Nothing is flushed to disk file by file, as with `cp`: an fsync for each of
    /// 20,000 files made an export take 7 s instead of 1–3 s. The replica still holds every
    /// article, so an export cut short by a power failure is simply made again.
    public static func write(_ replica: Replica, to directory: String) throws -> Outcome {
        // `export exp/ID.txt`, a slip for one article's file: "cannot create the directory …: File
        // exists" did not say what was wrong.
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw ReplicaError("\(directory) is a file, not a directory: export writes one file per article (<id>.txt) into a directory; "
                + "name a directory (a new one is made), or use `articlesync show ID > FILE` for one article's text")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ReplicaError("cannot create the directory \(directory): \(FileFailure.reason(error))")
        }
        var origins: [FileOrigin] = []
        var outcome = Outcome()
        let folder = FileOrigin.key(directory)
        // Read before the articles: looking each up inside their read would nest reads.
        let written = try replica.fileOrigins(inFolder: folder)
        try replica.forEachArticle { article, contentHash in
            let name = article.idString + ".txt"
            let key = (folder as NSString).appendingPathComponent(name)
            let text = Data(ArticleText.print(article).utf8)
            let path = directory + "/" + name
            let existing = FileManager.default.contents(atPath: path)
            if let existing, existing != text, let kept = keptFile(existing, at: path, of: article, writtenFrom: written[key]) {
                outcome.kept.append(kept)
                return
            }
            // A file that holds the text already is left alone, its time of change too (rsync, make).
            if existing != text { try write(text, named: name, in: directory) }
            origins.append(FileOrigin(key: key, articleID: article.idString, contentHash: contentHash))
        }
        outcome.exported = origins.count
        // So that `edit --file` can tell a file that went stale from one that did not; a kept file
        // keeps its note. A replica read from read-only media cannot note anything.
        if !replica.isReadOnly { try replica.noteExport(origins, keeping: outcome.kept.map { FileOrigin.key($0.path) }) }
        return outcome
    }

    /// `existing`, the text at `path`, unless it still holds what this replica wrote there
    /// (`origin`).
    static func keptFile(_ existing: Data, at path: String, of article: Article, writtenFrom origin: FileOrigin?) -> KeptFile? {
        guard let origin, origin.articleID == article.idString else {
            return KeptFile(path: path, articleID: article.idString, changedSinceWritten: false)
        }
        // A file that no longer parses was edited too.
        if var read = try? ArticleText.parse(existing, file: path) {
            read.id = article.id
            if ArticleText.normalized(read).contentHash == origin.contentHash { return nil }
        }
        return KeptFile(path: path, articleID: article.idString, changedSinceWritten: true)
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
