import Foundation

/// A real `articlesync-server serve` process on 127.0.0.1 with its own data directory.
final class ServerProcess {
    let dataDirectory: String
    private(set) var port: Int = 0
    private(set) var fingerprint: String = ""
    private var process: Process?
    private let logPath: String

    /// Starts the server on a free port.
    init(dataDirectory: String) throws {
        self.dataDirectory = dataDirectory
        self.logPath = dataDirectory + ".log"
        try start()
    }

    /// Starts (or restarts, on the port it had) the server.
    func start() throws {
        guard process == nil else { return }
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Products.server)
        process.arguments = ["serve", "--data", dataDirectory, "--listen", "127.0.0.1:\(port)", "--log-level", "warning"]
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            let lines = output.split(separator: "\n")
            if let line = lines.first(where: { $0.hasPrefix("listening on ") }),
               let portText = line.split(separator: ":").last, let bound = Int(portText),
               let fingerprintLine = lines.first(where: { $0.hasPrefix("fingerprint ") }) {
                port = bound
                fingerprint = String(fingerprintLine.dropFirst("fingerprint ".count))
                return
            }
            if !process.isRunning { throw TestFailure("the server exited early: \(output)") }
            usleep(20_000)
        }
        stop()
        throw TestFailure("the server did not report its port within 60 s")
    }

    var address: String { "127.0.0.1:\(port)" }
    var isRunning: Bool { process?.isRunning ?? false }

    /// SIGTERM and wait: the server's graceful shutdown path. Returns the exit status.
    @discardableResult
    func stop() -> Int32? {
        guard let process else { return nil }
        if process.isRunning { process.terminate() }
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        self.process = nil
        return process.terminationStatus
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Runs an admin subcommand against this server's data directory.
    func admin(_ arguments: [String]) throws -> CommandResult {
        try runProcess(Products.server, arguments + ["--data", dataDirectory])
    }

    func makeToken(access: String, collection: String = "articles") throws -> String {
        let result = try admin(["token", "create", "--collection", collection, "--access", access])
        guard result.status == 0 else { throw TestFailure("token create failed: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: logPath)
    }
}
