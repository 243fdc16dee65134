import ArgumentParser
import ArticleSyncServer

extension ServerCommand {
    struct CollectionCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "collection", abstract: "Create and list collections (`collection` alone lists them).",
            subcommands: [Create.self, List.self], defaultSubcommand: List.self)

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a collection.")
            @OptionGroup var dataOptions: DataOptions
            @Argument(help: "Letters, digits, '-', '_' or '.'.") var name: String

            func run() async throws {
                try dataOptions.directory.openExistingChangeLog().createCollection(name: name)
                print("created collection \(name)")
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "List collections with their article count and head seq.")
            @OptionGroup var dataOptions: DataOptions

            func run() async throws {
                let collections = try dataOptions.directory.openExistingChangeLog().collections()
                for collection in collections {
                    print("\(collection.name)\tarticles=\(collection.articleCount)\thead=\(collection.headSeq)")
                }
            }
        }
    }
}
