import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// Runs a server on a data directory until SIGTERM or SIGINT: what `articlesync-server serve` does.
public enum ServerApplication {
    /// - Parameter announce: called once listening, with the fingerprint and the bound port.
    /// - Parameter certificate: an operator's PEM certificate chain and key instead of the data
    ///   directory's self-signed identity.
    /// - Parameter exitWithParent: stop gracefully once the process that started this one exits
    ///   (see `ParentWatch`).
    public static func serve(
        directory: ServerDataDirectory,
        configuration: ServerConfiguration,
        certificate: (chain: String, key: String)? = nil,
        exitWithParent: Bool = false,
        logger: Logger,
        announce: @escaping @Sendable (_ fingerprint: String, _ port: Int) -> Void
    ) async throws {
        let lock = try ServingLock(directory: directory)
        defer { withExtendedLifetime(lock) {} }
        let identity = try certificate.map { try ServerIdentity.load(certificateFile: $0.chain, keyFile: $0.key) } ?? directory.loadOrCreateIdentity()
        let store = try directory.openChangeLog()
        let registry = ConnectionRegistry(path: directory.statusPath)
        let server = SyncServer(configuration: configuration, store: store, identity: identity, logger: logger, registry: registry) { port in
            announce(identity.fingerprint, port)
        }
        var services = [ServiceGroupConfiguration.ServiceConfiguration(service: server)]
        if exitWithParent {
            // Its return is a request to stop, not a failure: the group shuts down gracefully.
            services.append(.init(service: ParentWatch(parent: getppid(), logger: logger), successTerminationBehavior: .gracefullyShutdownGroup))
        }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        defer { try? FileManager.default.removeItem(atPath: directory.statusPath) }
        try await group.run()
    }
}

extension ServerConfiguration {
    /// The idle timeout in whole seconds, for command-line flags.
    public var idleTimeoutSeconds: Int {
        get { Int(idleTimeout.nanoseconds / 1_000_000_000) }
        set { idleTimeout = .seconds(Int64(max(1, newValue))) }
    }

    /// The handshake timeout in whole seconds, for command-line flags.
    public var handshakeTimeoutSeconds: Int {
        get { Int(handshakeTimeout.nanoseconds / 1_000_000_000) }
        set { handshakeTimeout = .seconds(Int64(max(1, newValue))) }
    }
}
