import ArticleSyncShared
import Foundation
import GRDB

/// The article a file outside the replica was written from, and its content then: `export`'s
/// `<id>.txt` files, and text `edit` kept when it could not save it.
public struct FileOrigin: Sendable, Equatable {
    public var path: String
    public var articleID: String
    public var contentHash: String

    public init(path: String, articleID: String, contentHash: String) {
        self.path = FileOrigin.key(path)
        self.articleID = articleID
        self.contentHash = contentHash
    }

    /// One spelling per file: absolute, symbolic links resolved.
    static func key(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
    }
}

/// `edit --file` saves a file's text as the article's. A file written before the article changed
/// (a sync brought another machine's edit, say) would undo that change without a word: the
/// replica remembers what each file it wrote was written from, so that case can be refused.
extension Replica {
    public func noteFilesWritten(_ origins: [FileOrigin]) throws {
        guard !origins.isEmpty else { return }
        try pool.write { db in
            let statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO fileOrigin (path, articleID, contentHash) VALUES (?, ?, ?)")
            for origin in origins { try statement.execute(arguments: [origin.path, origin.articleID, origin.contentHash]) }
        }
    }

    /// What the file at `path` was written from, when this replica wrote it.
    public func fileOrigin(of path: String) throws -> FileOrigin? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT path, articleID, contentHash FROM fileOrigin WHERE path = ?", arguments: [FileOrigin.key(path)]).map {
                try FileOrigin(path: $0.decode(forColumn: "path"), articleID: $0.decode(forColumn: "articleID"),
                               contentHash: $0.decode(forColumn: "contentHash"))
            }
        }
    }
}
