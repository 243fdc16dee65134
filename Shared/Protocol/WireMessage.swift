import Foundation

/// The protocol version this build speaks; `hello` carries it and the server refuses others by name.
/// Additions that older peers can ignore (an encoding offer, pull skip ranges) do not change it.
public let articleSyncProtocolVersion = 1

/// The most skip ranges a server looks at in one `pull`; further ranges are ignored, which only
/// means those articles are sent anyway.
public let maximumPullSkipRanges = 256

/// One change a client asks the server to apply.
///
/// `mutationID` is minted once when the edit is queued and reused on every retry, so the server can
/// answer a retry with `duplicate` instead of making a second version. `baseVersion` is the server
/// version the edit was made on (0 for an article created offline); the server applies the change
/// only if that is still the current version (compare-and-set).
public struct Mutation: Sendable, Hashable, Codable {
    public var mutationID: String
    public var baseVersion: Int64
    public var article: Article

    public init(mutationID: String, baseVersion: Int64, article: Article) {
        self.mutationID = mutationID
        self.baseVersion = baseVersion
        self.article = article
    }
}

/// The server's answer to one mutation of a push.
public struct MutationResult: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Codable {
        /// Accepted as a new version (`version`, `seq`).
        case applied
        /// Accepted earlier under the same mutation id; `version`/`seq` are those of that first time.
        case duplicate
        /// The base version is stale; `article` is the server's current state to merge with.
        case conflict
        /// Can never be applied as sent (`reason` says why); retrying the same mutation will not help.
        case rejected
    }

    public var mutationID: String
    public var status: Status
    public var version: Int64?
    public var seq: Int64?
    public var article: ChangedArticle?
    public var reason: String?

    public init(mutationID: String, status: Status, version: Int64? = nil, seq: Int64? = nil, article: ChangedArticle? = nil, reason: String? = nil) {
        self.mutationID = mutationID
        self.status = status
        self.version = version
        self.seq = seq
        self.article = article
        self.reason = reason
    }
}

/// An article as the change feed carries it: the latest state, and which mutation made that state.
///
/// Knowing the mutation lets a client recognise its own edit coming back (for instance after the
/// acknowledgement of a push was lost) instead of treating it as somebody else's concurrent edit.
public struct ChangedArticle: Sendable, Hashable, Codable {
    /// The article as fields, or as the storage form it travelled in (`binary-v2`), which is read
    /// into fields only when asked: a download stores most articles without ever needing them.
    public enum Content: Sendable {
        case article(Article)
        case stored(CheckedStorageForm)
    }

    public var content: Content
    public var mutationID: String
    public var clientID: String

    public init(article: Article, mutationID: String, clientID: String) {
        self.content = .article(article)
        self.mutationID = mutationID
        self.clientID = clientID
    }

    public init(stored: CheckedStorageForm, mutationID: String, clientID: String) {
        self.content = .stored(stored)
        self.mutationID = mutationID
        self.clientID = clientID
    }

    /// The article. For one that travelled in its storage form this reads it on every access.
    public var article: Article {
        switch content {
        case .article(let article): article
        case .stored(let form): form.article
        }
    }

    /// `article.idString`, without reading a storage form.
    public var idString: String {
        switch content {
        case .article(let article): article.idString
        case .stored(let form): form.idString
        }
    }

    /// `article.version` and `article.seq`, without reading a storage form.
    public var version: Int64 {
        switch content {
        case .article(let article): article.version
        case .stored(let form): form.version
        }
    }

    public var seq: Int64 {
        switch content {
        case .article(let article): article.seq
        case .stored(let form): form.seq
        }
    }

    /// Equal when they carry the same article and mutation, however the article travelled.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.mutationID == rhs.mutationID && lhs.clientID == rhs.clientID && lhs.article == rhs.article
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(mutationID)
        hasher.combine(clientID)
        hasher.combine(article)
    }

    enum CodingKeys: String, CodingKey { case article, mutationID, clientID }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(article: try container.decode(Article.self, forKey: .article), mutationID: try container.decode(String.self, forKey: .mutationID),
                  clientID: try container.decode(String.self, forKey: .clientID))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(article, forKey: .article)
        try container.encode(mutationID, forKey: .mutationID)
        try container.encode(clientID, forKey: .clientID)
    }
}

