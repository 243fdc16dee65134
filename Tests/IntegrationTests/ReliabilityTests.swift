import ArticleSyncClient
import ArticleSyncShared
import ArticleSyncStress
import Foundation
import Logging
import Testing

/// Server replacement, backups and interrupted syncs, with real processes.
@Suite(.timeLimit(.minutes(10))) struct ReliabilityTests {
    @Test func restoredBackupIsANewEpochAndNothingLocalIsLost() throws {
        let workspace = try Workspace()
        let token = try workspace.server.makeToken(access: "write")
        let a = try workspace.replica("a", token: token)
        let b = try workspace.replica("b", token: token)
        try a.ok(["add", workspace.seedFiles[0], workspace.seedFiles[1], workspace.seedFiles[2]])
        try a.ok(["sync"])

        // A consistent copy taken while the server runs.
        let backup = workspace.root + "/backup.sqlite"
        let made = try workspace.server.admin(["backup", backup])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try workspace.server.admin(["backup", backup]).status == 1, "a backup never overwrites")
        // It holds every article and token hash: readable by the operator alone, like the data directory.
        let mode = try FileManager.default.attributesOfItem(atPath: backup)[.posixPermissions] as? Int
        #expect(mode == 0o600, "mode \(String(mode ?? 0, radix: 8))")
        let nowhere = try workspace.server.admin(["backup", workspace.root + "/no-such-directory/backup.sqlite"])
        #expect(nowhere.status == 1 && nowhere.stderr.contains("check that its directory exists"), "\(nowhere.stderr)")

        // Work the backup does not have: two more articles and an edit.
        try a.ok(["add", workspace.seedFiles[3], workspace.seedFiles[4]])
        let first = String(try a.list().sorted { $0.id < $1.id }[0].id.prefix(8))
        try a.ok(["set", first, "--title", "diubah setelah backup"])
        try a.ok(["sync"])
        try b.ok(["sync"])
        #expect(try b.list().count == 5)

        // The operator restores the backup.
        try workspace.server.putBackChangeLog(from: backup)
        #expect(try workspace.server.admin(["collection", "list"]).stdout.contains("articles=3"))

        // b has an offline edit when it meets the restored server.
        let second = String(try b.list().sorted { $0.id < $1.id }[1].id.prefix(8))
        try b.ok(["set", second, "--tag", "offline-di-b"])
        let resynced = try b.ok(["sync"])
        #expect(resynced.contains("database was replaced"))
        #expect(resynced.contains("sent 2 article(s) again"))
        try a.ok(["sync"])
        try b.ok(["sync"])

        let aList = try a.list(), bList = try b.list()
        #expect(aList.count == 5)
        #expect(try a.hashes() == b.hashes())
        #expect(aList.contains { $0.title == "diubah setelah backup" }, "the edit the server lost was sent again")
        #expect(bList.contains { $0.tags.contains("offline-di-b") }, "the offline edit survived")
        #expect(try a.ok(["verify"]).hasPrefix("in sync"))
        #expect(try workspace.server.admin(["collection", "list"]).stdout.contains("articles=5"))
    }

    /// A change log put back from an older copy of its files (a disk snapshot, a copy of the stopped
    /// server's data directory) keeps its epoch. Replicas used to keep their cursors: `sync` said
    /// "in step" while the server lacked their edits, and they skipped the new changes numbered at
    /// or below their cursors. Here the restored server takes more changes than it lost before the
    /// older replicas come back, so its head is past their cursors and only the change each saw
    /// last (`SeenChange`) can tell them.
    @Test func aChangeLogPutBackFromAnOlderCopyOfItsFilesIsNoticedAndNothingIsLost() throws {
        let workspace = try Workspace()
        let token = try workspace.server.makeToken(access: "write")
        let seeds = workspace.seedFiles
        let a = try workspace.replica("a", token: token)
        let b = try workspace.replica("b", token: token)
        try a.ok(["add", seeds[0], seeds[1]])
        try a.ok(["sync"])
        try b.ok(["sync"])

        // The stopped server's files, copied as any backup tool copies them.
        let snapshot = workspace.root + "/snapshot.sqlite"
        workspace.server.stop()
        try ServerSupervisor.copyChangeLog(from: workspace.server.changeLogPath, to: snapshot)
        try workspace.server.start()

        // Work the copy does not have: two articles and an edit by a, pulled by b.
        try a.ok(["add", seeds[2], seeds[3]])
        let first = String(try a.list().sorted { $0.id < $1.id }[0].id.prefix(8))
        try a.ok(["set", first, "--title", "diubah setelah salinan"])
        try a.ok(["sync"])
        try b.ok(["sync"])
        #expect(try b.list().count == 4)

        // The copy is put back; a new replica adds five articles, more than the server lost.
        try workspace.server.putBackChangeLog(from: snapshot)
        #expect(try workspace.server.admin(["collection", "list"]).stdout.contains("articles=2"))
        let c = try workspace.replica("c", token: token)
        let written = try (0..<4).map { try workspace.write("baru-\($0).txt", "Berita\n\nJudul baru \($0)\n\nIsi berita baru \($0).\n\n{viva}\n") }
        try c.ok(["add", seeds[4]] + written)
        try c.ok(["sync"])

        // verify says so, and changes nothing: the sync after it still finds the server put back.
        let verified = try a.run(["verify"])
        #expect(verified.status == 1 && verified.stdout.contains("went back to an older copy, since this replica last synced"), "\(verified.stdout)")
        for replica in [a, b] {
            let synced = try replica.ok(["sync"])
            #expect(synced.contains("database was replaced, or went back to an older copy"), "\(synced)")
        }
        try c.ok(["sync"])
        try a.ok(["sync"])
        #expect(workspace.server.log.contains("the client has seen a change this change log does not hold"))

        let hashes = try a.hashes()
        #expect(hashes.count == 9)
        #expect(try b.hashes() == hashes && c.hashes() == hashes)
        #expect(try c.list().contains { $0.title == "diubah setelah salinan" }, "the edit the server lost was sent again")
        for replica in [a, b, c] { #expect(try replica.ok(["verify"]).hasPrefix("in sync")) }
        #expect(try workspace.server.admin(["collection", "list"]).stdout.contains("articles=9"))
        #expect(try workspace.server.admin(["check"]).status == 0)
    }

    /// A second machine set up by copying a replica's directory while an edit was queued: both
    /// copies hold that edit under one mutation id, each with its own later edits folded in. The
    /// second to sync took the first one's change for its own edit coming back, and its edit was
    /// gone without a word while `sync` said "in step".
    @Test func aReplicaCopiedWithAQueuedEditLosesNeitherCopysEdits() throws {
        let workspace = try Workspace()
        let a = try workspace.replica("a", token: try workspace.server.makeToken(access: "write"))
        try a.ok(["add", workspace.seedFiles[0]])
        try a.ok(["sync"])
        let id = String(try a.list()[0].id.prefix(8))
        try a.ok(["set", id, "--title", "diubah sebelum disalin"])
        let b = ReplicaCLI(path: workspace.root + "/b")
        try FileManager.default.copyItem(atPath: a.path, toPath: b.path)
        try a.ok(["set", id, "--tag", "hanya-di-a"])
        try b.ok(["set", id, "--tag", "hanya-di-b"])

        try a.ok(["sync"])
        let synced = try b.ok(["sync"])
        #expect(synced.contains("merged 1 article(s)"), "\(synced)")
        try a.ok(["sync"])
        for replica in [a, b] {
            let article = try #require(try replica.list().first)
            #expect(article.title == "diubah sebelum disalin")
            #expect(Set(article.tags) == ["hanya-di-a", "hanya-di-b"], "\(replica.path)")
            #expect(try replica.ok(["verify"]).hasPrefix("in sync"))
        }
    }

    @Test func aRetriedPushIsAnsweredDuplicateNeverASecondVersion() async throws {
        let workspace = try Workspace()
        let results = try await RawClient.pushTwice(token: try workspace.server.makeToken(access: "write"), server: workspace.server)
        #expect(results.map(\.status) == [.applied, .duplicate])
        #expect(results[0].version == 1 && results[1].version == 1 && results[0].seq == results[1].seq)
        #expect(try workspace.server.admin(["check"]).status == 0)
    }

    /// A server that stops answering (SIGSTOP: it still accepts connections, the kernel does that)
    /// is given up after the silence limit with an error that says so; before, `sync` waited for ever.
    /// The limit only bounds a hang: alone the test takes ~2.5 s, but with the whole suite and a
    /// release build on the same 2 cores it once took 90 s and was cut at the 1 minute it had.
    @Test(.timeLimit(.minutes(3))) func aServerThatFallsSilentIsGivenUpWithAClearError() async throws {
        let workspace = try Workspace()
        let token = try workspace.server.makeToken(access: "write")
        let writer = try workspace.replica("writer", token: token)
        try writer.ok(["add"] + workspace.seedFiles)
        try writer.ok(["sync"])
        let directory = ReplicaDirectory(path: workspace.root + "/in-process")
        let replica = try directory.initialize(server: workspace.server.address, collection: "articles", token: token,
                                               fingerprint: workspace.server.fingerprint)
        var engine = SyncEngine(directory: directory, replica: replica, logger: Logger(label: "test"))
        engine.silenceLimit = .seconds(2)

        let pid = try #require(workspace.server.processIdentifier)
        kill(pid, SIGSTOP)
        let error = await #expect(throws: ReplicaError.self) { try await engine.sync() }
        kill(pid, SIGCONT)
        #expect(error?.message.contains("sent nothing for 2 s") == true, "\(String(describing: error))")
        #expect(try replica.articles().isEmpty)

        let report = try await engine.sync()
        #expect(report.pulled == workspace.seedFiles.count)
    }

    /// One data directory, one server: a second `serve` on it is refused and names the first; one on
    /// the same port is told the address is taken. The first carries on (its status included), and
    /// after it is killed with SIGKILL `status` says so and the directory can be served again.
    @Test func aSecondServerOnTheSameDirectoryOrPortIsRefused() throws {
        let workspace = try Workspace()
        let server = workspace.server
        let pid = try #require(server.processIdentifier)
        let sameDirectory = try runProgram(Products.server, ["serve", "--data", server.dataDirectory, "--listen", "127.0.0.1:0"], timeout: 30)
        #expect(sameDirectory.status == 1)
        #expect(sameDirectory.stderr.contains("another articlesync-server (pid \(pid)) is serving"), "\(sameDirectory.stderr)")
        let samePort = try runProgram(Products.server, ["serve", "--data", workspace.root + "/other", "--listen", server.address], timeout: 30)
        #expect(samePort.status == 1)
        #expect(samePort.stderr.contains("cannot listen on \(server.address): the address is in use"), "\(samePort.stderr)")

        #expect(server.isRunning)
        #expect(try server.admin(["status"]).stdout.contains("server running (pid \(pid))"))
        let replica = try workspace.replica("a", token: try server.makeToken(access: "write"))
        try replica.ok(["add", workspace.seedFiles[0]])
        try replica.ok(["sync"])

        server.kill()
        // SIGKILL leaves status.json behind. Its pid, taken by a later process (here this one), read
        // as a running server before: `status` asked kill(pid, 0); it now asks the serve.lock flock.
        let statusFile = server.dataDirectory + "/status.json"
        let left = try String(contentsOfFile: statusFile, encoding: .utf8)
        #expect(left.contains("\"pid\":\(pid)"))
        try left.replacingOccurrences(of: "\"pid\":\(pid)", with: "\"pid\":\(getpid())").write(toFile: statusFile, atomically: true, encoding: .utf8)
        #expect(try server.admin(["status"]).stdout.hasPrefix("server not running"))
        try server.start()
        #expect(try replica.ok(["sync"]).contains("in step"))
    }

    /// Limits no client could work with are refused before anything starts, naming the flag.
    @Test func serveRefusesLimitsClientsCannotMeet() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("articlesync-limits-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cases: [([String], String)] = [
            (["--max-connections", "0"], "--max-connections must be at least 1, not 0"),
            (["--max-frame-bytes", "1000000"], "--max-frame-bytes (1000000) must be at least 4 × --max-article-bytes (1048576)"),
            (["--max-article-bytes", "\(Int.max)"], "must be at least 4 × --max-article-bytes"),
        ]
        for (flags, message) in cases {
            let refused = try runProgram(Products.server, ["serve", "--data", root, "--listen", "127.0.0.1:0"] + flags, timeout: 30)
            #expect(refused.status != 0, "\(flags)")
            #expect(refused.stderr.contains(message), "\(flags): \(refused.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: root), "nothing was made")
    }

    @Test func interruptedInitialSyncResumesFromItsCursor() throws {
        let workspace = try Workspace()
        let token = try workspace.server.makeToken(access: "write")
        let writer = try workspace.replica("writer", token: token)
        var files: [String] = []
        for index in 0..<2500 {
            files.append(try workspace.write("a\(index).txt", "News\n\nArtikel nomor \(index)\n\nIsi artikel \(index). {contoh}"))
        }
        try writer.ok(["add"] + files)
        try writer.ok(["sync"])

        // Kill the reader's sync while it pulls (batches of up to 1000 articles, cursor saved after each).
        let reader = try workspace.replica("reader", token: token)
        var killedWithProgress = false
        for attempt in 0..<20 where !killedWithProgress {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Products.client)
            process.arguments = ["-C", reader.path, "sync", "--quiet"]
            try process.run()
            usleep(UInt32(20_000 + attempt * 15_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let state = try reader.ok(["status", "--json"])
            let count = try reader.list().count
            if count > 0 && count < 2500 && !state.contains("\"cursor\" : 0") { killedWithProgress = true }
            if count == 2500 { break }
        }
        try reader.ok(["sync"])
        #expect(try reader.hashes() == writer.hashes())
        #expect(try reader.list().count == 2500)
        if !killedWithProgress { print("note: no kill landed between two batches this run; resumption not exercised") }
    }
}
