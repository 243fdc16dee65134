import ArgumentParser
import ArticleSyncClient

extension ArticleSyncCommand {
    struct Remote: AsyncParsableCommand {
        // `remote` alone shows, as `git remote` does; before, `-C DIR remote` said "Unknown option '-C'".
        static let configuration = CommandConfiguration(
            commandName: "remote",
            abstract: "Show or change the server this replica syncs with (`remote` alone shows it, as `remote show` does).",
            subcommands: [Show.self, Trust.self, Token.self, Address.self],
            defaultSubcommand: Show.self)

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "show", abstract: "Print server, collection, pinned fingerprint and client id.")
            @OptionGroup var options: ReplicaOptions

            func run() async throws {
                let state = try options.open().syncState()
                print("server      \(state.server)\ncollection  \(state.collection)\nfingerprint \(state.fingerprint)\nclient id   \(state.clientID)")
            }
        }

        struct Trust: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "trust",
                abstract: "Pin a new server fingerprint, after checking it with the server operator (`articlesync-server fingerprint`).")
            @OptionGroup var options: ReplicaOptions
            @Argument(help: "sha256:<64 hex>") var fingerprint: String

            func run() async throws {
                try options.open().trust(fingerprint: fingerprint)
                print("now trusting \(fingerprint.lowercased())")
            }
        }

        struct Token: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "token",
                abstract: "Replace the access token (after the operator revoked it or made a new one: `articlesync-server token create`).")
            @OptionGroup var options: ReplicaOptions
            @OptionGroup var token: TokenOptions

            func run() async throws {
                try options.replicaDirectory.replaceToken(with: try token.value())
                print("token replaced; the next sync uses it")
            }
        }

        struct Address: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "address",
                abstract: "Point this replica at its server's new address (it moved, or its port changed).",
                discussion: "The certificate is checked as before (the pin, or the CA and host name). Another server behind the address is noticed at the next sync; the replica then downloads its collection again and sends back what it holds that the server lacks.")
            @OptionGroup var options: ReplicaOptions
            @Argument(help: ArgumentHelp("The server's new address.", valueName: "HOST:PORT")) var server: String

            func run() async throws {
                try options.replicaDirectory.changeServerAddress(to: server)
                print("now syncing with \(server)")
            }
        }
    }
}
