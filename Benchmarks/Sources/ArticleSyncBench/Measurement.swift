import Foundation

/// A figure measured several times: median, min and max.
struct Sample: Sendable {
    var values: [Double]

    var median: Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
    var min: Double { values.min() ?? .nan }
    var max: Double { values.max() ?? .nan }

    func percentile(_ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted[Swift.min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }
}

/// Seconds taken by `body`.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    return (ContinuousClock.now - start).seconds
}

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    return (ContinuousClock.now - start).seconds
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// What one child process cost.
struct ProcessCost {
    var status: Int32
    var seconds: Double
    /// Peak resident memory (ru_maxrss), KiB.
    var peakKiB: Int
    /// CPU used, user and system, by the process and the children it waited for (wait4's rusage).
    var cpuSeconds: Double
}

/// Runs a program and measures its time and peak memory; output goes to /dev/null unless `output`
/// names a file. The program runs under GNU `time`, because the peak memory that wait4 reports for
/// a child spawned straight from this (large) process would include this process's own memory.
func measureProcess(_ executable: String, _ arguments: [String], output: String? = nil) throws -> ProcessCost {
    flushDirtyPages()
    let memoryFile = FileManager.default.temporaryDirectory.appendingPathComponent("rss-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: memoryFile) }
    var cost = try spawnAndWait("/usr/bin/time", ["-f", "%M", "-o", memoryFile, executable] + arguments, output: output)
    if let text = try? String(contentsOfFile: memoryFile, encoding: .utf8), let kib = Int(text.split(separator: "\n").last ?? "") {
        cost.peakKiB = kib
    }
    return cost
}

func spawnAndWait(_ executable: String, _ arguments: [String], output: String?) throws -> ProcessCost {
    var fileActions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&fileActions)
    defer { posix_spawn_file_actions_destroy(&fileActions) }
    posix_spawn_file_actions_addopen(&fileActions, 1, output ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&fileActions, 2, output.map { $0 + ".err" } ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
    var pid: pid_t = 0
    let start = ContinuousClock.now
    let spawned = posix_spawnp(&pid, executable, &fileActions, nil, argv, envp)
    guard spawned == 0 else { throw BenchError("cannot start \(executable): \(String(cString: strerror(spawned)))") }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let elapsed = (ContinuousClock.now - start).seconds
    let exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    let cpu = [usage.ru_utime, usage.ru_stime].reduce(0.0) { $0 + Double($1.tv_sec) + Double($1.tv_usec) / 1e6 }
    return ProcessCost(status: exitStatus, seconds: elapsed, peakKiB: Int(usage.ru_maxrss), cpuSeconds: cpu)
}

/// Writes all dirty pages out before a timed step, so the write-back of what an earlier step wrote
/// (hundreds of MB in the transfer runs) does not land in the next step's fsyncs. Every contender
/// gets the same.
func flushDirtyPages() {
    sync()
}

/// Runs a program that must succeed (setup steps), returning its cost.
@discardableResult
func run(_ executable: String, _ arguments: [String]) throws -> ProcessCost {
    let cost = try measureProcess(executable, arguments)
    guard cost.status == 0 else { throw BenchError("\(executable) \(arguments.prefix(4).joined(separator: " ")) exited \(cost.status)") }
    return cost
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
