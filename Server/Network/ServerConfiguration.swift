import ArticleSyncShared
import NIOCore

/// Everything `SyncServer` needs to know besides its storage and identity. Every limit has a default
/// that suits one person's collections; operators change them with flags of `articlesync-server serve`.
public struct ServerConfiguration: Sendable {
    /// The largest first frame a peer may send: its `hello`, read before it has shown a token. A
    /// hello holds a client id (at most 100 bytes), a token (81), a collection name (at most 64)
    /// and a few short fields, so 64 KiB leaves room for any later field; `maximumFrameLength`
    /// applies from the second frame on.
    public static let maximumHelloLength = 64 << 10

    public var host: String
    /// 0 picks a free port (tests); the bound port is reported to `onListening`.
    public var port: Int
    public var maximumFrameLength: Int
    public var maximumMutationsPerPush: Int
    public var maximumArticlesPerPull: Int
    public var articleSizeLimit: Int
    public var maximumConnections: Int
    /// A connection that has not finished the TLS handshake and sent its `hello` this long after
    /// connecting is closed (`HelloDeadline`).
    public var handshakeTimeout: TimeAmount
    /// A connection that sends nothing for this long is closed.
    public var idleTimeout: TimeAmount
    /// Requests per second one connection may make (sustained; bursts up to the same number).
    public var maximumRequestsPerSecond: Int
    /// PEM file of the CA that client certificates must chain to; nil means no client certificates.
    public var clientCertificateAuthorityFile: String?

    public init(
        host: String = "127.0.0.1",
        port: Int = 7443,
        maximumFrameLength: Int = FrameDecoder.defaultMaximumFrameLength,
        maximumMutationsPerPush: Int = 1000,
        maximumArticlesPerPull: Int = 1000,
        articleSizeLimit: Int = ArticleText.defaultSizeLimit,
        maximumConnections: Int = 1024,
        handshakeTimeout: TimeAmount = .seconds(10),
        idleTimeout: TimeAmount = .seconds(120),
        maximumRequestsPerSecond: Int = 200,
        clientCertificateAuthorityFile: String? = nil
    ) {
        self.host = host
        self.port = port
        self.maximumFrameLength = maximumFrameLength
        self.maximumMutationsPerPush = maximumMutationsPerPush
        self.maximumArticlesPerPull = maximumArticlesPerPull
        self.articleSizeLimit = articleSizeLimit
        self.maximumConnections = maximumConnections
        self.handshakeTimeout = handshakeTimeout
        self.idleTimeout = idleTimeout
        self.maximumRequestsPerSecond = maximumRequestsPerSecond
        self.clientCertificateAuthorityFile = clientCertificateAuthorityFile
    }
}
