import ArticleSyncShared
import Foundation
import GRDB

/// The article a file outside the replica was written from, and its content then: `export`'s
/// `<id>.txt` files, text `edit` kept when it could not save it, and files `add` read.
public struct FileOrigin: Sendable, Equatable {
    public var path: String
    public var articleID: String
    public var contentHash: String
    /// The article as it was when the file was written: `edit --file` merges the file with what
    /// changed since, with this as the common ancestor. The single files `edit` writes (text it
    /// kept, a file it saved) are noted with it; an export's files without, and the replica keeps
    /// the copy when the article first changes (migration "v6 file origin states"). The files `add`
    /// reads get none: their notes stay for good, and the copies would pile up as articles change.
    public var article: Article?

    public init(path: String, articleID: String, contentHash: String) {
        self.init(key: FileOrigin.key(path), articleID: articleID, contentHash: contentHash)
    }

    /// A file written from `article` as it is now, noted with a copy of it (see `article`).
    public init(path: String, writtenFrom article: Article) {
        self.init(key: FileOrigin.key(path), articleID: article.idString, contentHash: article.contentHash)
        self.article = article
    }

    /// With `key` already spelled as `key(_:)` spells it (an export spells its folder once, not
    /// each of its 20,000 files: resolving a path costs Foundation tens of microseconds).
    init(key: String, articleID: String, contentHash: String, article: Article? = nil) {
        path = key
        self.articleID = articleID
        self.contentHash = contentHash
        self.article = article
    }

    /// The article id a file's name names, lowercased: `<id>.txt`, as exports are named, and
    /// `<id>-resolution.txt`, as kept resolutions are.
    public static func articleNamed(by path: String) -> String? {
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return UUID(uuidString: String(name.prefix(36)))?.uuidString.lowercased()
    }

    /// One spelling per file: absolute, symbolic links resolved.
    public static func key(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
    }
}

/// `edit --file` saves a file's text as the article's. A file written before the article changed
/// (a sync brought another machine's edit, say) would undo that change without a word: the
/// replica remembers what each file it wrote was written from, so that case can be refused.
extension Replica {
    /// Notes single files (text `edit` kept, a file `edit --file` saved).
    public func noteFilesWritten(_ origins: [FileOrigin]) throws {
        try pool.write { db in try Self.insert(origins, fromExport: false, db) }
    }

