import ArticleSyncClient
import ArticleSyncShared
import ArticleSyncStress
import Foundation

/// Initial sync and push of N articles, against the SQLite floor and git, for one N.
struct TransferResult {
    var count: Int
    var bytes: Int
    var initialSync: Sample
    var clientPeakKiB: Int
    var serverPeakKiB: Int
    /// CPU seconds of each initial sync: the client process, and the server while it served it.
    var clientCPU: Sample
    var serverCPU: Sample
    var floor: Sample
    var floorWAL: Sample
    var gitClone: Sample
    var push: Sample
    /// CPU seconds of each push, as for the initial sync: where a push's time goes.
    var pushClientCPU: Sample
    var pushServerCPU: Sample
    var gitPush: Sample
}

enum TransferBenchmarks {
    static func run(count: Int, environment: BenchEnvironment, log: (String) -> Void) throws -> TransferResult {
        let articles = environment.articles.prefix(count)
        var result = TransferResult(count: count, bytes: environment.bytes(count), initialSync: Sample(values: []), clientPeakKiB: 0,
                                    serverPeakKiB: 0, clientCPU: Sample(values: []), serverCPU: Sample(values: []), floor: Sample(values: []), floorWAL: Sample(values: []), gitClone: Sample(values: []), push: Sample(values: []),
                                    pushClientCPU: Sample(values: []), pushServerCPU: Sample(values: []), gitPush: Sample(values: []))
        // Push: a replica holding N new articles syncs them to an empty server (fresh server each run).
        var server: ServerSupervisor?
        var token = ""
        for run in 0..<environment.runs {
            server?.stop()
            let (fresh, freshToken) = try environment.startServer("server-\(count)-\(run)")
            server = fresh
            token = freshToken
            let (writerDirectory, writer) = try environment.replica("writer-\(count)-\(run)", of: fresh, token: freshToken)
            try writer.add(Array(articles))
            let serverCPUBefore = fresh.cpuSeconds
            let cost = try environment.syncProcess(writerDirectory)
            result.push.values.append(cost.seconds)
            result.pushClientCPU.values.append(cost.cpuSeconds)
            if let before = serverCPUBefore, let after = fresh.cpuSeconds { result.pushServerCPU.values.append(after - before) }
            log("  push \(count): \(String(format: "%.2f", cost.seconds)) s, client CPU \(String(format: "%.2f", cost.cpuSeconds)) s, server CPU \(String(format: "%.2f", result.pushServerCPU.values.last ?? .nan)) s")
        }
        guard let server else { throw BenchError("no server") }
        defer { server.stop() }

        // Initial sync into a new replica, as its own process, and the floor right after it: the
        // disk's write-back state drifts over minutes, and alternating keeps that drift out of the
        // ratio.
        let rows = SQLiteFloor.rows(articles)
        for run in 0..<environment.runs {
            let (directory, _) = try environment.replica("reader-\(count)-\(run)", of: server, token: token)
            let serverCPUBefore = server.cpuSeconds
            let cost = try environment.syncProcess(directory)
            result.initialSync.values.append(cost.seconds)
            result.clientPeakKiB = max(result.clientPeakKiB, cost.peakKiB)
            result.clientCPU.values.append(cost.cpuSeconds)
            if let before = serverCPUBefore, let after = server.cpuSeconds { result.serverCPU.values.append(after - before) }
            let floor = try SQLiteFloor.insert(rows, journal: .rollback, directory: try environment.directory("floor-\(count)-\(run)"))
            result.floor.values.append(floor)
            let floorWAL = try SQLiteFloor.insert(rows, journal: .wal, directory: try environment.directory("floor-wal-\(count)-\(run)"))
            result.floorWAL.values.append(floorWAL)
            log("  initial sync \(count): \(String(format: "%.2f", cost.seconds)) s, client peak \(cost.peakKiB / 1024) MiB, client CPU \(String(format: "%.2f", cost.cpuSeconds)) s, server CPU \(String(format: "%.2f", result.serverCPU.values.last ?? .nan)) s; floor \(String(format: "%.2f", floor)) s, with WAL \(String(format: "%.2f", floorWAL)) s")
        }
        result.serverPeakKiB = server.peakResidentKiB ?? 0

        // git: clone from a daemon, and push N files to an empty repository.
        let gitRoot = try environment.directory("git-\(count)")
        let git = try GitReference(root: gitRoot)
        defer { git.stop() }
        try git.makeRepository("articles", articles: articles)
        for run in 0..<environment.runs {
            let target = try environment.directory("clone-\(count)-\(run)")
            let cost = try GitReference.git(["clone", "-q", "\(git.url)/articles", target + "/copy"], in: environment.work)
            result.gitClone.values.append(cost.seconds)
            try git.makeBareRepository("push-\(run).git")
            let pushed = try GitReference.git(["push", "-q", "\(git.url)/push-\(run).git", "HEAD:refs/heads/main"], in: gitRoot + "/articles")
            result.gitPush.values.append(pushed.seconds)
        }
        log("  git clone \(count): \(String(format: "%.2f", result.gitClone.median)) s, git push \(String(format: "%.2f", result.gitPush.median)) s")
        return result
    }
}

