import ArticleSyncShared

/// What the networking code needs from storage. SQLite (``SQLiteChangeLog``) is the embedded
/// implementation; a PostgreSQL one for several stateless servers would be one more conforming type.
public protocol ChangeLogStore: Sendable {
    /// Identifies this database: `epoch` changes when the database is replaced, telling clients to
    /// re-download instead of trusting their cursor.
    func identity() async throws -> StoreIdentity
    /// Checks a bearer token for a collection. Throws ``AccessError`` when it does not grant access.
    func authorize(token: String, collection: String) async throws -> AccessGrant
    func headSeq(collectionID: Int64) async throws -> Int64
    /// Whether the collection's log holds `change`: that seq, for that article at that version,
    /// with that content, made by that mutation. False for a change log put back from an older
    /// copy of its files, which never saw the change or numbered another one with its seq (see
    /// `SeenChange`).
    func holds(_ change: SeenChange, collectionID: Int64) async throws -> Bool
    /// Articles of the collection whose latest change is after `cursor`, oldest first: at most
    /// `limit` of them, and no more than `byteBudget` bytes of articles (but always at first one).
    /// Articles whose seq lies in a `skip` range are left out; the cursor still moves past them.
    func pull(collectionID: Int64, after cursor: Int64, limit: Int, byteBudget: Int, skip: [ClosedRange<Int64>]) async throws -> ChangeBatch
    /// Applies each mutation by compare-and-set in one transaction; answers only after it committed.
    func push(collectionID: Int64, clientID: String, mutations: [Mutation], articleSizeLimit: Int) async throws -> [MutationResult]
    func checksum(collectionID: Int64) async throws -> CollectionChecksum
    func manifest(collectionID: Int64) async throws -> [ManifestEntry]
    /// Versions of one article of the collection, newest first: those below version `before` (from
    /// the latest when nil), at most `limit` of them and no more than `byteBudget` bytes of articles
    /// (but always at least one). None for an article the collection does not hold.
    func history(collectionID: Int64, articleID: String, before: Int64?, limit: Int, byteBudget: Int) async throws -> ArticleHistory
    /// What a client is told when a request fails with `error`, thrown by this store: a phrase such
    /// as "its disk is full", without the internals (paths, statements), which go to the server's
    /// log. Nil when there is no more to say than that the server failed.
    func describeFailure(_ error: any Error) -> String?
}

extension ChangeLogStore {
    public func describeFailure(_ error: any Error) -> String? { nil }

    public func pull(collectionID: Int64, after cursor: Int64, limit: Int) async throws -> ChangeBatch {
        try await pull(collectionID: collectionID, after: cursor, limit: limit, byteBudget: .max, skip: [])
    }
}

public struct StoreIdentity: Sendable, Equatable {
    public var serverID: String
    public var epoch: String
}

/// What a valid token lets its bearer do.
public struct AccessGrant: Sendable, Equatable {
    public var tokenID: String
    public var collectionID: Int64
    public var collection: String
    public var access: Access
}

public enum Access: String, Sendable, Codable, CaseIterable {
    case read, write

    public var canWrite: Bool { self == .write }
}

public struct ChangeBatch: Sendable {
    public var articles: [ChangedArticle]
    public var cursor: Int64
    public var more: Bool
}

public struct ArticleHistory: Sendable {
    public var versions: [ArticleVersion]
    /// Older versions are left.
    public var more: Bool
}

public struct CollectionChecksum: Sendable, Equatable {
    public var checksum: String
    public var count: Int
    public var headSeq: Int64
}

/// A token that grants nothing here. The message never repeats the token.
public enum AccessError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidToken
    case revokedToken
    case wrongCollection(String)
    case unknownCollection(String)

    public var description: String {
        switch self {
        case .invalidToken: "the token is not valid; ask the server operator for a token (`articlesync-server token create`)"
        case .revokedToken: "the token has been revoked; ask the server operator for a new one"
        // The client adds "; then `articlesync remote token …`": each case says what to ask for.
        case .wrongCollection(let name): "the token does not grant access to collection \"\(name)\"; ask the server operator for a token "
            + "for it (`articlesync-server token create --collection \(name)`)"
        case .unknownCollection(let name): "there is no collection \"\(name)\" on this server (`articlesync-server collection list`)"
        }
    }
}
