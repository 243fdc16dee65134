import Foundation

/// A real `articlesync-server serve` process: started, stopped with SIGTERM, or killed with SIGKILL
/// and restarted on the same port, as the reliability tests need.
public final class ServerSupervisor: @unchecked Sendable {
    public let executable: String
    public let dataDirectory: String
    /// More `serve` flags (limits, certificates).
    public let extraArguments: [String]
    /// When set (while stopped), the next `start` runs the server with this limit on the size of
    /// any file it writes, in KiB, and SIGXFSZ ignored: writes past it fail as on a full disk.
    public var fileSizeLimitKiB: Int?
    public private(set) var port: Int = 0
    public private(set) var fingerprint: String = ""
    private var process: Process?
    private let logPath: String
    private let lock = NSLock()

    /// Starts the server on a free port (then keeps that port across restarts).
    public init(executable: String, dataDirectory: String, extraArguments: [String] = []) throws {
        self.executable = executable
        self.dataDirectory = dataDirectory
        self.extraArguments = extraArguments
        self.logPath = dataDirectory + ".log"
        try start()
    }

    public var address: String { "127.0.0.1:\(port)" }
    public var processIdentifier: Int32? { lock.withLock { process?.processIdentifier } }

    /// The server process's peak resident memory so far (VmHWM), in KiB.
    public var peakResidentKiB: Int? {
        guard let pid = processIdentifier, let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        return status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
            .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") }
    }
    /// CPU the server process has used so far, user and system (/proc/PID/stat), in seconds.
    public var cpuSeconds: Double? {
        guard let pid = processIdentifier, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let endOfName = stat.lastIndex(of: ")") else { return nil }
        // After the name (which may hold spaces): state is field 3, utime and stime fields 14 and 15.
        let fields = stat[stat.index(after: endOfName)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
    public var isRunning: Bool { lock.withLock { process?.isRunning ?? false } }
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    public func start() throws {
        try lock.withLock {
            guard process == nil else { return }
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
            let process = Process()
            // --exit-with-parent: a test or benchmark process that crashes leaves no server behind.
            let arguments = ["serve", "--data", dataDirectory, "--listen", "127.0.0.1:\(port)", "--log-level", "warning", "--exit-with-parent"]
                + extraArguments
            let command = fileSizeLimitKiB.map { fileSizeLimited(executable, arguments, kib: $0) } ?? (executable: executable, arguments: arguments)
            process.executableURL = URL(fileURLWithPath: command.executable)
            process.arguments = command.arguments
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
            process.standardOutput = log
            process.standardError = log
            process.standardInput = FileHandle.nullDevice
            try process.run()
            self.process = process
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline {
                let lines = ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n")
                if let listening = lines.first(where: { $0.hasPrefix("listening on ") }),
                   let bound = listening.split(separator: ":").last.flatMap({ Int($0) }),
                   let fingerprintLine = lines.first(where: { $0.hasPrefix("fingerprint ") }) {
                    port = bound
                    fingerprint = String(fingerprintLine.dropFirst("fingerprint ".count))
                    return
                }
                if !process.isRunning {
                    self.process = nil
                    throw SupervisorError("the server exited during start-up: \(lines.suffix(5).joined(separator: "\n"))")
                }
                usleep(10_000)
            }
            throw SupervisorError("the server did not report its address within 60 s")
        }
    }

    /// SIGTERM, then waits; returns the exit status.
    @discardableResult
    public func stop() -> Int32? { end(signal: SIGTERM) }

    /// SIGKILL: no shutdown code runs, as in a crash or power cut of the process.
    public func kill() { _ = end(signal: SIGKILL) }

    private func end(signal: Int32) -> Int32? {
        lock.withLock {
            guard let process else { return nil }
            if process.isRunning { Foundation.kill(process.processIdentifier, signal) }
            let deadline = Date().addingTimeInterval(20)
            while process.isRunning && Date() < deadline { usleep(5_000) }
            if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            self.process = nil
            return process.terminationStatus
        }
    }

    /// Runs an admin subcommand on this server's data directory.
    public func admin(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try runProgram(executable, arguments + ["--data", dataDirectory])
    }

    public func makeToken(access: String = "write", collection: String = "articles") throws -> String {
        let result = try admin(["token", "create", "--collection", collection, "--access", access])
        guard result.status == 0 else { throw SupervisorError("token create failed: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit {
        _ = end(signal: SIGTERM)
        try? FileManager.default.removeItem(atPath: logPath)
    }
}

public struct SupervisorError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// `executable` with `arguments`, run so that no file it writes can grow past `kib` KiB and a write
/// past that fails (SIGXFSZ ignored) as on a full disk: the command line that does it.
public func fileSizeLimited(_ executable: String, _ arguments: [String], kib: Int) -> (executable: String, arguments: [String]) {
    // bash counts `ulimit -f` in KiB; an ignored signal stays ignored across exec.
    ("/bin/bash", ["-c", "trap '' XFSZ; ulimit -f \(kib) && exec \"$0\" \"$@\"", executable] + arguments)
}

/// Runs a program to completion (at most `timeout` seconds), collecting its output through files;
/// `input`, if any, is its standard input.
public func runProgram(_ executable: String, _ arguments: [String], environment: [String: String] = [:], input: String? = nil,
                       timeout: TimeInterval = 120) throws -> (status: Int32, stdout: String, stderr: String) {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outURL = scratch.appendingPathComponent("out"), errURL = scratch.appendingPathComponent("err")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    // The editor a caller names is the one that runs: articlesync reads VISUAL before EDITOR, and
    // the VISUAL of whoever runs the tests must not open their editor in the middle of a test.
    if environment["EDITOR"] != nil, environment["VISUAL"] == nil { merged["VISUAL"] = nil }
    process.environment = merged
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    if let input {
        let inURL = scratch.appendingPathComponent("in")
        try Data(input.utf8).write(to: inURL)
        process.standardInput = try FileHandle(forReadingFrom: inURL)
    } else {
        process.standardInput = FileHandle.nullDevice
    }
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(5_000) }
    if process.isRunning {
        process.terminate()
        process.waitUntilExit()
        throw SupervisorError("\(executable) \(arguments.joined(separator: " ")) took longer than \(Int(timeout)) s")
    }
    process.waitUntilExit()
    return (process.terminationStatus,
            (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
}
