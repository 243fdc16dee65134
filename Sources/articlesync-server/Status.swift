import ArgumentParser
import ArticleSyncServer
import Foundation

extension ServerCommand {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show each collection's article count and head seq, and the clients connected to the running server.")

        @OptionGroup var dataOptions: DataOptions

        func run() async throws {
            let directory = dataOptions.directory
            let collections = try directory.openExistingChangeLog().collections()
            let snapshot = ConnectionRegistry.read(path: directory.statusPath)
            let running = ServingLock.isHeld(in: directory)
            if let snapshot, running {
                print("server running (pid \(snapshot.pid)) on \(snapshot.listening) since \(snapshot.startedAt); status as of \(snapshot.updatedAt)")
            } else if running {
                print("server running (starting: no status written yet)")
            } else {
                print("server not running")
            }
            let connections = running ? snapshot?.connections ?? [] : []
            for collection in collections {
                let clients = connections.filter { $0.collection == collection.name }
                print("\(collection.name)\tarticles=\(collection.articleCount)\thead=\(collection.headSeq)\tconnected=\(clients.count)")
                for client in clients {
                    print("  \(client.clientID)\t\(client.address)\tsince \(client.since)\(client.subscribed ? "\twatching" : "")")
                }
            }
        }
    }
}