/// One edited article travelling from A to B with 20,000 articles already in step, against git.
struct IncrementalResult {
    var articleSyncSender: Sample
    var articleSyncReceiver: Sample
    var gitSender: Sample
    var gitReceiver: Sample
}

enum IncrementalBenchmark {
    static func run(count: Int, environment: BenchEnvironment, log: (String) -> Void) throws -> IncrementalResult {
        var result = IncrementalResult(articleSyncSender: Sample(values: []), articleSyncReceiver: Sample(values: []),
                                       gitSender: Sample(values: []), gitReceiver: Sample(values: []))
        let articles = environment.articles.prefix(count)
        let (server, token) = try environment.startServer("incremental-server")
        defer { server.stop() }
        let (aDirectory, a) = try environment.replica("incremental-a", of: server, token: token)
        let (bDirectory, b) = try environment.replica("incremental-b", of: server, token: token)
        try a.add(Array(articles))
        _ = try environment.syncProcess(aDirectory)
        _ = try environment.syncProcess(bDirectory)
        _ = b

        let gitRoot = try environment.directory("incremental-git")
        let git = try GitReference(root: gitRoot)
        defer { git.stop() }
        try git.makeRepository("origin", articles: articles)
        try git.makeBareRepository("shared.git")
        _ = try GitReference.git(["push", "-q", "\(git.url)/shared.git", "HEAD:refs/heads/main"], in: gitRoot + "/origin")
        _ = try GitReference.git(["clone", "-q", "\(git.url)/shared.git", gitRoot + "/a"], in: gitRoot)
        _ = try GitReference.git(["clone", "-q", "\(git.url)/shared.git", gitRoot + "/b"], in: gitRoot)

        let ids = articles.map(\.idString)
        for run in 0..<max(5, environment.runs) {
            let id = ids[(run * 7919) % ids.count]
            try a.update(id) { $0.title = "Judul diubah \(run)" }
            result.articleSyncSender.values.append(try environment.syncProcess(aDirectory).seconds)
            result.articleSyncReceiver.values.append(try environment.syncProcess(bDirectory).seconds)

            let file = gitRoot + "/a/articles/\(id).txt"
            var text = try String(contentsOfFile: file, encoding: .utf8)
            text = text.replacingOccurrences(of: "\n", with: " \(run)\n", options: [], range: text.range(of: "\n"))
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            let commit = try GitReference.git(["commit", "-q", "-am", "edit \(run)"], in: gitRoot + "/a")
            let push = try GitReference.git(["push", "-q"], in: gitRoot + "/a")
            result.gitSender.values.append(commit.seconds + push.seconds)
            result.gitReceiver.values.append(try GitReference.git(["pull", "-q"], in: gitRoot + "/b").seconds)
        }
        log("  one-article sync: articlesync \(ms(result.articleSyncSender.median)) + \(ms(result.articleSyncReceiver.median)) ms, git \(ms(result.gitSender.median)) + \(ms(result.gitReceiver.median)) ms")
        return result
    }
}

func ms(_ seconds: Double) -> String { String(format: "%.1f", seconds * 1000) }
