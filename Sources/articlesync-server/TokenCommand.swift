import ArgumentParser
import ArticleSyncServer

extension Access: ExpressibleByArgument {}

extension ServerCommand {
    struct TokenCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "token", abstract: "Create, list and revoke access tokens (`token` alone lists them).",
            subcommands: [Create.self, List.self, Revoke.self], defaultSubcommand: List.self)

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "create",
                abstract: "Create a token and print it alone on stdout. It is shown only this once; the server keeps only its hash.")
            @OptionGroup var dataOptions: DataOptions
            @Option(help: "The collection the token opens.") var collection: String = "articles"
            @Option(help: "read or write.") var access: Access

            func run() async throws {
                let created = try dataOptions.directory.openExistingChangeLog().createToken(collection: collection, access: access)
                print(created.token)
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "List tokens (ids and scopes, never the tokens).")
            @OptionGroup var dataOptions: DataOptions

            func run() async throws {
                let tokens = try dataOptions.directory.openExistingChangeLog().tokens()
                for token in tokens {
                    let state = token.revokedAt.map { "revoked \($0)" } ?? "active"
                    print("\(token.id)\t\(token.collection)\t\(token.access.rawValue)\t\(token.createdAt)\t\(state)")
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a token; open connections lose access at their next request.")
            @OptionGroup var dataOptions: DataOptions
            @Argument(help: "The token id (`token list` shows it).") var id: String

            func run() async throws {
                if let earlier = try dataOptions.directory.openExistingChangeLog().revokeToken(id: id) {
                    print("\(id) was already revoked (at \(earlier)); nothing to do")
                } else {
                    print("revoked \(id)")
                }
            }
        }
    }
}
