import ArgumentParser
import ArticleSyncClient
import ArticleSyncServer
import ArticleSyncShared
import Foundation
import Logging
import ServiceLifecycle

extension ArticleSyncCommand {
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo",
            abstract: "Run the whole path once on a throwaway server: TLS server, two replicas, seeds, edits on both sides.",
            discussion: "Everything lives in a temporary directory that is removed afterwards (unless --keep).")

        @Option(help: ArgumentHelp("Directory of article files to import (default: the package's seeds/).", valueName: "DIR"))
        var seeds: String?

        @Flag(help: "Keep the temporary directory and print where it is.")
        var keep = false

        func run() async throws {
            let seedDirectory = seeds ?? Self.defaultSeedDirectory()
            // Before a server starts: a demo run away from the package (a copied binary) said so
            // halfway through, with Foundation's NSError dump.
            let articles = try Self.seedArticles(in: seedDirectory)
            let workspace = FileManager.default.temporaryDirectory.appendingPathComponent("articlesync-demo-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
            defer {
                if keep { print("kept \(workspace)") } else { Self.remove(workspace) }
            }
            try await DemoScript(workspace: workspace, seedDirectory: seedDirectory, articles: articles).run()
        }

        /// Removes the demo's directory. A replica or change log released on another thread may
        /// still be closing (SQLite deletes its -wal and -shm files as it closes), and a removal
        /// that lists such a file and then finds it gone stops there: under load, 1 demo in 25 left
        /// its directory behind. So it tries again, briefly, until the directory is gone.
        static func remove(_ workspace: String) {
            for _ in 0..<20 {
                try? FileManager.default.removeItem(atPath: workspace)
                guard FileManager.default.fileExists(atPath: workspace) else { return }
                usleep(50_000)
            }
            printError("could not remove the demo's directory \(workspace); remove it by hand")
        }

        /// The .txt articles in `directory`, in name order.
        static func seedArticles(in directory: String) throws -> [Article] {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: directory)
            } catch {
                throw ReplicaError("cannot read the seed articles in \(directory) (no such directory, or not readable): run the demo from the "
                    + "package's folder, or pass --seeds DIR with article files")
            }
            let files = names.filter { $0.hasSuffix(".txt") }.sorted()
            guard !files.isEmpty else { throw ReplicaError("no .txt articles in \(directory); pass --seeds DIR with article files") }
            return try files.map { file in
                let path = directory + "/" + file
                guard let data = FileManager.default.contents(atPath: path) else { throw ReplicaError("cannot read \(path)") }
                return try ArticleText.parse(data, file: path)
            }
        }

        /// `seeds/` next to this package's sources, so `swift run articlesync demo` works from any directory.
        static func defaultSeedDirectory() -> String {
            if FileManager.default.fileExists(atPath: "seeds") { return "seeds" }
            return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("seeds").path
        }
    }
}

/// The demo's steps, each printed as it happens.
struct DemoScript {
    let workspace: String
    let seedDirectory: String
    /// The seed articles, read before anything starts.
    let articles: [Article]

    func step(_ text: String) { print("==> \(text)") }

