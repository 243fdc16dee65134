import ArticleSyncClient
import ArticleSyncShared
import ArticleSyncStress
import Foundation
import GRDB
import Testing

/// `show ID > FILE` notes FILE as written from the article, so that `edit ID --file FILE` merges it
/// with what changed since; a file nothing here wrote is refused when it is older than that change.
@Suite(.timeLimit(.minutes(5))) struct ShowToFileTests {
    /// `show ID > FILE`, the file edited, a sync meanwhile, then `edit ID --file FILE`. Before, the
    /// save undid the synced change (A's new category went back to "News" on every replica):
    /// nothing noted the file. Now `show` notes a file it wrote whole, and the save merges; a file
    /// nothing here wrote is refused when it is older than the article's last change.
    @Test func aFileWrittenByShowIsMergedWithChangesSyncedSince() throws {
        let workspace = try Workspace()
        let (a, b, ids) = try workspace.twoReplicasSharing(seeds: 1)
        let id = String(ids[0].prefix(8))
        /// `articlesync -C B show ID` with stdout sent to `file` by the shell, `>` or `>>`.
        func show(into file: String, _ redirect: String) throws {
            let shown = try runProgram("/bin/sh", ["-c", #"exec "$0" -C "$1" show "$2" \#(redirect) "$3""#, Products.client, b.path, id, file])
            #expect(shown.status == 0, "\(shown.stderr)")
        }
        let file = workspace.root + "/mine.txt"
        try show(into: file, ">")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "Pertempuran", with: "Pertempuran sengit").write(toFile: file, atomically: true, encoding: .utf8)
        try a.ok(["set", id, "--category", "Dunia"])
        try a.ok(["sync"])
        try b.ok(["sync"])

        let saved = try b.run(["edit", id, "--file", file])
        #expect(saved.status == 0, "\(saved.stderr)")
        #expect(saved.stdout.contains("merged with the changes made to it after \(file) was written from it"), "\(saved.stdout)")
        let article = try b.ok(["show", id])
        #expect(article.hasPrefix("Dunia\n") && article.contains("Pertempuran sengit"), "\(article)")

        // Appended to a file that held something else, the text is not the file's whole: not noted
        // (`add` and `edit --file` would otherwise take the file for this article's).
        let log = try workspace.write("log.txt", "catatan\n")
        try show(into: log, ">>")
        #expect(try ReplicaDirectory(path: b.path).open().fileOrigin(of: log) == nil)

        // A file nothing here wrote (copied out of a terminal, say), older than a synced change:
        // refused, since saving it would undo the change. Before, it was saved over it.
        let copied = try workspace.write("copied.txt", try b.ok(["show", id]).replacingOccurrences(of: "Pertempuran", with: "Pertempuran dahsyat"))
        try a.ok(["sync"])
        try a.ok(["set", id, "--tag", "perang"])
        try a.ok(["sync"])
        try b.ok(["sync"])
        let before = try b.ok(["show", id])
        let refused = try b.run(["edit", id, "--file", copied])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("article \(id) changed after \(copied) was last written"), "\(refused.stderr)")
        #expect(refused.stderr.contains("nothing was saved"), "\(refused.stderr)")
        #expect(try b.ok(["show", id]) == before)
        try b.ok(["edit", id, "--file", copied, "--force"])
        #expect(try b.ok(["show", id]).contains("Pertempuran dahsyat"))
    }

    /// The note is a write, and `show` a read: behind another command's long write (a large `add`)
    /// it gives up after a second instead of waiting the 30 s writers wait, and prints all the same.
    @Test func showDoesNotWaitLongBehindAnotherCommandsWrite() throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        try replica.ok(["add", workspace.seedFiles[0]])
        let id = String(try replica.list()[0].id.prefix(8))
        let file = workspace.root + "/shown.txt"
        // Another command's write transaction, held while `show` runs. A pool, as every articlesync
        // command opens: GRDB leaves the WAL non-empty on open, which other connections then read.
        let holder = try DatabasePool(path: replica.path + "/.articlesync/replica.sqlite")
        let started = Date()
        let shown = try holder.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            defer { try? db.execute(sql: "ROLLBACK") }
            return try runProgram("/bin/sh", ["-c", #"exec "$0" -C "$1" show "$2" > "$3""#, Products.client, replica.path, id, file])
        }
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(Date().timeIntervalSince(started) < 20, "show waited as long as a writer does")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == replica.ok(["show", id]))
        #expect(try ReplicaDirectory(path: replica.path).open().fileOrigin(of: file) == nil, "not noted: the replica was busy")
        try holder.close()
    }
}
