import ArticleSyncStress
import Foundation
import Testing

/// Three replicas edit and delete the same articles concurrently through a real TLS server, sync in
/// random order over several rounds, settle what is left with --prefer, and must end identical.
@Suite(.timeLimit(.minutes(10))) struct ConvergenceTests {
    /// SplitMix64, so a failing run can be replayed from its seed.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func pick<T>(_ items: [T]) -> T { items[int(0...items.count - 1)] }
    }

    struct Shown: Decodable {
        struct Body: Decodable { var body: String; var isDeleted: Bool }
        var article: Body
    }

    static let words = ["merah", "putih", "cepat", "lambat", "kota", "desa", "pagi", "malam", "hujan", "panas"]

    /// One random edit through the CLI; edits of an article in conflict are refused, which is fine.
    func randomEdit(_ replica: ReplicaCLI, ids: [String], random: inout Random, workspace: Workspace, name: String) throws {
        let id = String(random.pick(ids).prefix(8))
        switch random.int(0...9) {
        case 0:
            try replica.run(["set", id, "--title", "Judul \(name) \(random.int(0...999))"])
        case 1:
            try replica.run(["set", id, "--tag", random.pick(Self.words)])
        case 2:
            if random.int(0...2) == 0 { try replica.run(["delete", id]) }
        default:
            let shown = try replica.run(["show", id, "--json"])
            guard shown.status == 0, let decoded = try? JSONDecoder().decode(Shown.self, from: Data(shown.stdout.utf8)) else { return }
            var paragraphs = decoded.article.body.components(separatedBy: "\n\n")
            let index = random.int(0...paragraphs.count - 1)
            var words = paragraphs[index].split(separator: " ").map(String.init)
            let position = random.int(0...max(0, words.count - 1))
            if words.isEmpty { words = [random.pick(Self.words)] } else { words[position] = random.pick(Self.words) + "-" + name }
            paragraphs[index] = words.joined(separator: " ")
            let file = try workspace.write("body-\(name).txt", paragraphs.joined(separator: "\n\n"))
            try replica.run(["set", id, "--body-file", file])
        }
    }

    @Test(arguments: [UInt64(7), 1234])
    func threeReplicasConvergeAfterConcurrentEditsAndDeletes(seed: UInt64) throws {
        var random = Random(state: seed)
        let workspace = try Workspace()
        let token = try workspace.server.makeToken(access: "write")
        let names = ["a", "b", "c"]
        let replicas = try names.map { try workspace.replica($0, token: token) }
        try replicas[0].ok(["add"] + workspace.seedFiles)
        for replica in replicas { _ = try replica.run(["sync"]) }
        let ids = try replicas[0].list().map(\.id)
        #expect(try replicas[2].list().map(\.id).sorted() == ids.sorted())

        var conflictedSyncs = 0, mergingSyncs = 0
        for _ in 0..<4 {
            for (replica, name) in zip(replicas, names) {
                for _ in 0..<random.int(1...3) { try randomEdit(replica, ids: ids, random: &random, workspace: workspace, name: name) }
            }
            var order = Array(replicas.indices)
            for index in order.indices.reversed() { order.swapAt(index, random.int(0...index)) }
            for index in order {
                let result = try replicas[index].run(["sync"])
                #expect(result.status == 0 || result.status == 3, "sync failed: \(result.stderr)")
                if result.status == 3 { conflictedSyncs += 1 }
                if result.stdout.contains("merged") { mergingSyncs += 1 }
            }
        }
        print("convergence seed \(seed): \(mergingSyncs) syncs merged concurrent edits, \(conflictedSyncs) left conflicts for --prefer")
        // Settle what the merge left, then let every replica see every settlement.
        for (index, replica) in replicas.enumerated() {
            let result = try replica.run(["sync", "--prefer", index % 2 == 0 ? "mine" : "theirs"])
            #expect(result.status == 0, "sync --prefer: \(result.stdout) \(result.stderr)")
        }
        for _ in 0..<2 { for replica in replicas { try replica.ok(["sync"]) } }

        let reference = try replicas[0].hashes()
        #expect(reference.count == workspace.seedFiles.count)
        for replica in replicas.dropFirst() { #expect(try replica.hashes() == reference) }
        for replica in replicas {
            #expect(try replica.ok(["verify"]).hasPrefix("in sync"))
            #expect(try replica.ok(["status", "--json"]).contains("\"conflicts\" : 0"))
        }
    }

    /// `verify` tells an article edited here and not yet synced from one changed on the server.
    /// Before, both were only "differ from the server", which right after an edit read like damage.
    @Test func verifyMarksWhatChangedHereApartFromWhatChangedOnTheServer() throws {
        let workspace = try Workspace()
        let (a, b, ids) = try workspace.twoReplicasSharing(seeds: 2)
        try b.ok(["set", String(ids[0].prefix(8)), "--title", "Diubah di B"])
        let onlyHere = try b.run(["verify"])
        #expect(onlyHere.status == 1)
        #expect(onlyHere.stdout.contains("  \(ids[0])  (changed here, not yet on the server)\n"), "\(onlyHere.stdout)")
        #expect(onlyHere.stdout.contains("all of them only by local changes: `\(b.program) sync` sends them"), "\(onlyHere.stdout)")

        try a.ok(["set", String(ids[1].prefix(8)), "--title", "Diubah di A"])
        try a.ok(["sync"])
        let both = try b.run(["verify"])
        #expect(both.status == 1)
        #expect(both.stdout.contains("2 article(s) differ") && both.stdout.contains("  \(ids[1])\n"), "\(both.stdout)")
        #expect(both.stdout.contains("the rest changed on the server since this replica's last sync"), "\(both.stdout)")

        try b.ok(["sync"])
        #expect(try b.ok(["verify"]).hasPrefix("in sync"))
    }

    /// `--theirs` takes the server's version: nothing is left to push, and resolve says so. Before,
    /// it said "`articlesync sync` sends it" as `--mine` does, and the sync then pushed nothing.
    @Test func resolveSaysWhetherTheNextSyncHasSomethingToSend() throws {
        let workspace = try Workspace()
        let (_, b, id, _) = try workspace.replicasWithAConflict()
        let theirs = try b.ok(["resolve", id, "--theirs"])
        #expect(theirs.contains("it is the server's version, so there is nothing to send"), "\(theirs)")
        #expect(!theirs.contains("sends it"), "\(theirs)")
        #expect(try b.ok(["sync"]).contains("pushed 0"))

        let second = try Workspace()
        let (_, d, other, _) = try second.replicasWithAConflict()
        let mine = try d.ok(["resolve", other, "--mine"])
        #expect(mine.contains("`\(d.program) sync` sends it"), "\(mine)")
        #expect(try d.ok(["sync"]).contains("pushed 1"))

        // Against a deletion on the server, --theirs keeps the article deleted, and says so.
        let third = try Workspace()
        let (_, f, deleted, synced) = try third.replicasWithADeleteConflict()
        #expect(synced.status == 3)
        let kept = try f.ok(["resolve", deleted, "--theirs"])
        #expect(kept.contains(", deleted): it is the server's version, so there is nothing to send"), "\(kept)")
    }

    /// A resolution written to a file, then a sync that brings a newer server version into the
    /// conflict: the file was written against the older one. Before, `resolve --file` adopted it,
    /// and the newer change (here A's new category) was undone on every replica without a word.
    @Test func aResolutionFileWrittenBeforeTheServersLatestVersionIsRefused() throws {
        let workspace = try Workspace()
        let (a, b, id, _) = try workspace.replicasWithAConflict()
        let resolution = try workspace.write("resolution.txt", try b.ok(["show", id]).replacingOccurrences(of: "Judul dari B", with: "Judul gabungan"))
        try a.ok(["set", id, "--category", "Dunia"])
        try a.ok(["sync"])
        #expect(try b.run(["sync"]).status == 3, "still a conflict: the titles differ")

        let stale = try b.run(["resolve", id, "--file", resolution])
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("the server's version of \(id) changed after \(resolution) was last written"), "\(stale.stderr)")
        #expect(stale.stderr.contains("nothing was resolved"), "\(stale.stderr)")
        #expect(try b.ok(["conflicts"]).contains(id))

        // The file, written again with the change brought in, is newer than that version: taken.
        let text = try String(contentsOfFile: resolution, encoding: .utf8)
        try Data(("Dunia" + text.drop { $0 != "\n" }).utf8).write(to: URL(fileURLWithPath: resolution))
        try b.ok(["resolve", id, "--file", resolution])
        try b.ok(["sync"])
        try a.ok(["sync"])
        let settled = try a.ok(["show", id])
        #expect(settled.hasPrefix("Dunia\n\nJudul gabungan\n"), "\(settled)")
        #expect(try a.hashes() == b.hashes())
    }

    @Test func conflictIsKeptShownAndResolvedThroughTheCLI() throws {
        let workspace = try Workspace()
        let (a, b, id, synced) = try workspace.replicasWithAConflict()
        #expect(synced.status == 3)
        #expect(synced.stdout.contains("1 conflict(s) left"))
        #expect(try b.ok(["status"]).contains("both versions are kept"))
        #expect(try b.list()[0].title == "Judul dari B", "the local edit is not overwritten")
        #expect(try b.ok(["conflicts"]).contains("[title]"))
        #expect(try b.ok(["conflicts", "--json"]).contains("\"fields\" : [\n      \"title\""))
        let shown = try b.ok(["show", id, "--conflict"])
        #expect(shown.contains("<<<<<<< mine\nJudul dari B\n||||||| base\n"))
        #expect(try b.run(["verify"]).status == 1, "a replica with an unresolved conflict is not in sync")

        // An editor that saves the attempt unchanged leaves the markers in: refused, nothing changes.
        let untouched = try b.run(["resolve", id, "--edit"], environment: ["EDITOR": "true"])
        #expect(untouched.status == 1)
        #expect(untouched.stderr.contains("conflict markers"))
        // The text is kept for `resolve --file`, as `edit` keeps text it cannot save.
        let kept = b.path + "/.articlesync/unsaved/\(id)-resolution.txt"
        #expect(untouched.stderr.contains("Your text is kept in \(kept): fix it and run `\(b.program) resolve \(id) --file \(kept)`"), "\(untouched.stderr)")
        #expect(FileManager.default.fileExists(atPath: kept))
        #expect(try b.ok(["conflicts"]).contains(id))

        // An editor that settles the block is accepted.
        let script = try workspace.write("settle.sh", """
            #!/bin/sh
            awk '/^<<<<<<< mine/ { skip = 1; print "Judul gabungan"; next } /^>>>>>>> theirs/ { skip = 0; next } !skip' "$1" > "$1.tmp" && mv "$1.tmp" "$1"
            """)
        chmod(script, 0o755)
        try b.ok(["resolve", id, "--edit"], environment: ["EDITOR": script])
        try b.ok(["sync"])
        try a.ok(["sync"])
        #expect(try a.list()[0].title == "Judul gabungan")
        #expect(try a.hashes() == b.hashes())
        #expect(try a.ok(["verify"]).hasPrefix("in sync"))
    }
}
