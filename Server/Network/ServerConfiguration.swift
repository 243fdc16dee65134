import ArticleSyncShared
import NIOCore

/// Everything `SyncServer` needs to know besides its storage and identity. Every limit has a default
/// that suits one person's collections; operators raise them with flags of `articlesync-server serve`.
public struct ServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (tests); the bound address is reported to `onListening`.
    public var port: Int
    public var maximumFrameLength: Int
    public var maximumMutationsPerPush: Int
    public var maximumArticlesPerPull: Int
    public var articleSizeLimit: Int
    public var maximumConnections: Int
    /// A connection with no complete request for this long (including one stuck in the TLS handshake) is closed.
    public var idleTimeout: TimeAmount

    public init(
        host: String = "127.0.0.1",
        port: Int = 7443,
        maximumFrameLength: Int = FrameDecoder.defaultMaximumFrameLength,
        maximumMutationsPerPush: Int = 1000,
        maximumArticlesPerPull: Int = 1000,
        articleSizeLimit: Int = ArticleText.defaultSizeLimit,
        maximumConnections: Int = 1024,
        idleTimeout: TimeAmount = .seconds(120)
    ) {
        self.host = host
        self.port = port
        self.maximumFrameLength = maximumFrameLength
        self.maximumMutationsPerPush = maximumMutationsPerPush
        self.maximumArticlesPerPull = maximumArticlesPerPull
        self.articleSizeLimit = articleSizeLimit
        self.maximumConnections = maximumConnections
        self.idleTimeout = idleTimeout
    }
}
