import ArticleSyncClient
import ArticleSyncShared
import ArticleSyncStress
import Foundation
import NIOConcurrencyHelpers

/// Accepted mutations per second with many clients (50 in a full run) pushing at once over TLS.
enum ConcurrentPushBenchmark {
    static func run(clients: Int, pushesPerClient: Int, batch: Int, environment: BenchEnvironment, log: (String) -> Void) async throws -> Sample {
        var sample = Sample(values: [])
        for run in 0..<environment.runs {
            let (server, token) = try environment.startServer("concurrent-\(run)")
            defer { server.stop() }
            let address = try ServerAddress(parsing: server.address)
            let fingerprint = server.fingerprint
            let articles = Array(environment.articles.prefix(clients * pushesPerClient * batch))
            let accepted = NIOLockedValueBox(0)
            let elapsed = try await seconds {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for client in 0..<clients {
                        group.addTask {
                            try await ServerConnection.withConnection(to: address, trust: .fingerprint(fingerprint)) { connection in
                                _ = try await connection.request {
                                    .hello(id: $0, protocolVersion: articleSyncProtocolVersion, clientID: "bench-\(client)", token: token, collection: "articles")
                                }
                                for push in 0..<pushesPerClient {
                                    let start = (client * pushesPerClient + push) * batch
                                    let mutations = articles[start..<start + batch].enumerated().map {
                                        Mutation(mutationID: "c\(client)-\(push)-\($0.offset)", baseVersion: 0, article: $0.element)
                                    }
                                    guard case .pushResult(_, let results) = try await connection.request({ .push(id: $0, mutations: mutations) }) else { continue }
                                    let count = results.filter { $0.status == .applied }.count
                                    accepted.withLockedValue { $0 += count }
                                }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let rate = Double(accepted.withLockedValue { $0 }) / elapsed
            sample.values.append(rate)
            log("  concurrent push run \(run): \(accepted.withLockedValue { $0 }) accepted in \(String(format: "%.2f", elapsed)) s = \(Int(rate))/s")
        }
        return sample
    }
}

/// Microseconds per three-way merge of two edited ~10 KB bodies.
enum MergeBenchmark {
    /// A ~10 KB body and two edits of it, 6 one-word edits each: in different paragraphs
    /// (`samePararaphs` false: the line merge alone settles it) or in the same paragraphs, different
    /// words (the word pass has to).
    static func inputs(_ generator: inout ArticleGenerator, sameParagraphs: Bool) -> (String, String, String) {
        var base = ""
        while base.utf8.count < 10_000 { base += (base.isEmpty ? "" : "\n\n") + generator.paragraph(bytes: 420) }
        let paragraphs = base.components(separatedBy: "\n\n").count
        let theirsOffset = sameParagraphs ? paragraphs / 6 : 1
        return (base, generator.scatteredEdit(of: base, count: 6, offset: 0), generator.scatteredEdit(of: base, count: 6, offset: theirsOffset))
    }

    static func run(merges iterations: Int, environment: BenchEnvironment, generator: inout ArticleGenerator, sameParagraphs: Bool) -> Sample {
        let (base, mine, theirs) = inputs(&generator, sameParagraphs: sameParagraphs)
        var sample = Sample(values: [])
        for _ in 0..<max(5, environment.runs) {
            var clean = 0
            let elapsed = seconds {
                for _ in 0..<iterations where TextMerge.merge(base: base, mine: mine, theirs: theirs).isClean { clean += 1 }
            }
            precondition(clean == iterations, "the benchmark's edits are meant to merge cleanly")
            sample.values.append(elapsed / Double(iterations) * 1e6)
        }
        return sample
    }
}

/// Edit on replica A → visible in replica B's database, both running `sync --watch`. The edit is
/// made by this process, as another `articlesync` command would: A's watcher notices it at its next
/// tick (10 ms), pushes, the server notifies B, B pulls.
enum LatencyBenchmark {
    static func run(samples: Int, environment: BenchEnvironment, log: (String) -> Void) throws -> Sample {
        let (server, token) = try environment.startServer("latency-server")
        defer { server.stop() }
        let (aDirectory, a) = try environment.replica("latency-a", of: server, token: token)
        let (bDirectory, b) = try environment.replica("latency-b", of: server, token: token)
        let article = try a.add([environment.articles[0]])[0]
        _ = try environment.syncProcess(aDirectory)
        _ = try environment.syncProcess(bDirectory)
        let watchers = try [aDirectory, bDirectory].map { directory -> Process in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: environment.client)
            process.arguments = ["-C", directory.path, "sync", "--watch", "--quiet"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        defer {
            for watcher in watchers { kill(watcher.processIdentifier, SIGINT); watcher.waitUntilExit() }
        }
        // Wait until both watchers are connected.
        for _ in 0..<200 {
            if let status = try? server.admin(["status"]).stdout, status.contains("connected=2") { break }
            usleep(50_000)
        }
        var sample = Sample(values: [])
        for index in 0..<samples {
            let title = "Latensi \(index)"
            let start = ContinuousClock.now
            try a.update(article.idString) { $0.title = title }
            let deadline = start + .seconds(10)
            while ContinuousClock.now < deadline {
                if try b.article(article.idString)?.title == title { break }
                usleep(500)
            }
            let elapsed = (ContinuousClock.now - start).seconds
            guard try b.article(article.idString)?.title == title else { throw BenchError("edit \(index) never reached B") }
            sample.values.append(elapsed * 1000)
            // A random pause, so edits do not fall in step with the watcher's clock.
            usleep(UInt32(50_000 + (index * 7919) % 100_000))
        }
        log("  live latency: p50 \(String(format: "%.1f", sample.percentile(0.5))) ms, p99 \(String(format: "%.1f", sample.percentile(0.99))) ms")
        return sample
    }
}
