import ArgumentParser
import ArticleSyncShared
import Foundation

@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "articlesync-bench",
        abstract: "Measures ArticleSync against the SQLite floor and git, on this machine, in one run.",
        discussion: "Use Benchmarks/run.sh: it builds everything in release mode, runs this, and draws the plot.")

    @Flag(help: "Also measure 100,000 articles.") var large = false
    @Option(help: "Runs per figure (the median is reported).") var runs = 3
    @Option(help: "Directory holding release builds of articlesync and articlesync-server.") var products: String
    @Option(help: "Scratch directory (removed afterwards).") var work: String
    @Option(help: "Markdown report to write.") var output: String
    @Option(help: "Data file for the plot (N, articlesync, floor, git, floor with WAL seconds).") var plotData: String
    @Option(help: "The seed article, whose words make the generated ones.") var seedArticle: String
    @Option(help: "Generator seed.") var seed: UInt64 = 2026
    @Flag(help: "Only the merge micro-benchmark (for profiling it).") var mergeOnly = false
    @Flag(help: "Only the live-sync latency (for profiling it).") var latencyOnly = false
    @Option(help: "Only the initial-sync and push figures for this N (for profiling them), printed; --output is not written.") var transferOnly: Int?
    @Flag(help: "Only the one-article incremental sync (for profiling it).") var incrementalOnly = false
    @Flag(help: "Every measurement at a tiny size (N = 50 and 200, 5 clients, 5 live edits), to check that the harness runs, reports and cleans up; the figures say nothing about speed. The test suite runs it.") var smoke = false

    var scale: BenchScale { smoke ? .smoke : .full(large: large) }

    /// The article counts to measure the transfers at.
    var sizes: [Int] {
        if let transferOnly { return [transferOnly] }
        if incrementalOnly || mergeOnly || latencyOnly { return [] }
        return scale.sizes
    }

    /// How many articles to generate: enough for every measurement this run makes.
    var articleCount: Int {
        if mergeOnly || latencyOnly { return 10 }
        if incrementalOnly { return scale.incrementalCount }
        if transferOnly != nil { return sizes.max() ?? 0 }
        return max(sizes.max() ?? 0, scale.incrementalCount, scale.clients * scale.pushesPerClient * scale.batch)
    }

    func validate() throws {
        if smoke, large { throw ValidationError("--smoke and --large contradict each other: choose one") }
        if let transferOnly, transferOnly < 1 { throw ValidationError("--transfer-only needs a positive number of articles") }
        if runs < 1 { throw ValidationError("--runs needs at least 1") }
        // The merge runs in this process and needs none of what follows.
        if mergeOnly { return }
        // Checked before anything starts: a measurement that needs them would fail halfway instead.
        for program in ["articlesync", "articlesync-server"] where !FileManager.default.isExecutableFile(atPath: products + "/" + program) {
            throw ValidationError("no \(program) in \(products): build it first (Benchmarks/run.sh does)")
        }
        if !FileManager.default.isExecutableFile(atPath: "/usr/bin/time") {
            throw ValidationError("GNU time (/usr/bin/time), which measures each sync's peak memory, is missing: apt-get install time")
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        if !path.split(separator: ":").contains(where: { FileManager.default.isExecutableFile(atPath: "\($0)/git") }) {
            throw ValidationError("git, the reference every transfer is measured against, is not on PATH: apt-get install git")
        }
    }

    func run() async throws {
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        InterruptCleanup.install(scratch: work)
        let log: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }

        guard let seedText = try? String(contentsOfFile: seedArticle, encoding: .utf8) else { throw BenchError("cannot read \(seedArticle)") }
        var generator = ArticleGenerator(seedArticle: seedText, seed: seed)
        let scale = self.scale
        log("generating \(articleCount) articles")
        let articles = (0..<articleCount).map { generator.article(index: $0) }
        let environment = BenchEnvironment(products: products, work: work, articles: articles, runs: runs)

        var report = BenchReport(runs: runs, scale: scale, command: CommandLine.arguments.joined(separator: " "))
        if mergeOnly {
            for same in [false, true] {
                var probe = generator
                let (base, mine, theirs) = MergeBenchmark.inputs(&probe, sameParagraphs: same)
                let once = TextMerge.merge(base: base, mine: mine, theirs: theirs)
                let merge = MergeBenchmark.run(merges: scale.mergesPerRun, environment: environment, generator: &generator, sameParagraphs: same)
                print("same paragraphs \(same): clean \(once.isClean), merged by words \(once.mergedByWords), µs per merge median \(Int(merge.median)) (\(Int(merge.min))–\(Int(merge.max)))")
            }
            return
        }
        if incrementalOnly {
            let result = try IncrementalBenchmark.run(count: scale.incrementalCount, environment: environment, log: log)
            print("sender \(result.articleSyncSender.values.map(ms)) ms, receiver \(result.articleSyncReceiver.values.map(ms)) ms")
            return
        }
        if latencyOnly {
            let latency = try LatencyBenchmark.run(samples: scale.latencySamples, environment: environment, log: log)
            print("latency p50 \(latency.percentile(0.5)) ms, p99 \(latency.percentile(0.99)) ms")
            return
        }
        for count in sizes {
            log("N = \(count)")
            report.transfers.append(try TransferBenchmarks.run(count: count, environment: environment, log: log))
        }
        if transferOnly != nil {
            print(report.markdown())
            return
        }
        log("one-article incremental sync with \(scale.incrementalCount) articles")
        report.incremental = try IncrementalBenchmark.run(count: scale.incrementalCount, environment: environment, log: log)
        log("concurrent pushes: \(scale.clients) clients")
        report.concurrent = try await ConcurrentPushBenchmark.run(clients: scale.clients, pushesPerClient: scale.pushesPerClient, batch: scale.batch,
                                                                  environment: environment, log: log)
        log("merge of two edited 10 KB bodies")
        report.merge = MergeBenchmark.run(merges: scale.mergesPerRun, environment: environment, generator: &generator, sameParagraphs: false)
        report.wordMerge = MergeBenchmark.run(merges: scale.mergesPerRun, environment: environment, generator: &generator, sameParagraphs: true)
        log("live-sync latency")
        report.latency = try LatencyBenchmark.run(samples: scale.latencySamples, environment: environment, log: log)

        try Data(report.markdown().utf8).write(to: URL(fileURLWithPath: output))
        try Data(report.plotData().utf8).write(to: URL(fileURLWithPath: plotData))
        print(report.markdown())
    }
}