/// How the frames after `hello`/`welcome` are written. `hello` offers encodings, `welcome` names the
/// one the server picked; `hello` and `welcome` themselves are always JSON, so any two versions can
/// start talking. Offered names this build does not know are ignored; a welcome naming one is an
/// error, since nothing after it could be read.
public enum WireEncoding: String, Sendable, Hashable, CaseIterable, Codable {
    /// One flat JSON object per frame: what every peer speaks, easy to read in a packet dump.
    case json
    /// Length-prefixed fields (see BinaryWireFormat): several times cheaper to write and read
    /// than JSON for article bodies, which is what a sync mostly moves.
    case binary = "binary-v1"
    /// `binary-v1`, except that every article of a `changes` or `pushResult` answer travels in its
    /// storage form: the server sends the bytes it stored without reading them into fields, and
    /// the client checks them (`CheckedStorageForm`) and stores them as they are.
    case binaryStored = "binary-v2"
}

/// Messages a client sends. Every one carries a request `id` that the answer repeats.
public enum ClientMessage: Sendable, Hashable {
    /// `encodings`: those the client can speak besides JSON, best first. `lastSeen`: the latest
    /// change this replica received from the server, if any (see `SeenChange`).
    case hello(id: UInt64, protocolVersion: Int, clientID: String, token: String, collection: String, encodings: [WireEncoding] = [],
               lastSeen: SeenChange? = nil)
    /// `skip`: seq ranges the client already holds exactly (its own pushes acknowledged on this
    /// connection); the server leaves those articles out but moves the cursor past them.
    case pull(id: UInt64, cursor: Int64, limit: Int, skip: [ClosedRange<Int64>] = [])
    case push(id: UInt64, mutations: [Mutation])
    case checksum(id: UInt64)
    case manifest(id: UInt64)
    /// Asks for a `notify` whenever the collection's head seq moves, for as long as the connection lasts.
    case subscribe(id: UInt64)
    case ping(id: UInt64)
    /// Versions of one article from the server's change log, newest first: those below version
    /// `before` (nil: from the latest), at most `limit` (the server caps it).
    case history(id: UInt64, articleID: String, before: Int64? = nil, limit: Int)

    public var id: UInt64 {
        switch self {
        case .hello(let id, _, _, _, _, _, _), .pull(let id, _, _, _), .push(let id, _), .checksum(let id), .manifest(let id),
             .subscribe(let id), .ping(let id), .history(let id, _, _, _): id
        }
    }

    /// The message's name: its JSON `type`, and what logs and errors call the request.
    public var type: String {
        switch self {
        case .hello: "hello"
        case .pull: "pull"
        case .push: "push"
        case .checksum: "checksum"
        case .manifest: "manifest"
        case .subscribe: "subscribe"
        case .ping: "ping"
        case .history: "history"
        }
    }
}

/// Messages the server sends.
public enum ServerMessage: Sendable, Hashable {
    /// The request id this message answers; nil for unasked messages (`notify`, some `error`s).
    public var requestID: UInt64? {
        switch self {
        case .welcome(let id, _, _, _, _, _, _, _, _), .changes(let id, _, _, _), .pushResult(let id, _), .checksum(let id, _, _, _),
             .manifest(let id, _), .pong(let id), .history(let id, _, _): id
        case .notify(let id, _), .error(let id, _, _): id
        }
    }