    /// `noteFilesWritten` for a command that otherwise only reads (`show ID > FILE`): it waits at
    /// most `seconds` for another command's write (a large `add` holds the replica for seconds)
    /// instead of the 30 s every writer waits, and then notes nothing. Returns whether it noted.
    public func noteFileWritten(_ origin: FileOrigin, waitingAtMost seconds: Double) throws -> Bool {
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA busy_timeout = \(Int(seconds * 1000))")
            defer { try? db.execute(sql: "PRAGMA busy_timeout = \(Int(Self.busyTimeout * 1000))") }
            do {
                try db.inTransaction(.immediate) {
                    try Self.insert([origin], fromExport: false, db)
                    return .commit
                }
                return true
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                return false
            }
        }
    }

    /// Drops the notes of files that are gone (a kept text once saved), with their copies; `keys`
    /// spelled as `FileOrigin.key` spelled them while the files were there.
    public func forgetFiles(keys: [String]) throws {
        try pool.write { db in
            for key in keys { try db.cachedStatement(sql: "DELETE FROM fileOrigin WHERE path = ?").execute(arguments: [key]) }
        }
    }

    /// Notes the files of an export, in place of those of earlier exports: one row per article
    /// for the latest export only, however many exports to dated folders a person keeps making
    /// (20,000 rows, ~4 MB, each). Files of older exports go unchecked, as all did before.
    /// The notes of the files under `kept` (files the export left as they were) stay.
    public func noteExport(_ origins: [FileOrigin], keeping kept: [String] = []) throws {
        try pool.write { db in
            // The kept files' rows stay as they are, with the copy of the article as it was, which
            // the merge of an edited file needs; the export wrote none of them, so `origins` holds none.
            let keptPaths = String(decoding: try JSONEncoder().encode(kept), as: UTF8.self)
            try db.execute(sql: "DELETE FROM fileOrigin WHERE fromExport = 1 AND path NOT IN (SELECT value FROM json_each(?))",
                           arguments: [keptPaths])
            try Self.insert(origins, fromExport: true, db)
        }
    }

    static func insert(_ origins: [FileOrigin], fromExport: Bool, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO fileOrigin (path, articleID, contentHash, fromExport, state) VALUES (?, ?, ?, ?, ?)")
        for origin in origins {
            try statement.execute(arguments: [origin.path, origin.articleID, origin.contentHash, fromExport, origin.article.map(encode)])
        }
    }

    /// The origins of those of `keys` (spelled as `FileOrigin.key` spells them) whose article this
    /// replica still holds, not deleted: files it added, exported or kept text in before. (Adding
    /// the file of a deleted article again makes a new one, as it always did.)
    public func origins(ofKeys keys: [String]) throws -> [String: FileOrigin] {
        try pool.read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT fileOrigin.articleID, fileOrigin.contentHash FROM fileOrigin JOIN article ON article.id = fileOrigin.articleID
                WHERE fileOrigin.path = ? AND article.isDeleted = 0
                """)
            var found: [String: FileOrigin] = [:]
            for key in keys {
                if let row = try Row.fetchOne(statement, arguments: [key]) {
                    found[key] = FileOrigin(key: key, articleID: row[0], contentHash: row[1])
                }
            }
            return found
        }
    }

    /// What the file at `path` was written from, when this replica wrote it, with the article as
    /// it was then where it was noted (`FileOrigin.article`).
    public func fileOrigin(of path: String) throws -> FileOrigin? {
        try pool.read { db in
            let sql = "SELECT path, articleID, contentHash, state FROM fileOrigin WHERE path = ?"
            guard let row = try Row.fetchOne(db, sql: sql, arguments: [FileOrigin.key(path)]) else { return nil }
            var origin = try FileOrigin(key: row.decode(forColumn: "path"), articleID: row.decode(forColumn: "articleID"),
                                        contentHash: row.decode(forColumn: "contentHash"))
            // A copy that does not decode, or is not what the note says, is as good as none: the
            // file is then refused, as one noted without a copy is, instead of merged from a wrong base.
            if let state: Data = row["state"], let article = try? Self.decode(state),
               article.idString == origin.articleID, article.contentHash == origin.contentHash {
                origin.article = article
            }
            return origin
        }
    }

    /// The noted files directly in `folder` (spelled as `FileOrigin.key` spells it), by path.
    public func fileOrigins(inFolder folder: String) throws -> [String: FileOrigin] {
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        return try pool.read { db in
            // substr, not LIKE: a folder's name may hold % or _.
            let rows = try Row.fetchCursor(db, sql: """
                SELECT path, articleID, contentHash FROM fileOrigin
                WHERE substr(path, 1, length(?1)) = ?1 AND instr(substr(path, length(?1) + 1), '/') = 0
                """, arguments: [prefix])
            var found: [String: FileOrigin] = [:]
            while let row = try rows.next() {
                let path: String = row[0]
                found[path] = FileOrigin(key: path, articleID: row[1], contentHash: row[2])
            }
            return found
        }
    }

    /// The article of this replica other than `id` that the file at `path` holds, as far as the
    /// replica can tell: the one it wrote the file from (an export, kept text, a file it added),
    /// or else the one the file's name names (`<id>.txt`, as exports are named; `<id>-resolution.txt`).
    /// `edit ID --file` and `resolve ID --file` with another article's file (a slip of the id or of
    /// the file name) replaced the article's whole text with the other one's without a word.
    /// `origin` is `fileOrigin(of: path)`, which the caller has read already.
    public func otherArticle(heldBy path: String, writtenFrom origin: FileOrigin?, than id: String) throws -> Article? {
        let named: String? = if let origin {
            origin.articleID
        } else {
            FileOrigin.articleNamed(by: path)
        }
        guard let named, named != id, let other = try article(named), !other.isDeleted else { return nil }
        return other
    }
}
