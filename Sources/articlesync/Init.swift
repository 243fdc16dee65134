import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared
import Foundation

extension ArticleSyncCommand {
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Make DIR a replica of a collection on a server.",
            discussion: "Nothing is downloaded until `articlesync -C DIR sync`. The token is stored in DIR/.articlesync/token, mode 0600.")

        @Argument(help: "The directory to make a replica in (created when missing).")
        var directory: String

        @Option(help: ArgumentHelp("The server's address.", valueName: "HOST:PORT"))
        var server: String

        @Option(help: "The collection to sync.")
        var collection: String = "articles"

        @OptionGroup var token: TokenOptions

        @Option(help: ArgumentHelp("Pin the server certificate's fingerprint (`articlesync-server fingerprint`).", valueName: "sha256:HEX"))
        var fingerprint: String?

        @Option(help: ArgumentHelp("Instead of a pin: verify the server's certificate against this CA and the host name.", valueName: "PEM"))
        var caFile: String?

        @Option(help: ArgumentHelp("Client certificate for servers that require mutual TLS (with --client-key).", valueName: "PEM"))
        var clientCert: String?

        @Option(help: ArgumentHelp("Private key of --client-cert.", valueName: "PEM"))
        var clientKey: String?

        func validate() throws {
            // `init "$DIR"` with DIR unset: before, the replica was made at /.articlesync.
            if directory.isEmpty { throw ValidationError("give the directory to make the replica in (the one given is empty: an unset shell variable?)") }
            if (fingerprint == nil) == (caFile == nil) { throw ValidationError("give exactly one of --fingerprint and --ca-file") }
            if (clientCert == nil) != (clientKey == nil) { throw ValidationError("--client-cert and --client-key go together") }
        }

        func run() async throws {
            let tokenValue = try token.value()
            let clientCertificate = clientCert.flatMap { certificate in clientKey.map { ClientCertificate(certificateFile: certificate, keyFile: $0) } }
            _ = try ReplicaDirectory(path: directory).initialize(
                server: server, collection: collection, token: tokenValue, fingerprint: fingerprint,
                certificateAuthorityFile: caFile, clientCertificate: clientCertificate)
            print("initialized replica of \(collection) on \(server) in \(directory)")
            print("next: articlesync -C \(ShellWord.quoted(directory)) sync")
        }
    }
}
