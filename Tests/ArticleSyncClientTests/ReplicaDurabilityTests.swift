@testable import ArticleSyncClient
import ArticleSyncShared
import Foundation
import GRDB
import Testing

/// How the replica's SQLite file is opened: what "an edit survives power loss" rests on.
@Suite struct ReplicaDurabilityTests {
    static func makeReplica(_ directory: String) throws -> Replica {
        try ReplicaDirectory(path: directory).initialize(
            server: "127.0.0.1:7443", collection: "articles", token: "ast_x", fingerprint: "sha256:" + String(repeating: "ab", count: 32))
    }

    /// Pulled batches of new ~4 KB articles, as a first download brings them; `afterEach` runs after
    /// every batch is stored.
    static func download(batches: Int, of size: Int, into replica: Replica, afterEach: () -> Void = {}) throws {
        let body = String(repeating: "Kalimat yang cukup panjang untuk mengisi halaman. ", count: 80)
        var seq: Int64 = 0
        for batch in 0..<batches {
            let changes = (0..<size).map { index -> ChangedArticle in
                seq += 1
                var article = Article(title: "Artikel \(batch)-\(index)", body: body, category: "News", source: "viva")
                article.version = 1
                article.seq = seq
                return ChangedArticle(article: article, mutationID: "m\(seq)", clientID: "other")
            }
            _ = try replica.applyPulled(changes, cursor: seq)
            afterEach()
        }
    }

    /// (synchronous, wal_autocheckpoint) of the connection that writes.
    static func writerSettings(_ replica: Replica) throws -> (Int?, Int?) {
        try replica.pool.writeWithoutTransaction { db in
            (try Int.fetchOne(db, sql: "PRAGMA synchronous"), try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint"))
        }
    }

    /// GRDB turns synchronous down to NORMAL when it enables WAL, after the configuration's own
    /// setup has run; the replica must still commit with FULL (the WAL synced at every commit).
    @Test func theWriterCommitsWithSynchronousFull() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("durability-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let replica = try Self.makeReplica(directory)
        let modes = try replica.pool.writeWithoutTransaction { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(modes.0 == "wal")
        #expect(modes.1 == 2, "synchronous is \(modes.1.map(String.init) ?? "?"), not FULL (2)")
        // Checkpointed every 32 MiB, not SQLite's 4 MiB (see Replica.checkpointBytes).
        #expect((try Self.writerSettings(replica).1 ?? 0) * replica.pageSize == 32 << 20)
    }

    /// A pulled batch is committed with synchronous=NORMAL and a large checkpoint interval (the
    /// server can send it again); whatever happens in it, the next edit is committed with FULL.
    @Test func pulledBatchesRelaxDurabilityOnlyForThemselves() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("durability-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let replica = try Self.makeReplica(directory)

        let inside = try replica.writeRefetchable { db in
            (try Int.fetchOne(db, sql: "PRAGMA synchronous"), try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint"))
        }
        #expect(inside.0 == 1 && inside.1 == replica.downloadCheckpointPages)
        #expect(try Self.writerSettings(replica) == (2, replica.checkpointPages))

        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try replica.writeRefetchable { db in
                try db.execute(sql: "UPDATE syncState SET cursor = 99")
                throw Refused()
            }
        }
        #expect(try Self.writerSettings(replica) == (2, replica.checkpointPages))
        #expect(try replica.syncState().cursor == 0, "the failed batch was rolled back")

        var article = Article(title: "Judul", body: "Satu.", category: "News", source: "viva")
        article.version = 1
        article.seq = 1
        _ = try replica.applyPulled([ChangedArticle(article: article, mutationID: "m", clientID: "other")], cursor: 1)
        #expect(try Self.writerSettings(replica) == (2, replica.checkpointPages))
        #expect(try replica.syncState().cursor == 1)
    }

    /// Each CLI command opens the replica, writes once or not at all, and exits: the WAL must not
    /// carry what those commands wrote from one to the next, or every open reads all of it again.
    @Test func theWALIsCutWhenTheLastConnectionCloses() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("durability-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let id = try Self.makeReplica(directory).add([Article(title: "Judul", body: "Satu.", category: "News", source: "viva")])[0].idString
        let wal = ReplicaDirectory(path: directory).databasePath + "-wal"
        for round in 0..<40 {
            // A new Replica each round, released at the end of it, as a command's is.
            let replica = try ReplicaDirectory(path: directory).open()
            try withExtendedLifetime(replica) {
                try replica.update(id) { $0.title = "Judul \(round)" }
                let open = try #require(try FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int)
                #expect(open > 0, "the edit of round \(round) is in the WAL while the replica is open")
            }
        }
        // SQLite deletes it; an empty one would do as well.
        let closed = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
        #expect(closed == 0, "the WAL kept \(closed) bytes after the last connection closed")
        #expect(try ReplicaDirectory(path: directory).open().article(id)?.title == "Judul 39")
    }

    /// A download lets the WAL grow to hundreds of MiB before checkpointing; afterwards the file must
    /// not keep that size on disk for good.
    @Test func theWALShrinksAfterADownload() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("durability-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let replica = try Self.makeReplica(directory)
        try Self.download(batches: 6, of: 1000, into: replica)
        let wal = ReplicaDirectory(path: directory).databasePath + "-wal"
        let grown = try #require(try FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int)
        #expect(grown > Replica.walSizeLimit, "the download was checkpointed early (WAL \(grown) bytes)")
        try replica.checkpointLargeWAL()
        let after = try #require(try FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int)
        #expect(after <= Replica.walSizeLimit, "the WAL kept \(after) bytes after its checkpoint")
        #expect(try replica.articles().count == 6000)
    }

    /// The download checkpointer copies committed batches into the database file while the WAL
    /// still holds them.
    @Test func theDownloadCheckpointerCopiesWhileBatchesArrive() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("durability-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let replica = try Self.makeReplica(directory)
        let database = ReplicaDirectory(path: directory).databasePath
        func size(_ path: String) throws -> Int { try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) }
        let before = try size(database)
        let checkpointer = try replica.makeDownloadCheckpointer()
        try Self.download(batches: 4, of: 500, into: replica) { checkpointer.nudge() }
        await checkpointer.finish()
        // 2,000 articles of ~4 KB: the database file itself now holds them, not only the WAL.
        #expect(try size(database) > before + 6_000_000, "nothing was checkpointed into the database file")
        #expect(try replica.articles().count == 2000)
        #expect(try replica.syncState().cursor == 2000)
    }

    /// A new replica gets 32 KiB pages; one made before keeps its 4 KiB pages (SQLite cannot change
    /// them in WAL mode), and its WAL limits are still the same number of bytes.
    @Test func newReplicasUseLargePagesAndOldOnesKeepTheirs() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("durability-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fresh = try Self.makeReplica(directory + "/new")
        #expect(fresh.pageSize == Replica.pageSize)
        #expect(try fresh.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == 32_768)

        // A replica file as the builds before made it: default pages, already in WAL mode.
        try FileManager.default.createDirectory(atPath: directory + "/old", withIntermediateDirectories: true)
        let oldPath = directory + "/old/" + Replica.databaseName
        try DatabaseQueue(path: oldPath).writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA page_size = 4096")
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
        }
        let old = try Replica(path: oldPath)
        #expect(old.pageSize == 4096)
        #expect(try Self.writerSettings(old) == (2, 8_192), "32 MiB of 4 KiB pages")
        #expect(old.downloadCheckpointPages == 65_536, "256 MiB of 4 KiB pages")
        #expect(try Self.writerSettings(fresh) == (2, 1_024), "32 MiB of 32 KiB pages")
    }
}
