import ArticleSyncClient
import ArticleSyncShared
import ArticleSyncStress
import Foundation
import Logging
import Testing

/// The binary encoding, the batch budgets and the pull skip ranges, against a real server process.
@Suite(.timeLimit(.minutes(5))) struct WireEncodingTests {
    struct Report: Decodable {
        var pulled: Int
        var pushed: Int
        var pending: Int
    }

    func sync(_ replica: ReplicaCLI) throws -> Report {
        try JSONDecoder().decode(Report.self, from: Data(try replica.ok(["sync", "--json"]).utf8))
    }

    /// A new replica synced in-process, offering `encodings` in its hello (as an older build would).
    func engine(_ name: String, offering encodings: [WireEncoding], in workspace: Workspace, token: String) throws -> SyncEngine {
        let directory = ReplicaDirectory(path: workspace.root + "/" + name)
        let replica = try directory.initialize(server: workspace.server.address, collection: "articles", token: token,
                                               fingerprint: workspace.server.fingerprint)
        var engine = SyncEngine(directory: directory, replica: replica, logger: Logger(label: "test"))
        engine.offeredEncodings = encodings
        return engine
    }

    /// 24 articles of 750 KB are 18 MB, more than one 16 MiB frame: pushes and pulls must be cut by
    /// bytes, not only by count, or the sync is refused forever.
    @Test func articlesTogetherLargerThanAFrameSync() throws {
        let workspace = try Workspace()
        let token = try workspace.server.makeToken(access: "write")
        let writer = try workspace.replica("writer", token: token)
        let reader = try workspace.replica("reader", token: token)
        let paragraph = String(repeating: "Kata yang panjang sekali untuk mengisi halaman ini. ", count: 50)
        let body = Array(repeating: paragraph, count: 290).joined(separator: "\n\n")
        let files = try (0..<24).map { index in
            try workspace.write("big-\(index).txt", "Arsip\n\nArtikel besar nomor \(index)\n\n\(body) {sumber | tags: besar}\n")
        }
        try writer.ok(["add"] + files)
        let pushed = try sync(writer)
        #expect(pushed.pushed == 24 && pushed.pending == 0)
        // The push let the write-ahead log grow past 32 MiB; the sync cut it back, and SQLite deletes
        // it when the command exits (docs/RELIABILITY.md).
        let log = try? FileManager.default.attributesOfItem(atPath: writer.path + "/.articlesync/replica.sqlite-wal")[.size] as? Int
        #expect((log ?? 0) <= 16 << 20, "the replica's WAL kept \(log ?? 0) bytes after the sync")
        let pulled = try sync(reader)
        #expect(pulled.pulled == 24)
        #expect(try reader.hashes() == writer.hashes())
    }

    /// A server started with lower push limits than a client's batches (500 mutations, 2 MiB of
    /// text) says so in its welcome, and the client pushes in batches that fit: before, every push of
    /// a longer outbox was refused with `limit_exceeded` or `frame_too_large`, sync after sync.
    @Test func aServerWithLowerPushLimitsGetsPushesThatFit() throws {
        let workspace = try Workspace(serverArguments: ["--max-push-mutations", "3", "--max-frame-bytes", "4194304"])
        let token = try workspace.server.makeToken(access: "write")
        let writer = try workspace.replica("writer", token: token)
        let reader = try workspace.replica("reader", token: token)
        // Three articles of ~0.7 MB are more than the 1 MiB of text a push may now carry.
        let paragraph = String(repeating: "Kata yang panjang sekali untuk mengisi halaman ini. ", count: 50)
        let body = Array(repeating: paragraph, count: 270).joined(separator: "\n\n")
        let large = try (0..<3).map { try workspace.write("large-\($0).txt", "Arsip\n\nArtikel besar \($0)\n\n\(body)\n") }
        try writer.ok(["add"] + workspace.seedFiles + large)
        let pushed = try sync(writer)
        #expect(pushed.pushed == workspace.seedFiles.count + 3 && pushed.pending == 0)
        #expect(try sync(reader).pulled == workspace.seedFiles.count + 3)
        #expect(try reader.hashes() == writer.hashes())
    }

    /// What a replica just pushed is in it exactly as the server stored it: the pull that follows
    /// the push leaves it out, and only other replicas' changes come down.
    @Test func ownAcknowledgedPushesAreNotDownloadedAgain() throws {
        let workspace = try Workspace()
        let token = try workspace.server.makeToken(access: "write")
        let a = try workspace.replica("a", token: token)
        let b = try workspace.replica("b", token: token)
        try a.ok(["add"] + workspace.seedFiles)
        let first = try sync(a)
        #expect(first.pushed == workspace.seedFiles.count && first.pulled == 0)
        #expect(try sync(b).pulled == workspace.seedFiles.count)

        let ids = try a.list().map(\.id).sorted()
        try b.ok(["set", String(ids[0].prefix(8)), "--title", "Diubah di b"])
        #expect(try sync(b).pulled == 0)
        try a.ok(["set", String(ids[1].prefix(8)), "--category", "Diubah di a"])
        let second = try sync(a)
        #expect(second.pushed == 1 && second.pulled == 1, "only b's edit comes down")
        #expect(try sync(b).pulled == 1)
        #expect(try a.hashes() == b.hashes())
        // A replica made afresh still gets everything, a's own articles included.
        let fresh = try workspace.replica("fresh", token: token)
        #expect(try sync(fresh).pulled == workspace.seedFiles.count)
        #expect(try fresh.hashes() == a.hashes())
    }

    /// A client that offers no binary encoding (an older build) is served in JSON from start to end.
    @Test func aClientThatOnlySpeaksJSONStillSyncs() async throws {
        let workspace = try Workspace()
        let token = try workspace.server.makeToken(access: "write")
        let cli = try workspace.replica("cli", token: token)
        try cli.ok(["add"] + workspace.seedFiles)
        try cli.ok(["sync"])

        let engine = try engine("json-only", offering: [], in: workspace, token: token)
        let replica = engine.replica
        let report = try await engine.sync()
        #expect(report.pulled == workspace.seedFiles.count)
        let first = try #require(try replica.articles().first)
        _ = try replica.update(first.idString) { $0.title = "Diubah lewat JSON" }
        #expect(try await engine.sync().pushed == 1)
        try cli.ok(["sync"])
        #expect(try cli.list().contains { $0.title == "Diubah lewat JSON" })
        #expect(try await engine.verify().inSync)
        // `history` in JSON too: v1 as added, v2 the title set above.
        let history = try await engine.history(of: first.idString)
        #expect(history.versions.map(\.change.version) == [2, 1] && history.versions.first?.change.article.title == "Diubah lewat JSON")

        // The client adopts whatever the welcome names, so the syncs above would pass with a server
        // that always picked binary: check the server's choice itself, without an offer and with one.
        let offers: [(String, WireEncoding)] = [("", .json), (#","encodings":["binary-v1"]"#, .binary),
                                                 (#","encodings":["binary-v2","binary-v1"]"#, .binaryStored)]
        for (offer, expected) in offers {
            let hello = RawTLSClient.frame(#"{"type":"hello","id":1,"protocolVersion":1,"clientID":"raw","token":"\#(token)","collection":"articles"\#(offer)}"#)
            // The second frame is garbage in either encoding, so the server answers and hangs up.
            let answer = try await RawTLSClient.exchange(hello + RawTLSClient.frame([0x42]), port: workspace.server.port,
                                                         fingerprint: workspace.server.fingerprint)
            guard case .welcome(_, _, _, _, _, _, let encoding, _, _) = answer.messages.first else {
                Issue.record("no welcome: \(answer.messages)")
                continue
            }
            #expect(encoding == expected, "offer \(offer)")
        }
    }

    /// A client of the build before binary-v2 offers only binary-v1: it downloads, pushes and
    /// converges with one that speaks binary-v2, and both hold the same bytes as the server.
    @Test func binaryV1AndV2ClientsConverge() async throws {
        let workspace = try Workspace()
        let token = try workspace.server.makeToken(access: "write")
        let cli = try workspace.replica("cli", token: token)
        try cli.ok(["add"] + workspace.seedFiles)
        try cli.ok(["sync"])

        var engines: [SyncEngine] = []
        for (name, offer) in [("v1", [WireEncoding.binary]), ("v2", [.binaryStored, .binary])] {
            let engine = try engine(name, offering: offer, in: workspace, token: token)
            #expect(try await engine.sync().pulled == workspace.seedFiles.count, "\(name)")
            #expect(try await engine.verify().inSync, "\(name)")
            engines.append(engine)
        }
        for (index, engine) in engines.enumerated() {
            let articles = try engine.replica.articles().sorted { $0.idString < $1.idString }
            try #require(articles.count > index)
            let article = articles[index]
            _ = try engine.replica.update(article.idString) { $0.body += "\n\nTambahan dari replika \(index)." }
            #expect(try await engine.sync().pushed == 1)
            // Its history in this encoding: the article as first synced, then this edit.
            let history = try await engine.history(of: article.idString)
            #expect(history.versions.count == 2 && history.versions.first?.change.article.body.hasSuffix("Tambahan dari replika \(index).") == true)
        }
        for engine in engines {
            _ = try await engine.sync()
            #expect(try await engine.verify().inSync)
        }
        try cli.ok(["sync"])
        #expect(try engines[0].replica.articles().map(\.contentHash).sorted() == engines[1].replica.articles().map(\.contentHash).sorted())
        #expect(try cli.hashes().count == workspace.seedFiles.count)
    }
}
