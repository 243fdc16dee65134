import ArticleSyncClient
import ArticleSyncShared
import ArticleSyncStress
import Foundation
import NIOConcurrencyHelpers
import Testing

/// `sync --watch` processes against a real server, and subscription fan-out.
@Suite(.timeLimit(.minutes(5))) struct LiveSyncTests {
    /// A running `articlesync -C DIR sync --watch`, stopped with SIGINT.
    final class Watcher {
        let process = Process()
        let logPath: String

        init(_ replica: ReplicaCLI) throws {
            logPath = replica.path + "-watch.log"
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
            process.executableURL = URL(fileURLWithPath: Products.client)
            process.arguments = ["-C", replica.path, "sync", "--watch"]
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
            process.standardOutput = log
            process.standardError = log
            try process.run()
        }

        var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

        /// SIGINT; returns the exit status.
        func interrupt() -> Int32 {
            if process.isRunning { kill(process.processIdentifier, SIGINT) }
            let deadline = Date().addingTimeInterval(15)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            return process.terminationStatus
        }

        deinit { if process.isRunning { process.terminate(); process.waitUntilExit() } }
    }

    /// Polls `condition` every 50 ms for at most `seconds`.
    func eventually(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(50_000)
        }
        return try condition()
    }

    @Test func watchingReplicasSeeEachOthersEditsAndSurviveAServerRestart() throws {
        let workspace = try Workspace()
        let token = try workspace.server.makeToken(access: "write")
        let a = try workspace.replica("a", token: token)
        let b = try workspace.replica("b", token: token)
        try a.ok(["add", workspace.seedFiles[0]])
        let watchA = try Watcher(a), watchB = try Watcher(b)

        #expect(try eventually(20) { try b.list().count == 1 }, "b never received a's article: \(watchB.log)")
        let id = String(try a.list()[0].id.prefix(8))
        #expect(try eventually(10) { try workspace.server.admin(["status"]).stdout.contains("connected=2") })
        #expect(try workspace.server.admin(["status"]).stdout.contains("watching"))

        // An edit made by another process on a's replica travels to b with nobody running sync.
        try a.ok(["set", id, "--title", "diubah saat menonton"])
        #expect(try eventually(10) { try b.list().first?.title == "diubah saat menonton" }, "\(watchA.log)\n\(watchB.log)")

        // The server goes away; an edit made meanwhile arrives once it is back.
        workspace.server.stop()
        try a.ok(["set", id, "--tag", "selama-server-mati"])
        try workspace.server.start()
        #expect(try eventually(40) { try b.list().first?.tags == ["selama-server-mati"] }, "\(watchA.log)\n\(watchB.log)")
        #expect(watchA.log.contains("disconnected"))

        #expect(watchA.interrupt() == 0)
        #expect(watchB.interrupt() == 0)
        #expect(watchB.log.contains("stopped watching"))
        #expect(try a.hashes() == b.hashes())
    }

    /// A watch whose token is revoked stops with the server's reason and exit status 1, instead of
    /// printing "retrying in 30 s" for as long as it runs.
    @Test func aWatchWhoseTokenIsRevokedStopsWithTheReason() throws {
        let workspace = try Workspace()
        let token = try workspace.server.makeToken(access: "write")
        let a = try workspace.replica("a", token: token)
        let watch = try Watcher(a)
        #expect(eventually(20) { watch.log.contains("watching") }, "\(watch.log)")
        let tokenID = try #require(token.split(separator: "_").dropFirst().first)
        #expect(try workspace.server.admin(["token", "revoke", String(tokenID)]).status == 0)
        // The token is checked on every request: the push of this edit meets the revocation.
        try a.ok(["add", workspace.seedFiles[0]])
        #expect(eventually(30) { !watch.process.isRunning }, "the watch kept running: \(watch.log)")
        guard !watch.process.isRunning else { return }
        #expect(watch.process.terminationStatus == 1)
        #expect(watch.log.contains("unauthorized") && watch.log.contains("revoked"), "\(watch.log)")
    }

    @Test func twoHundredSubscribersAllHearOfAChange() async throws {
        let workspace = try Workspace()
        let token = try workspace.server.makeToken(access: "write")
        let address = try ServerAddress(parsing: workspace.server.address)
        let fingerprint = workspace.server.fingerprint
        let subscribed = NIOLockedValueBox(0)
        let heard = try await withThrowingTaskGroup(of: Int64.self) { group in
            for index in 0..<200 {
                group.addTask {
                    try await ServerConnection.withConnection(to: address, trust: .fingerprint(fingerprint)) { connection in
                        _ = try await connection.request {
                            .hello(id: $0, protocolVersion: articleSyncProtocolVersion, clientID: "listener-\(index)", token: token, collection: "articles")
                        }
                        _ = try await connection.request { .subscribe(id: $0) }
                        subscribed.withLockedValue { $0 += 1 }
                        return try await connection.nextNotification()
                    }
                }
            }
            // Push once everybody listens.
            let deadline = Date().addingTimeInterval(60)
            while subscribed.withLockedValue({ $0 }) < 200 && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
            let results = try await RawClient.push([Mutation(mutationID: "fan-out", baseVersion: 0,
                                                             article: Article(title: "Untuk semua", body: "Isi.", category: "News", source: "s"))],
                                                   token: token, server: workspace.server)
            #expect(results.first?.status == .applied)
            var heads: [Int64] = []
            for try await head in group { heads.append(head) }
            return heads
        }
        #expect(heard.count == 200)
        #expect(Set(heard) == [1])
    }

    @Test func jsonAndQuietOutputsStayMachineFriendly() throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        try replica.ok(["add"] + workspace.seedFiles)
        let json = try replica.ok(["sync", "--json"])
        let report = try JSONDecoder().decode(SyncReport.self, from: Data(json.utf8))
        #expect(report.pushed == workspace.seedFiles.count)
        #expect(try replica.ok(["sync", "--quiet"]).isEmpty)
    }

    /// On a terminal (a pseudo-terminal made by util-linux `script`), a download shows a bar with
    /// count and rate; through a pipe, the same sync prints no bar.
    @Test func progressBarOnATerminalOnly() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            print("util-linux script is missing; the terminal progress test was skipped")
            return
        }
        let workspace = try Workspace()
        let token = try workspace.server.makeToken(access: "write")
        let writer = try workspace.replica("writer", token: token)
        var files: [String] = []
        for index in 0..<1200 { files.append(try workspace.write("p\(index).txt", "News\n\nArtikel \(index)\n\nIsi \(index). {x}")) }
        try writer.ok(["add"] + files)
        try writer.ok(["sync"])

        let onTerminal = try workspace.replica("terminal", token: token)
        let shown = try runProgram("/usr/bin/script", ["-qec", "\(Products.client) -C \(onTerminal.path) sync", "/dev/null"])
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("] 100%  1200 articles"), "\(shown.stdout)")
        #expect(shown.stdout.contains("/s"))

        let piped = try workspace.replica("piped", token: token)
        let plain = try piped.ok(["sync"])
        #expect(!plain.contains("["))
        #expect(plain.contains("pulled 1200"))
    }
}
