import ArticleSyncShared
import Foundation

/// Where this replica syncs to and how far it got: the single row of the `syncState` table.
public struct SyncState: Sendable, Codable, Equatable {
    public var server: String
    public var collection: String
    /// `sha256:<hex>` the server's certificate must have.
    public var fingerprint: String
    /// This replica's id: the server keys mutation ids by it, so retries are recognised.
    public var clientID: String
    public var serverID: String?
    public var epoch: String?
    /// The change-feed position everything up to which is in this replica.
    public var cursor: Int64
    public var lastSyncAt: String?
    /// The latest change received from the server (see `SeenChange`); nil before the first, and
    /// after the server's database was replaced until the download again brings one.
    public var lastSeen: SeenChange?

    /// Whether the server that answered `welcome` no longer holds what this replica synced with:
    /// another epoch (a database replaced), or a log that lacks the latest change this replica
    /// received (put back from an older copy of its files). `lastSeenHeld` is the server's answer
    /// about `lastSeen`; without one (a server older than the field, or nothing seen yet) a head seq
    /// below what this replica saw tells the same. Never true before the first sync.
    public func isReplaced(epoch: String, headSeq: Int64, lastSeenHeld: Bool?) -> Bool {
        guard let known = self.epoch else { return false }
        let historyLost = lastSeenHeld == false || (lastSeenHeld == nil && max(cursor, lastSeen?.seq ?? 0) > headSeq)
        return known != epoch || historyLost
    }
}

/// What listing an article shows, read from its row's columns without decoding its text.
public struct ArticleSummary: Sendable, Equatable {
    public var id: String
    public var title: String
    public var category: String
    public var isDeleted: Bool
}

/// A local edit waiting to be pushed (a row of `outbox`).
///
/// Written in the same transaction as the edit itself. `baseVersion` is nil while an earlier entry of
/// the same article is still unacknowledged: the edit chains onto that one and gets its base version
/// when the earlier one is accepted, so a client never conflicts with its own earlier edit.
public struct OutboxEntry: Sendable, Equatable {
    public var position: Int64
    public var mutationID: String
    public var articleID: String
    public var baseVersion: Int64?
    public var article: Article
    /// Set when the entry has been sent at least once: from then on its content is frozen, because
    /// a retry must carry exactly what the server may already have applied.
    public var sentAt: String?
    public var rejectedReason: String?
}

/// A concurrent edit the merge could not settle: both sides are kept, with the merge attempt.
public struct ConflictRecord: Sendable, Equatable {
    public var articleID: String
    /// The server state the local edit started from (nil for an article made here).
    public var base: Article?
    public var mine: Article
    public var theirs: Article
    /// The merge attempt in the plain-text format, with conflict blocks (see `ConflictText`).
    public var attempt: String
    /// The fields both sides changed differently.
    public var fields: [String]
    /// When the conflict was made, or last remade by a sync that brought a newer server version into
    /// it (ISO 8601, to the millisecond since resolutions from files are checked against it).
    public var createdAt: String

    /// `createdAt` as a date: the moment `theirs` arrived. Nil if it does not parse.
    public var theirsArrivedAt: Date? { try? Date(createdAt, strategy: Self.timeFormat) }

    /// Also reads the whole seconds that conflicts made before were stamped with.
    static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}

/// How a person settles a conflict (`articlesync resolve`).
public enum Resolution: Sendable {
    /// Keep this replica's version as it is.
    case mine
    /// Take the server's version.
    case theirs
    /// Merge again, taking `side` wherever the two edits overlap (`sync --prefer`).
    case prefer(MergeSide)
    /// A hand-made version (from `--file` or `--edit`). `writtenAgainst`: the server version the
    /// conflict showed when the person wrote it; when a sync has brought a newer one since, the
    /// resolution is merged with that change rather than written over it (see `ResolutionOverlap`).
    case article(Article, writtenAgainst: Article? = nil)
}

/// A resolution written against a server version that a sync has replaced meanwhile, overlapping
/// the newer one's change: nothing was saved. `text` is the merge of the two in the article format
/// with conflict blocks; a resolution of it is written against `theirs`.
public struct ResolutionOverlap: Error, Sendable {
    public var text: String
    public var theirs: Article
}

/// What `status` reports.
public struct ReplicaStatus: Sendable, Codable, Equatable {
    public var server: String
    public var collection: String
    public var articleCount: Int
    public var deletedCount: Int
    public var pendingChanges: Int
    public var rejectedChanges: [RejectedChange]
    public var conflicts: Int
    public var cursor: Int64
    public var lastSyncAt: String?

    public struct RejectedChange: Sendable, Codable, Equatable {
        public var articleID: String
        public var reason: String

        public init(articleID: String, reason: String) {
            self.articleID = articleID
            self.reason = reason
        }
    }
}
