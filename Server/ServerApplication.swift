import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// Runs a server on a data directory until SIGTERM or SIGINT: what `articlesync-server serve` does.
public enum ServerApplication {
    /// - Parameter announce: called once listening, with the fingerprint and the bound port.
    public static func serve(
        directory: ServerDataDirectory,
        configuration: ServerConfiguration,
        logger: Logger,
        announce: @escaping @Sendable (_ fingerprint: String, _ port: Int) -> Void
    ) async throws {
        let store = try directory.openChangeLog()
        let identity = try directory.loadOrCreateIdentity()
        let server = SyncServer(configuration: configuration, store: store, identity: identity, logger: logger) { port in
            announce(identity.fingerprint, port)
        }
        let group = ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}

extension ServerConfiguration {
    /// The idle timeout in whole seconds, for command-line flags.
    public var idleTimeoutSeconds: Int {
        get { Int(idleTimeout.nanoseconds / 1_000_000_000) }
        set { idleTimeout = .seconds(Int64(max(1, newValue))) }
    }
}
