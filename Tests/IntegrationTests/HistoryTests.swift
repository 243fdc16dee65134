import ArticleSyncClient
import ArticleSyncShared
import ArticleSyncStress
import Foundation
import Testing

/// `history ID` and `show ID --version N` read an article's versions from a real server's change
/// log over TLS: text a resolution replaced comes back from there.
@Suite(.timeLimit(.minutes(5))) struct HistoryTests {
    /// B settles a conflict with its own title, replacing A's on every replica. A finds its version
    /// in the history, prints it into a file with the shell's `>` (as a person would) and saves it
    /// as the article's text again.
    @Test func aVersionAResolutionReplacedComesBackFromTheHistory() throws {
        let workspace = try Workspace()
        let (a, b, id, bSync) = try workspace.replicasWithAConflict()
        #expect(bSync.status == 3)
        try b.ok(["resolve", id, "--mine"])
        try b.ok(["sync"])
        try a.ok(["sync"])
        #expect(try a.ok(["show", id]).contains("Judul dari B"))

        let listed = try a.ok(["history", id])
        let lines = listed.split(separator: "\n").map(String.init)
        #expect(lines.first == "\(id): 3 version(s) on the server, newest first", "\(listed)")
        #expect(lines.count == 6)
        // Newest first: B's resolution, A's title, the article as added (by A).
        #expect(lines[1].hasPrefix("  v3  ") && lines[1].contains("client ") && lines[1].contains("title") && lines[1].hasSuffix("Judul dari B"))
        #expect(lines[2].hasPrefix("  v2  ") && lines[2].contains("this replica") && lines[2].hasSuffix("Judul dari A"))
        #expect(lines[3].hasPrefix("  v1  ") && lines[3].contains("this replica") && lines[3].contains("created"))
        #expect(lines[4] == "this replica holds v3")
        #expect(lines[5] == "print one with `\(a.program) show \(id) --version N`; `\(a.program) restore \(id) --version N` makes its text current again")
        #expect(try a.ok(["history", id, "--limit", "\(Int.max)"]).hasPrefix("\(id): 3 version(s)"))
        let newest = try a.run(["history", id, "--limit", "1"])
        #expect(newest.stdout.hasPrefix("\(id): the newest 1 version(s) on the server") && newest.stdout.contains("title"), "\(newest.stdout)")

        let file = workspace.root + "/judul-a.txt"
        let shown = try runProgram("/bin/sh", ["-c", #"exec "$0" -C "$1" show "$2" --version 2 > "$3""#, Products.client, a.path, id, file])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("\nJudul dari A\n"))
        // Not noted as written from the article: that would merge it with v3 and keep B's title.
        let saved = try a.run(["edit", id, "--file", file])
        #expect(saved.status == 0, "\(saved.stderr)")
        try a.ok(["sync"])
        try b.ok(["sync"])
        #expect(try b.ok(["show", id]).contains("\nJudul dari A\n"))
        #expect(try b.ok(["history", id]).hasPrefix("\(id): 4 version(s)"))

        let json = try JSONSerialization.jsonObject(with: Data(try a.ok(["history", id, "--json"]).utf8)) as? [[String: Any]]
        #expect(json?.compactMap { $0["version"] as? Int } == [4, 3, 2, 1])
        #expect(json?.allSatisfy { $0["acceptedAt"] is String && $0["clientID"] is String && $0["article"] is [String: Any] } == true)
    }

    /// `restore ID --version N` in one step: an edit on top of the latest version, not a rewind.
    @Test func restoreMakesAnOlderVersionsTextCurrentAgain() throws {
        let workspace = try Workspace()
        let (a, b, ids) = try workspace.twoReplicasSharing(seeds: 1)
        let id = String(ids[0].prefix(8))
        try b.ok(["set", id, "--title", "Judul dari B", "--tag", "dari-b"])
        try b.ok(["sync"])
        try a.ok(["sync"])
        try a.ok(["delete", id])
        try a.ok(["sync"])

        // A version that is a deletion is named as such; unsynced changes here are refused, since
        // no version on the server holds them.
        let deletion = try a.run(["restore", id, "--version", "3"])
        #expect(deletion.status == 1 && deletion.stderr.contains("version 3 of article \(id) is its deletion"), "\(deletion.stderr)")
        try a.ok(["restore", id])
        let unsynced = try a.run(["restore", id, "--version", "1"])
        #expect(unsynced.status == 1 && unsynced.stderr.contains("has changes not yet synced, which no version on the server holds"),
                "\(unsynced.stderr)")
        try a.ok(["sync"])

        #expect(try a.ok(["restore", id, "--version", "1"]).contains("restored \(id) to the text of version 1; `\(a.program) sync` sends it"))
        try a.ok(["sync"])
        #expect(try a.ok(["restore", id, "--version", "1"]).contains("already holds the text of version 1; nothing to do"))
        try b.ok(["sync"])
        let listed = try b.list()
        #expect(listed.count == 1 && !listed[0].deleted && listed[0].tags.isEmpty && listed[0].title.hasPrefix("Dibombardir"), "\(listed)")
        #expect(try b.hashes() == a.hashes())
        #expect(try b.ok(["history", id]).hasPrefix("\(id): 5 version(s)"))
    }

    /// `resolve --theirs` drops this replica's side, which never reached the server: no history
    /// has it, so it is kept here, and the command named saves it after all.
    @Test func theVersionResolveTheirsDropsIsKeptHere() throws {
        let workspace = try Workspace()
        let (a, b, id, bSync) = try workspace.replicasWithAConflict()
        #expect(bSync.status == 3)
        let resolved = try b.ok(["resolve", id, "--theirs"])
        let kept = try #require(resolved.firstMatch(of: #/is kept in (\S+); /#)?.output.1).description
        #expect(kept.hasSuffix(".articlesync/discarded/\(id)-mine.txt"), "\(resolved)")
        #expect(resolved.contains("`\(b.program) edit \(id) --file \(kept)` makes it the article's text after all"), "\(resolved)")
        #expect(try String(contentsOfFile: kept, encoding: .utf8).contains("\nJudul dari B\n"))
        #expect(try b.ok(["show", id]).contains("\nJudul dari A\n"))

        // Saved from there, it is an edit of the resolved article: merged with what changed since
        // (A's new category, synced in between), not refused as older than that change.
        try a.ok(["set", id, "--category", "Dunia"])
        try a.ok(["sync"])
        try b.ok(["sync"])
        let saved = try b.run(["edit", id, "--file", kept])
        #expect(saved.status == 0, "\(saved.stderr)")
        try b.ok(["sync"])
        try a.ok(["sync"])
        let shown = try a.ok(["show", id])
        #expect(shown.hasPrefix("Dunia\n") && shown.contains("\nJudul dari B\n"), "\(shown)")
        // --mine drops the server's version, which the history keeps: no copy is written.
        let otherWorkspace = try Workspace()
        let (_, c, other, cSync) = try otherWorkspace.replicasWithAConflict()
        #expect(cSync.status == 3)
        #expect(!(try c.ok(["resolve", other, "--mine"])).contains("is kept in"))
    }

    /// `sync --prefer theirs` settles conflicts in bulk, dropping what overlapped of this replica's
    /// side: that side is kept as `resolve --theirs` keeps it, and the sync names where.
    @Test func theSideSyncPreferTheirsDropsIsKeptHere() throws {
        let workspace = try Workspace()
        let (a, b, id, bSync) = try workspace.replicasWithAConflict()
        #expect(bSync.status == 3)
        let settled = try b.ok(["sync", "--prefer", "theirs"])
        #expect(settled.contains("settled 1 conflict(s) with --prefer"), "\(settled)")
        let kept = try #require(settled.firstMatch(of: #/is kept in (\S+); /#)?.output.1).description
        #expect(kept.hasSuffix(".articlesync/discarded/\(id)-mine.txt"), "\(settled)")
        #expect(try String(contentsOfFile: kept, encoding: .utf8).contains("\nJudul dari B\n"))
        #expect(try b.ok(["show", id]).contains("\nJudul dari A\n"))
        try b.ok(["edit", id, "--file", kept])
        try b.ok(["sync"])
        try a.ok(["sync"])
        #expect(try a.ok(["show", id]).contains("\nJudul dari B\n"))
        // A sync that settles nothing keeps nothing: `keptMine` is there, and empty.
        let json = try b.ok(["sync", "--json", "--prefer", "theirs"])
        #expect(json.contains("\"keptMine\""), "\(json)")
        let report = try JSONDecoder().decode(SyncReport.self, from: Data(json.utf8))
        #expect(report.keptMine.isEmpty && report.resolvedByPreference == 0)
        let copies = try FileManager.default.contentsOfDirectory(atPath: (kept as NSString).deletingLastPathComponent)
        #expect(copies == ["\(id)-mine.txt"], "\(copies)")
    }

    @Test func whatTheServerDoesNotHoldIsNamedWithWhatToDo() throws {
        let workspace = try Workspace()
        let (a, _, ids) = try workspace.twoReplicasSharing(seeds: 1)
        let id = String(ids[0].prefix(8))
        let missing = try a.run(["show", id, "--version", "7"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("the server has no version 7 of article \(id); `\(a.program) history \(id)` lists the versions it has"),
                "\(missing.stderr)")
        #expect(try a.run(["show", id, "--version", "0"]).stderr.contains("--version must be 1 or more"))

        let added = try a.ok(["add", workspace.seedFiles[1]]).prefix(8)
        let unsynced = try a.run(["history", String(added)])
        #expect(unsynced.status == 1)
        #expect(unsynced.stderr.contains("is not on the server yet: it was made here and not synced"), "\(unsynced.stderr)")

        // A read token reads the history too; a whole id works for an article this replica lacks.
        let reader = try workspace.replica("reader", token: try workspace.server.makeToken(access: "read"))
        #expect(try reader.ok(["history", ids[0]]).hasPrefix("\(id): 1 version(s)"))
        #expect(try reader.ok(["show", ids[0], "--version", "1"]).contains("Dibombardir"))
    }
}
