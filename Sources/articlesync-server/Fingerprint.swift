import ArgumentParser
import ArticleSyncServer

extension ServerCommand {
    struct Fingerprint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "fingerprint", abstract: "Print the server certificate's fingerprint (sha256:<hex>), for `articlesync init --fingerprint`.")

        @OptionGroup var dataOptions: DataOptions

        func run() async throws {
            let directory = dataOptions.directory
            let identity = try ServerIdentity.load(certificateFile: directory.certificatePath, keyFile: directory.keyPath)
            print(identity.fingerprint)
        }
    }
}
