import ArticleSyncStress
import Foundation
import GRDB
import Testing

/// A full or failing disk under the server or a replica, and a damaged replica file: each is an
/// error that says what failed and what to do, nothing is half applied, and once the cause is gone
/// the next sync finishes the work. The disks fill for real: the processes run with a limit on the
/// size of any file they write (`ulimit -f`, SIGXFSZ ignored), so SQLite's writes fail as they
/// would on a full disk.
@Suite(.timeLimit(.minutes(5))) struct StorageFailureTests {
    /// Three articles of ~0.5 MB: one push or one pulled batch, and more than a 1 MiB limit.
    static func addLargeArticles(to replica: ReplicaCLI, in workspace: Workspace) throws {
        let paragraph = String(repeating: "Kata yang panjang sekali untuk mengisi halaman ini. ", count: 40)
        let body = Array(repeating: paragraph, count: 250).joined(separator: "\n\n")
        let files = try (1...3).map { try workspace.write("large-\($0).txt", "News\n\nArtikel besar \($0)\n\n\(body)\n") }
        try replica.ok(["add"] + files)
    }

    @Test func aServerWhoseDiskIsFullSaysSoAndLosesNothing() throws {
        let workspace = try Workspace()
        let token = try workspace.server.makeToken(access: "write")
        let a = try workspace.replica("a", token: token)
        try Self.addLargeArticles(to: a, in: workspace)
        workspace.server.stop()
        workspace.server.fileSizeLimitKiB = 1024
        try workspace.server.start()

        let failed = try a.run(["sync"])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("the server failed to answer push"), "\(failed.stderr)")
        #expect(failed.stderr.contains("internal_error") && failed.stderr.contains("stay queued here"), "\(failed.stderr)")
        #expect(!failed.stderr.contains("closed channel"), "the server's answer, not the closed connection: \(failed.stderr)")
        #expect(workspace.server.isRunning, "one failed request ends its connection, not the server")
        #expect(workspace.server.log.contains("request failed"), "the operator is told: \(workspace.server.log)")
        #expect(try a.ok(["status"]).contains("3 article(s) with local changes not yet on the server"))

        // Space is freed; the next sync sends everything, and nothing of the failed push was kept.
        workspace.server.stop()
        workspace.server.fileSizeLimitKiB = nil
        try workspace.server.start()
        #expect(try workspace.server.admin(["collection", "list"]).stdout.contains("articles=0"))
        try a.ok(["sync"])
        let b = try workspace.replica("b", token: token)
        try b.ok(["sync"])
        #expect(try b.hashes() == a.hashes())
        #expect(try a.hashes().count == 3)
        #expect(try workspace.server.admin(["check"]).status == 0)
    }

    /// The admin commands name a failing disk too, instead of printing SQLite's words alone.
    @Test func anAdminCommandOnAFullDiskSaysSoAndChangesNothing() throws {
        let workspace = try Workspace()
        let limited = fileSizeLimited(Products.server, ["token", "create", "--data", workspace.server.dataDirectory, "--access", "read"], kib: 1)
        let failed = try runProgram(limited.executable, limited.arguments)
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("the change log could not be read or written") || failed.stderr.contains("the disk holding the change log is full"),
                "\(failed.stderr)")
        #expect(failed.stderr.contains("The command changed nothing"), "\(failed.stderr)")
        #expect(!failed.stderr.contains("SQLite error"), "\(failed.stderr)")
        #expect(try workspace.server.admin(["token", "list"]).stdout.isEmpty)
        #expect(try workspace.server.admin(["check"]).status == 0)
    }

    @Test func aReplicaWhoseDiskIsFullSaysSoAndTheNextSyncFinishes() throws {
        let workspace = try Workspace()
        let token = try workspace.server.makeToken(access: "write")
        let a = try workspace.replica("a", token: token)
        try Self.addLargeArticles(to: a, in: workspace)
        try a.ok(["sync"])
        let b = try workspace.replica("b", token: token)

        let limited = fileSizeLimited(Products.client, ["-C", b.path, "sync"], kib: 512)
        let failed = try runProgram(limited.executable, limited.arguments)
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("the replica's database could not be read or written") || failed.stderr.contains("the disk holding the replica is full"),
                "\(failed.stderr)")
        #expect(failed.stderr.contains("What failed was not applied"), "\(failed.stderr)")
        #expect(try b.ok(["status"]).contains("0 articles"), "the batch that did not fit left nothing behind")

        try b.ok(["sync"])
        #expect(try b.hashes() == a.hashes())
        #expect(try b.ok(["verify"]).hasPrefix("in sync"))
    }

    /// An init the disk stops part way leaves nothing in the way of the next. Before, it left a
    /// database without its server settings: every command said to run `init` again, and `init`
    /// said "already a replica".
    @Test func anInitStoppedByAFullDiskCanSimplyBeRunAgain() throws {
        let workspace = try Workspace()
        let path = workspace.root + "/r"
        let arguments = ["init", path, "--server", workspace.server.address, "--token", try workspace.server.makeToken(access: "write"),
                         "--fingerprint", workspace.server.fingerprint]
        let limited = fileSizeLimited(Products.client, arguments, kib: 64)
        let failed = try runProgram(limited.executable, limited.arguments)
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("the disk holding the replica is full") || failed.stderr.contains("could not be read or written"), "\(failed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path + "/.articlesync"), "nothing half made under the replica's name")
        #expect(!FileManager.default.fileExists(atPath: path + "/.articlesync.partial"), "and nothing left aside")

        let again = try runProgram(Products.client, arguments)
        #expect(again.status == 0, "\(again.stderr)")
        let replica = ReplicaCLI(path: path)
        try replica.ok(["add", workspace.seedFiles[0]])
        #expect(try replica.ok(["sync"]).contains("pushed 1"))
    }

    @Test func aDamagedReplicaFileIsNamedWithWhatToDo() throws {
        let workspace = try Workspace()
        let a = try workspace.replica("a", token: try workspace.server.makeToken(access: "write"))
        try a.ok(["add", workspace.seedFiles[0]])
        let database = a.path + "/.articlesync/replica.sqlite"
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: database))

        let failed = try a.run(["list"])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("the replica's database (.articlesync/replica.sqlite) is damaged"), "\(failed.stderr)")
        #expect(failed.stderr.contains("articlesync init"), "\(failed.stderr)")
    }

    /// A change inside an article's stored text (a failing disk) leaves a well-formed file, and
    /// `sync` reads only what changed: before, `verify` said "in sync" over it too.
    @Test func verifyFindsStoredTextDamagedOnDisk() throws {
        let workspace = try Workspace()
        let a = try workspace.replica("a", token: try workspace.server.makeToken(access: "write"))
        try a.ok(["add", workspace.seedFiles[0]])
        try a.ok(["sync"])
        #expect(try a.ok(["verify"]).hasPrefix("in sync"))
        let id = try a.list()[0].id
        let queue = try DatabaseQueue(path: a.path + "/.articlesync/replica.sqlite")
        try queue.write { db in
            try db.execute(sql: "UPDATE article SET state = CAST(replace(CAST(state AS TEXT), 'Pertempuran', 'Pertempuram') AS BLOB) WHERE id = ?",
                           arguments: [id])
            #expect(db.changesCount == 1)
        }
        try queue.close()
        #expect(try a.ok(["sync"]).contains("in step with the server"), "a sync does not read the text it has no reason to")
        let verified = try a.run(["verify"])
        #expect(verified.status == 1)
        #expect(verified.stderr.contains("is damaged (the stored text of 1 article(s) no longer matches its hash: \(id))"), "\(verified.stderr)")
        #expect(!verified.stdout.contains("in sync"), "\(verified.stdout)")
    }
}
