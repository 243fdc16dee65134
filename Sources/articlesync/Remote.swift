import ArgumentParser
import ArticleSyncClient

extension ArticleSyncCommand {
    struct Remote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remote", abstract: "Show or change the server this replica syncs with.", subcommands: [Show.self, Trust.self])

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
    }
}
