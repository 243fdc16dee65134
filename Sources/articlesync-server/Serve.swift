import ArgumentParser
import ArticleSyncServer
import ArticleSyncShared
import Logging
import Foundation

extension ServerCommand {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the sync server until SIGTERM or SIGINT.")

        @OptionGroup var dataOptions: DataOptions

        @Option(help: ArgumentHelp("Address to listen on; port 0 picks a free port.", valueName: "HOST:PORT"))
        var listen: String = "127.0.0.1:7443"

        @Option(help: "Largest frame a client may send, in bytes.")
        var maxFrameBytes: Int = ServerConfiguration().maximumFrameLength

        @Option(help: "Most mutations in one push.")
        var maxPushMutations: Int = ServerConfiguration().maximumMutationsPerPush

        @Option(help: "Most articles in one pull batch.")
        var maxPullArticles: Int = ServerConfiguration().maximumArticlesPerPull

        @Option(help: "Largest article, in bytes.")
        var maxArticleBytes: Int = ServerConfiguration().articleSizeLimit

        @Option(help: "Most open connections.")
        var maxConnections: Int = ServerConfiguration().maximumConnections

        @Option(help: "Seconds a connection may stay silent before it is closed.")
        var idleTimeout: Int = 120

        @Option(help: "Seconds a new connection has to finish the TLS handshake and send its hello.")
        var handshakeTimeout: Int = 10

        @Option(help: "Requests per second one connection may make.")
        var maxRequestsPerSecond: Int = ServerConfiguration().maximumRequestsPerSecond

        @Option(help: ArgumentHelp("PEM certificate chain to serve instead of the self-signed one (with --key).", valueName: "PEM"))
        var cert: String?

        @Option(help: ArgumentHelp("PEM private key of --cert (mode 0600).", valueName: "PEM"))
        var key: String?

        @Option(help: ArgumentHelp("Require client certificates that chain to this CA (mutual TLS).", valueName: "PEM"))
        var clientCA: String?

        @Flag(help: "Stop (as on SIGTERM) once the process that started this one exits: for test harnesses and scripts that may die without stopping it.")
        var exitWithParent = false

        func validate() throws {
            if (cert == nil) != (key == nil) { throw ValidationError("--cert and --key go together") }
            let counts = [("--max-frame-bytes", maxFrameBytes), ("--max-push-mutations", maxPushMutations), ("--max-pull-articles", maxPullArticles),
                          ("--max-article-bytes", maxArticleBytes), ("--max-connections", maxConnections), ("--idle-timeout", idleTimeout),
                          ("--handshake-timeout", handshakeTimeout), ("--max-requests-per-second", maxRequestsPerSecond)]
            // Before, a mistyped level was taken as info without a word.
            guard Logger.Level(rawValue: logLevel) != nil else {
                throw ValidationError("--log-level takes trace, debug, info, notice, warning, error or critical, not \"\(logLevel)\"")
            }
            for (flag, value) in counts where value < 1 {
                throw ValidationError("\(flag) must be at least 1, not \(value)")
            }
            // Clients push at most a quarter of the frame limit of article text, and always one article.
            guard maxArticleBytes <= maxFrameBytes / 4 else {
                throw ValidationError("--max-frame-bytes (\(maxFrameBytes)) must be at least 4 × --max-article-bytes (\(maxArticleBytes)), "
                    + "so that the largest article fits in a push with room for its encoding")
            }
        }

        @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
        var logLevel: String = "info"

        func run() async throws {
            let (host, port) = try parseListen()
            // Logs go to stderr; stdout carries only the lines scripts read.
            LoggingSystem.bootstrap(StreamLogHandler.standardError)
            var logger = Logger(label: "articlesync-server")
            logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info  // checked in validate()
            var configuration = ServerConfiguration(
                host: host, port: port, maximumFrameLength: maxFrameBytes, maximumMutationsPerPush: maxPushMutations,
                maximumArticlesPerPull: maxPullArticles, articleSizeLimit: maxArticleBytes, maximumConnections: maxConnections)
            configuration.idleTimeoutSeconds = idleTimeout
            configuration.handshakeTimeoutSeconds = handshakeTimeout
            configuration.maximumRequestsPerSecond = maxRequestsPerSecond
            configuration.clientCertificateAuthorityFile = clientCA
            let certificate = cert.flatMap { chain in key.map { (chain: chain, key: $0) } }
            try await ServerApplication.serve(directory: dataOptions.directory, configuration: configuration, certificate: certificate,
                                              exitWithParent: exitWithParent, logger: logger) { fingerprint, boundPort in
                // Written unbuffered: scripts and tests wait for these lines to learn the fingerprint and port.
                // A stdout nobody reads (closed) must not stop the server: FileHandle's write(_:) would.
                let listening = HostAndPort.text(host: host, port: boundPort)
                try? FileHandle.standardOutput.write(contentsOf: Data("fingerprint \(fingerprint)\nlistening on \(listening)\n".utf8))
            }
        }

        func parseListen() throws -> (String, Int) {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port),
                  !listen.contains("/") else {
                throw ValidationError("--listen takes HOST:PORT, without a scheme or path, e.g. 127.0.0.1:7443 (port 0 picks a free one)")
            }
            var host = String(listen[..<colon])
            // [::1]:7443, as clients write an IPv6 address; the socket wants it bare.
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            // Before, ":7443" (every interface, to some programs) failed as the unknown host "".
            guard !host.isEmpty else {
                throw ValidationError("--listen needs a host before the port: 0.0.0.0:\(port) listens on every interface, 127.0.0.1:\(port) on this machine only")
            }
            return (host, port)
        }
    }
}
