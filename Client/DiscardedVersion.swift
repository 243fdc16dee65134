import ArticleSyncShared
import Foundation

/// This replica's side of a conflict that `resolve --theirs` or `sync --prefer theirs` drops. It
/// never reached the server, so no `history` holds it: it is written to `.articlesync/discarded/`
/// first, so that a slip between mine and theirs (easy to make: git's own users make it) costs nothing.
public enum DiscardedVersion {
    static func directory(of replica: ReplicaDirectory) -> String { replica.metadataPath + "/discarded" }

    /// Writes `article` in the plain-text format as `<short id>-mine.txt` (`-mine.2.txt`, … after
    /// the first: never over an earlier one) and returns the path.
    public static func keep(_ article: Article, in replica: ReplicaDirectory) throws -> String {
        let directory = directory(of: replica)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let stem = directory + "/" + article.idString.prefix(8) + "-mine"
        var path = stem + ".txt"
        var number = 2
        while FileManager.default.fileExists(atPath: path) {
            path = stem + ".\(number).txt"
            number += 1
        }
        try Data((ArticleText.print(article) + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
        return path
    }
}
