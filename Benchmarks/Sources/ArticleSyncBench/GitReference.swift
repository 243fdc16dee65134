import ArticleSyncShared
import Foundation

/// git doing the same jobs: the articles as files in a repository served by `git daemon` on
/// loopback, cloned, pushed and pulled with the real `git`.
struct GitReference {
    let root: String
    let port: Int
    private let daemon: Process

    /// Starts `git daemon` on a free loopback port serving the repositories under `root`.
    init(root: String) throws {
        self.root = root
        port = try Self.freePort()
        daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        daemon.arguments = ["git", "daemon", "--reuseaddr", "--export-all", "--enable=receive-pack", "--base-path=\(root)",
                            "--listen=127.0.0.1", "--port=\(port)", root]
        daemon.standardOutput = FileHandle.nullDevice
        daemon.standardError = FileHandle.nullDevice
        try daemon.run()
        // Up to 4 s for the daemon to listen. Each probe that connects costs the daemon a child
        // process, so probing stops at the first one that does.
        var listening = false
        for _ in 0..<200 {
            listening = Self.accepts(port: port)
            if listening { break }
            usleep(20_000)
        }
        guard listening else {
            stop()
            throw BenchError("git daemon did not listen on 127.0.0.1:\(port) within 4 s; check that `git daemon` runs here")
        }
    }

    /// Stops the daemon and the `git-daemon` process it runs (git's wrapper does not pass SIGTERM on).
    func stop() {
        let pid = daemon.processIdentifier
        InterruptCleanup.killDescendants(of: pid)
        kill(pid, SIGKILL)
        daemon.waitUntilExit()
    }

    var url: String { "git://127.0.0.1:\(port)" }

    @discardableResult
    static func git(_ arguments: [String], in directory: String) throws -> ProcessCost {
        try run("git", ["-C", directory, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "init.defaultBranch=main"] + arguments)
    }

    /// A repository named `name` holding `articles` as text files, one commit.
    func makeRepository(_ name: String, articles: ArraySlice<Article>) throws {
        let path = root + "/" + name
        try FileManager.default.createDirectory(atPath: path + "/articles", withIntermediateDirectories: true)
        for article in articles {
            try Data(ArticleText.print(article).utf8).write(to: URL(fileURLWithPath: "\(path)/articles/\(article.idString).txt"))
        }
        try Self.git(["init", "-q"], in: path)
        try Self.git(["add", "-A"], in: path)
        try Self.git(["commit", "-q", "-m", "import"], in: path)
    }

    /// An empty bare repository to push to.
    func makeBareRepository(_ name: String) throws {
        try FileManager.default.createDirectory(atPath: root + "/" + name, withIntermediateDirectories: true)
        try Self.git(["init", "-q", "--bare"], in: root + "/" + name)
    }

    static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
        guard bound == 0 else { throw BenchError("cannot find a free port") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(port: Int) -> Bool {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
