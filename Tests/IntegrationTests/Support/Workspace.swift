import ArticleSyncShared
import ArticleSyncStress
import Foundation

/// One test's temporary directory with a server and any number of replicas, all removed at the end.
final class Workspace {
    let root: String
    let server: ServerSupervisor

    /// - Parameter serverArguments: more `serve` flags; `prepare` runs first, with the root directory
    ///   (to write certificates the flags name, say).
    init(serverArguments: [String] = [], prepare: (String) throws -> Void = { _ in }) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("articlesync-it-\(UUID().uuidString.prefix(8))").path
        self.root = root
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try prepare(root)
        // The server closes a connection whose hello has not arrived 10 s after it connected. Tests
        // that wait for child processes block threads of this process's cooperative pool (two on two
        // cores), and the in-process clients' hellos waited behind them for longer than that in full
        // runs; only tests of that deadline set it.
        let deadline = serverArguments.contains("--handshake-timeout") ? [] : ["--handshake-timeout", "120"]
        server = try ServerSupervisor(executable: Products.server, dataDirectory: root + "/server",
                                      extraArguments: deadline + serverArguments.map { $0.replacingOccurrences(of: "$ROOT", with: root) })
    }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(atPath: root)
    }

    static let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("seeds").path

    var seedFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: Self.seeds)) ?? []).filter { $0.hasSuffix(".txt") }.sorted().map { Self.seeds + "/" + $0 }
    }

    /// `articlesync init` of a new replica named `name`, pinned to the server's fingerprint unless
    /// `trust` gives other flags (`--ca-file …`).
    func replica(_ name: String, token: String, fingerprint: String? = nil, server address: String? = nil, trust: [String]? = nil) throws -> ReplicaCLI {
        let path = root + "/" + name
        let result = try runProgram(Products.client, ["init", path, "--server", address ?? server.address, "--token", token]
                                    + (trust ?? ["--fingerprint", fingerprint ?? server.fingerprint]))
        guard result.status == 0 else { throw TestFailure("init failed: \(result.stderr)") }
        return ReplicaCLI(path: path)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = root + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// The `articlesync` CLI pointed at one replica with -C.
struct ReplicaCLI {
    let path: String

    /// How the program's messages name a command on this replica: `articlesync -C PATH`, PATH quoted
    /// for the shell (see `SuggestedCommands`).
    var program: String { "articlesync -C \(ShellWord.quoted(path))" }

    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:], input: String? = nil) throws -> CommandResult {
        try runProgram(Products.client, ["-C", path] + arguments, environment: environment, input: input)
    }

    /// Runs a command that must succeed, and returns its stdout.
    @discardableResult
    func ok(_ arguments: [String], environment: [String: String] = [:], input: String? = nil) throws -> String {
        let result = try run(arguments, environment: environment, input: input)
        guard result.status == 0 else {
            throw TestFailure("articlesync \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)\(result.stdout)")
        }
        return result.stdout
    }

    struct Listed: Decodable, Equatable {
        var id: String
        var title: String
        var tags: [String]
        var version: Int64
        var deleted: Bool
        var modified: Bool
        var contentHash: String
    }

    func list() throws -> [Listed] {
        try JSONDecoder().decode([Listed].self, from: Data(try ok(["list", "--all", "--json"]).utf8))
    }

    /// id → content hash, the thing two converged replicas agree on.
    func hashes() throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try list().map { ($0.id, $0.contentHash) })
    }
}

extension Workspace {
    /// A server and one replica "r" of its collection, with a write token.
    static func withOneReplica() throws -> (Workspace, ReplicaCLI) {
        let workspace = try Workspace()
        return (workspace, try workspace.replica("r", token: try workspace.server.makeToken(access: "write")))
    }

    /// Replicas a and b with one write token, both holding the first `count` seed articles (added on
    /// a and synced to b), and those articles' full ids in a's listing order.
    func twoReplicasSharing(seeds count: Int) throws -> (a: ReplicaCLI, b: ReplicaCLI, ids: [String]) {
        let token = try server.makeToken(access: "write")
        let a = try replica("a", token: token)
        let b = try replica("b", token: token)
        try a.ok(["add"] + seedFiles.prefix(count))
        try a.ok(["sync"])
        try b.ok(["sync"])
        return (a, b, try a.list().map(\.id))
    }

    /// Replicas a and b of one seed article whose title each changed, a's synced first: b's sync
    /// (returned) keeps a conflict on the title.
    func replicasWithAConflict() throws -> (a: ReplicaCLI, b: ReplicaCLI, id: String, bSync: CommandResult) {
        let (a, b, ids) = try twoReplicasSharing(seeds: 1)
        let id = String(ids[0].prefix(8))
        try a.ok(["set", id, "--title", "Judul dari A"])
        try b.ok(["set", id, "--title", "Judul dari B"])
        try a.ok(["sync"])
        return (a, b, id, try b.run(["sync"]))
    }

    /// Two replicas sharing one article that A deleted and B retitled; A synced first, so B holds a
    /// delete-against-edit conflict (its sync's result is returned).
    func replicasWithADeleteConflict() throws -> (a: ReplicaCLI, b: ReplicaCLI, id: String, bSync: CommandResult) {
        let (a, b, ids) = try twoReplicasSharing(seeds: 1)
        let id = String(ids[0].prefix(8))
        try a.ok(["delete", id])
        try b.ok(["set", id, "--title", "Judul dari B"])
        try a.ok(["sync"])
        return (a, b, id, try b.run(["sync"]))
    }
}

extension ServerSupervisor {
    var changeLogPath: String { dataDirectory + "/changelog.sqlite" }

    /// Copies a change log that no server has open, with its `-wal` and `-shm` where they exist, as
    /// a backup tool copies files.
    static func copyChangeLog(from source: String, to destination: String) throws {
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: source + suffix) {
            try FileManager.default.copyItem(atPath: source + suffix, toPath: destination + suffix)
        }
    }

    /// What an operator does to restore: stops the server, replaces its change log with the one at
    /// `source` (a `backup` file, or a copy of the files), and starts it again.
    func putBackChangeLog(from source: String) throws {
        stop()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: changeLogPath + suffix) }
        try Self.copyChangeLog(from: source, to: changeLogPath)
        try start()
    }
}
