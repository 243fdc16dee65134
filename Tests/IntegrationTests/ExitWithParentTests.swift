import Foundation
import Testing

/// `serve --exit-with-parent`: a server whose starter died without stopping it (a crashed test
/// process, a killed script) stops on its own instead of staying bound to its port.
@Suite(.timeLimit(.minutes(2))) struct ExitWithParentTests {
    @Test func aServerWhoseStarterIsKilledStopsOnItsOwn() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("articlesync-parent-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        // A shell starts the server and waits, as a harness would; then the shell is SIGKILLed.
        let starter = Process()
        starter.executableURL = URL(fileURLWithPath: "/bin/sh")
        starter.arguments = ["-c", #"exec 3>"$1/pid"; "$0" serve --data "$1/data" --listen 127.0.0.1:0 --exit-with-parent >"$1/log" 2>&1 3>&- & echo $! >&3; wait"#,
                             Products.server, root]
        try starter.run()
        var serverPID: pid_t = 0
        // Exited: gone, or a zombie until whoever adopted it reaps it.
        func hasExited() -> Bool {
            guard let status = try? String(contentsOfFile: "/proc/\(serverPID)/status", encoding: .utf8) else { return true }
            return status.contains("State:\tZ")
        }
        defer { if serverPID > 0, !hasExited() { kill(serverPID, SIGKILL) } }
        let started = Date()
        while Date().timeIntervalSince(started) < 60 {
            let log = (try? String(contentsOfFile: root + "/log", encoding: .utf8)) ?? ""
            if log.contains("listening on "), let pid = pid_t(((try? String(contentsOfFile: root + "/pid", encoding: .utf8)) ?? "")
                .trimmingCharacters(in: .whitespacesAndNewlines)) {
                serverPID = pid
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        try #require(serverPID > 0, "the server did not start: \((try? String(contentsOfFile: root + "/log", encoding: .utf8)) ?? "")")
        // Not waited for with waitUntilExit: Foundation's wait also ends only when the server, which
        // inherited the shell's descriptors, is gone, and so would hang exactly when the server stays.
        kill(starter.processIdentifier, SIGKILL)

        let killed = Date()
        while !hasExited(), Date().timeIntervalSince(killed) < 20 { Thread.sleep(forTimeInterval: 0.05) }
        #expect(hasExited(), "the server outlived its starter by 20 s")
        let log = (try? String(contentsOfFile: root + "/log", encoding: .utf8)) ?? ""
        #expect(log.contains("the process that started this server exited; stopping"), "\(log)")
    }
}