    /// `encoding`: what every later frame, in both directions, is written in. `pushLimits`: how
    /// large a push this server takes (absent from servers older than the field). `lastSeenHeld`:
    /// whether this server's change log holds the change `hello` named as `lastSeen` (absent when
    /// hello named none, and from servers older than the field).
    case welcome(id: UInt64, protocolVersion: Int, serverID: String, epoch: String, headSeq: Int64, access: String, encoding: WireEncoding = .json,
                 pushLimits: PushLimits? = nil, lastSeenHeld: Bool? = nil)
    case changes(id: UInt64, articles: [ChangedArticle], cursor: Int64, more: Bool)
    case pushResult(id: UInt64, results: [MutationResult])
    case checksum(id: UInt64, checksum: String, count: Int, headSeq: Int64)
    /// Every article id of the collection with its content hash (for `verify` to name what differs).
    case manifest(id: UInt64, entries: [ManifestEntry])
    /// The collection's head seq: the answer to `subscribe` (with its id), then unasked (no id)
    /// whenever another push moves the head.
    case notify(id: UInt64?, headSeq: Int64)
    case error(id: UInt64?, code: ProtocolErrorCode, message: String)
    case pong(id: UInt64)
    /// Answers `history`: versions newest first; `more` when older ones are left.
    case history(id: UInt64, versions: [ArticleVersion], more: Bool)
}

/// The largest push a server takes: its `--max-push-mutations` and `--max-frame-bytes`. A client
/// sizes its pushes to them; before they were told, a server started with lower limits than the
/// client's batches refused every push of a long outbox, and the client had no way out.
public struct PushLimits: Sendable, Hashable {
    public var mutations: Int
    public var frameBytes: Int

    public init(mutations: Int, frameBytes: Int) {
        self.mutations = mutations
        self.frameBytes = frameBytes
    }
}

/// The change with the highest seq a replica has received from the server: pulled, or its own
/// push acknowledged. `hello` names it and `welcome` says whether the server's change log holds it:
/// that seq, for that article at that version, with that content, made by that mutation. The
/// mutation id makes it that very change: a replica that sends an article again after a reset
/// mints a new one, so the same content landing on the same seq by chance does not pass.
///
/// A change log put back from an older copy of its files (a disk snapshot, a copy of a stopped
/// server's data directory) keeps its epoch, since nothing told it that it was replaced. Its seqs
/// start again below what replicas have seen: without this check they kept their cursors, never
/// sent back what the server lost, and skipped the new changes numbered at or below their cursor,
/// while `sync` said "in step". A change log that does not hold the change is treated like a new
/// epoch: the replica downloads the collection again (docs/RELIABILITY.md).
public struct SeenChange: Sendable, Hashable, Codable {
    public var seq: Int64
    public var articleID: String
    public var version: Int64
    public var contentHash: String
    public var mutationID: String

    public init(seq: Int64, articleID: String, version: Int64, contentHash: String, mutationID: String) {
        self.seq = seq
        self.articleID = articleID
        self.version = version
        self.contentHash = contentHash
        self.mutationID = mutationID
    }
}

/// One article of a `manifest` answer.
public struct ManifestEntry: Sendable, Hashable, Codable {
    public var id: String
    public var contentHash: String

    public init(id: String, contentHash: String) {
        self.id = id
        self.contentHash = contentHash
    }
}

/// One version of an article as the server's change log keeps it (a `history` answer).
public struct ArticleVersion: Sendable, Hashable {
    /// The article as this version left it (its `version` and `seq` set), with the mutation and
    /// the client that made it.
    public var change: ChangedArticle
    /// When the server accepted it: ISO 8601 in UTC.
    public var acceptedAt: String

    public init(change: ChangedArticle, acceptedAt: String) {
        self.change = change
        self.acceptedAt = acceptedAt
    }
}

/// JSON: a changed article's fields (`article`, `mutationID`, `clientID`) and `acceptedAt`, in one object.
extension ArticleVersion: Codable {
    enum CodingKeys: String, CodingKey { case acceptedAt }

    public init(from decoder: any Decoder) throws {
        change = try ChangedArticle(from: decoder)
        acceptedAt = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .acceptedAt)
    }

    public func encode(to encoder: any Encoder) throws {
        try change.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(acceptedAt, forKey: .acceptedAt)
    }
}
