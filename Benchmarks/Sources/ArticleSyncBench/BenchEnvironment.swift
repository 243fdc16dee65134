import ArticleSyncClient
import ArticleSyncShared
import ArticleSyncStress
import Foundation

/// Where the programs and the scratch space of one benchmark run are, and the generated articles.
struct BenchEnvironment {
    let products: String
    let work: String
    let articles: [Article]
    let runs: Int

    var client: String { products + "/articlesync" }
    var server: String { products + "/articlesync-server" }

    /// A fresh directory under the work directory.
    func directory(_ name: String) throws -> String {
        let path = work + "/" + name
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A new server process with its own data directory, and a write token for it.
    func startServer(_ name: String) throws -> (ServerSupervisor, String) {
        let server = try ServerSupervisor(executable: self.server, dataDirectory: try directory(name) + "/data")
        return (server, try server.makeToken())
    }

    /// A new replica of `server`'s collection (made through the library, not timed).
    func replica(_ name: String, of server: ServerSupervisor, token: String) throws -> (ReplicaDirectory, Replica) {
        let directory = ReplicaDirectory(path: try self.directory(name) + "/replica")
        let replica = try directory.initialize(server: server.address, collection: "articles", token: token, fingerprint: server.fingerprint)
        return (directory, replica)
    }

    /// `articlesync -C DIR sync --quiet` as its own process: time and peak memory. With
    /// ARTICLESYNC_BENCH_PERF=DIR in the environment each sync runs under `perf record`, writing
    /// DIR/<replica name>.data (the times then include perf's overhead). Call graphs are unwound
    /// from DWARF: with frame pointers most Swift and SQLite callers are lost, and a 20,000-article
    /// push's acknowledgements showed as 14% of the client's time instead of 52%.
    func syncProcess(_ directory: ReplicaDirectory) throws -> ProcessCost {
        let sync = [client, "-C", directory.path, "sync", "--quiet"]
        let cost: ProcessCost
        if let perfDirectory = ProcessInfo.processInfo.environment["ARTICLESYNC_BENCH_PERF"] {
            let name = URL(fileURLWithPath: directory.path).deletingLastPathComponent().lastPathComponent
            cost = try measureProcess("/usr/bin/perf", ["record", "-q", "--call-graph", "dwarf,16384", "-F", "2000", "-o", "\(perfDirectory)/\(name).data", "--"] + sync)
        } else {
            cost = try measureProcess(sync[0], Array(sync.dropFirst()))
        }
        guard cost.status == 0 else { throw BenchError("sync of \(directory.path) exited \(cost.status)") }
        return cost
    }

    /// Total bytes of the articles in the text format (the MB/s basis for every contender).
    func bytes(_ count: Int) -> Int { articles.prefix(count).reduce(0) { $0 + ArticleText.print($1).utf8.count } }
}
