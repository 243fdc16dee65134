import ArticleSyncShared
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// The TLS sync server: accepts connections and runs one ``SyncSession`` per connection.
///
/// A `Service`, so a `ServiceGroup` runs it and shuts it down on SIGTERM/SIGINT: the listener closes
/// first, then open sessions are cancelled; every push already answered has been committed.
public struct SyncServer: Service {
    public typealias Connection = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    let configuration: ServerConfiguration
    let store: any ChangeLogStore
    let identity: ServerIdentity
    let logger: Logger
    let notifier: ChangeNotifier
    let registry: ConnectionRegistry
    /// Called once the listener is bound, with the port it got (useful with port 0).
    let onListening: @Sendable (Int) async -> Void

    public init(
        configuration: ServerConfiguration,
        store: any ChangeLogStore,
        identity: ServerIdentity,
        logger: Logger,
        notifier: ChangeNotifier = ChangeNotifier(),
        registry: ConnectionRegistry = ConnectionRegistry(path: nil),
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.store = store
        self.identity = identity
        self.logger = logger
        self.notifier = notifier
        self.registry = registry
        self.onListening = onListening
    }

    /// TLS 1.2 at least (swift-nio-ssl would allow 1.0) and only forward-secret AEAD suites (TLS 1.3's
    /// suites all are). With a client CA, every client must present a certificate that chains to it.
    public static func tlsConfiguration(for identity: ServerIdentity, clientCertificateAuthorityFile: String? = nil) -> TLSConfiguration {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: identity.certificateChain.map { .certificate($0) },
            privateKey: .privateKey(identity.privateKey)
        )
        tls.minimumTLSVersion = .tlsv12
        if let clientCertificateAuthorityFile {
            tls.certificateVerification = .noHostnameVerification
            tls.trustRoots = .file(clientCertificateAuthorityFile)
        }
        tls.cipherSuiteValues = [
            .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            .TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, .TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ]
        return tls
    }

    public func run() async throws {
        let sslContext: NIOSSLContext
        do {
            sslContext = try NIOSSLContext(configuration: Self.tlsConfiguration(for: identity, clientCertificateAuthorityFile: configuration.clientCertificateAuthorityFile))
        } catch {
            throw ServerSetupError(message: "cannot set up TLS (certificate, key or --client-ca file): \(error)")
        }
        let configuration = self.configuration
        let listener: NIOAsyncChannel<Connection, Never>
        do {
            listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .bind(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(IdleStateHandler(readTimeout: configuration.idleTimeout))
                        try pipeline.addHandler(IdleConnectionCloser())
                        try pipeline.addHandler(NIOSSLServerHandler(context: sslContext))
                        let frames = FrameDecoder(maximumFrameLength: configuration.maximumFrameLength, firstFrameLimit: ServerConfiguration.maximumHelloLength)
                        try pipeline.addHandler(ByteToMessageHandler(frames))
                        // After the frame decoder, where whole frames arrive.
                        try pipeline.addHandler(HelloDeadline(timeout: configuration.handshakeTimeout))
                        try pipeline.addHandler(MessageToByteHandler(FrameEncoder()))
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw ServerSetupError(message: "cannot listen on \(HostAndPort.text(host: configuration.host, port: configuration.port)): the address is in use (another "
                + "articlesync-server, or another program, listens there); stop it, or pick another port with --listen")
        } catch let error as IOError {
            // In the system's words: NIO's own say "bind(descriptor:ptr:bytes:): … (errno: 99)".
            throw ServerSetupError(message: "cannot listen on \(HostAndPort.text(host: configuration.host, port: configuration.port)): "
                + "\(String(cString: strerror(error.errnoCode))); check the address given to --listen")
        } catch {
            throw ServerSetupError(message: "cannot listen on \(HostAndPort.text(host: configuration.host, port: configuration.port)): \(error)")
        }
        if let address = listener.channel.localAddress {
            logger.info("listening", metadata: ["address": "\(address)", "fingerprint": "\(identity.fingerprint)"])
            registry.setListening(HostAndPort.text(host: configuration.host, port: address.port ?? configuration.port))
            await onListening(address.port ?? configuration.port)
        }
        let storeIdentity = try await store.identity()
        let openConnections = NIOLockedValueBox(0)
        let logger = self.logger
        let store = self.store
        let notifier = self.notifier
        let registry = self.registry
        registry.flush()
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        registry.flush()
                    }
                }
                do {
                    try await listener.executeThenClose { inbound in
                        for try await connection in inbound {
                            let admitted = openConnections.withLockedValue { count in
                                guard count < configuration.maximumConnections else { return false }
                                count += 1
                                return true
                            }
                            group.addTask {
                                let session = SyncSession(configuration: configuration, store: store, storeIdentity: storeIdentity,
                                                          notifier: notifier, registry: registry, logger: logger)
                                if admitted {
                                    await session.run(connection)
                                    openConnections.withLockedValue { $0 -= 1 }
                                } else {
                                    await session.refuse(connection, reason: "the server already has \(configuration.maximumConnections) connections; try again later")
                                }
                            }
                        }
                    }
                } catch is CancellationError {
                    // Shutdown by cancellation rather than by signal: nothing went wrong.
                } catch {
                    logger.error("accept loop ended", metadata: ["error": "\(error)"])
                }
                // The listener is closed: end the sessions still open.
                group.cancelAll()
            }
        } onGracefulShutdown: {
            listener.channel.close(promise: nil)
        }
    }
}
