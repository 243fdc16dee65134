import ArgumentParser
import ArticleSyncServer

extension ServerCommand {
    struct Fingerprint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "fingerprint", abstract: "Print the server certificate's fingerprint (sha256:<hex>), for `articlesync init --fingerprint`.")

        @OptionGroup var dataOptions: DataOptions

        func run() async throws {
            print(try dataOptions.directory.existingIdentity().fingerprint)
        }
    }
}