    func run() async throws {
        step("starting a sync server over TLS on a free loopback port (data in \(workspace)/server)")
        let dataDirectory = ServerDataDirectory(path: workspace + "/server")
        let store = try dataDirectory.openChangeLog()
        let identity = try dataDirectory.loadOrCreateIdentity()
        var serverLogger = Logger(label: "demo-server")
        serverLogger.logLevel = .warning
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let server = SyncServer(configuration: ServerConfiguration(port: 0), store: store, identity: identity, logger: serverLogger) { port in
            portContinuation.yield(port)
            portContinuation.finish()
        }
        let group = ServiceGroup(services: [server], gracefulShutdownSignals: [], logger: serverLogger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            defer { Task { await group.triggerGracefulShutdown() } }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw ReplicaError("the demo server did not start") }
            let address = "127.0.0.1:\(port)"
            print("    listening on \(address), certificate \(identity.fingerprint)")
            try await exercise(store: store, address: address, fingerprint: identity.fingerprint)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            step("server stopped")
        }
    }

    func exercise(store: SQLiteChangeLog, address: String, fingerprint: String) async throws {
        step("making a write token for collection \"articles\"")
        let token = try store.createToken(collection: "articles", access: .write).token
        print("    token \(token.prefix(16))… (shown once, stored hashed)")

        step("making two replicas, laptop and desktop, pinned to the server's fingerprint")
        let laptopDirectory = ReplicaDirectory(path: workspace + "/laptop")
        let desktopDirectory = ReplicaDirectory(path: workspace + "/desktop")
        let laptop = try laptopDirectory.initialize(server: address, collection: "articles", token: token, fingerprint: fingerprint)
        let desktop = try desktopDirectory.initialize(server: address, collection: "articles", token: token, fingerprint: fingerprint)

        step("importing the seed articles from \(seedDirectory) on the laptop")
        for article in try laptop.add(articles) { print("    added \(article.idString.prefix(8))  \(article.title)") }

        try await sync(laptop, laptopDirectory, "laptop")
        try await sync(desktop, desktopDirectory, "desktop")
        print("    the desktop now has \(try desktop.articles().count) articles")

        let first = articles[0].idString
        let second = articles[min(1, articles.count - 1)].idString
        step("editing offline on both sides: the laptop retitles \(first.prefix(8)), the desktop tags \(second.prefix(8)),")
        print("    and both rewrite the same paragraph of \(first.prefix(8)): the laptop its first sentence, the desktop its last")
        try laptop.update(first) { article in
            article.title += " (updated on the laptop)"
            article.body = Self.replacingSentence(in: article.body, paragraph: 0, sentence: .first, with: "Pertempuran sengit terus berlanjut di Nagorno-Karabakh.")
        }
        try desktop.update(second) { $0.tags.insert("edited-on-desktop") }
        try desktop.update(first) { article in
            article.body = Self.replacingSentence(in: article.body, paragraph: 0, sentence: .last, with: "Kedua pihak saling menembakkan artileri berat.")
        }

        try await sync(laptop, laptopDirectory, "laptop")
        try await sync(desktop, desktopDirectory, "desktop")
        try await sync(laptop, laptopDirectory, "laptop")
        if let merged = try laptop.article(first) {
            print("    merged first paragraph: \(ArticleText.paragraphs(of: merged.body).first ?? "")")
        }

        step("comparing the two replicas")
        let laptopHashes = try laptop.articles(includeDeleted: true).map { "\($0.idString) \($0.contentHash)" }
        let desktopHashes = try desktop.articles(includeDeleted: true).map { "\($0.idString) \($0.contentHash)" }
        let serverChecksum = try await store.checksum(collectionID: 1)
        guard laptopHashes == desktopHashes, try laptop.localDigest().checksum == serverChecksum.checksum else {
            throw ReplicaError("the replicas differ after syncing; this is a bug, please report it")
        }
        print("    identical: \(laptopHashes.count) articles, collection checksum \(serverChecksum.checksum.prefix(16))… on laptop, desktop and server")
        if let article = try desktop.article(first) { print("    desktop sees the laptop's title: \(article.title)") }

        step("the server keeps every version of \(first.prefix(8)) (`articlesync history ID` lists them, `restore ID --version N` brings one back)")
        let history = try await SyncEngine(directory: desktopDirectory, replica: desktop, logger: Logger(label: "demo")).history(of: first)
        for version in history.versions {
            print("    v\(version.change.version)  \(version.acceptedAt)  \(version.change.article.title)")
        }
    }

    func sync(_ replica: Replica, _ directory: ReplicaDirectory, _ name: String) async throws {
        let report = try await SyncEngine(directory: directory, replica: replica, logger: Logger(label: "demo")).sync()
        step("sync \(name): pulled \(report.pulled), pushed \(report.pushed)" + (report.merged > 0 ? ", merged \(report.merged)" : "")
             + (report.unresolvedConflicts > 0 ? ", \(report.unresolvedConflicts) conflict(s)" : ""))
    }

    enum Sentence { case first, last }

    /// The body with one sentence of one paragraph replaced (sentences end in ". ").
    static func replacingSentence(in body: String, paragraph: Int, sentence: Sentence, with replacement: String) -> String {
        var paragraphs = ArticleText.paragraphs(of: body)
        guard paragraphs.indices.contains(paragraph) else { return body }
        var sentences = paragraphs[paragraph].components(separatedBy: ". ")
        switch sentence {
        case .first: sentences[0] = String(replacement.dropLast())
        case .last: sentences[sentences.count - 1] = replacement
        }
        paragraphs[paragraph] = sentences.joined(separator: ". ")
        return paragraphs.joined(separator: "\n\n")
    }
}
