/// The release both programs print for `--version`, so that a report of a fault, or of an older
/// articlesync refusing a replica a newer one migrated, can say which build it came from.
/// Raised with every release (docs/OPERATIONS.md); the protocol version is shown beside it, since
/// that, not the release, decides which clients and servers work together.
public enum ArticleSyncVersion {
    public static let release = "0.1.0"

    /// "0.1.0 (protocol 1)".
    public static var description: String { "\(release) (protocol \(articleSyncProtocolVersion))" }
}
