import Foundation

/// The figures of one run and their rendering as Markdown.
struct BenchReport {
    var runs: Int
    var scale: BenchScale
    var command: String
    var transfers: [TransferResult] = []
    var incremental: IncrementalResult?
    var concurrent: Sample?
    var merge: Sample?
    var wordMerge: Sample?
    var latency: Sample?

    func fmt(_ sample: Sample, multipliedBy factor: Double = 1, digits: Int = 2) -> String {
        let format = "%.\(digits)f"
        return "\(String(format: format, sample.median * factor)) (\(String(format: format, sample.min * factor))–\(String(format: format, sample.max * factor)))"
    }

    func ratio(_ a: Double, _ b: Double) -> String { String(format: "%.2f×", a / b) }

    /// 20000 as "20,000", whatever the locale.
    func grouped(_ number: Int) -> String {
        let digits = String(number)
        return digits.enumerated().map { offset, digit in
            offset > 0 && (digits.count - offset) % 3 == 0 ? ",\(digit)" : String(digit)
        }.joined()
    }

    /// The cores client and server shared: what the CPU bound divides by.
    var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    func machine() -> String {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
        let memory = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8))?.split(separator: "\n").first.map(String.init) ?? ""
        return "\(cores) cores, \(cpu); \(memory.replacingOccurrences(of: "  ", with: ""))"
    }

    /// Each sync against the floor run right after it: on this shared machine both floors (one
    /// large write and fsync) run at two speeds a factor of two apart for minutes at a time, and
    /// the medians can hide a pair that met the fast one.
    func pairwise(_ transfer: TransferResult) -> String {
        let ratios = zip(transfer.initialSync.values, transfer.floor.values).map { $0 / $1 }
        guard let low = ratios.min(), let high = ratios.max() else { return "no pairs" }
        let over = ratios.filter { $0 > 1.3 }.count
        return "pair by pair (each sync against the floor run right after it) \(String(format: "%.2f", low))–\(String(format: "%.2f", high))×, \(over) of \(ratios.count) over 1.3×"
    }

    /// Per run, the CPU of client and server together divided by the cores: a lower bound on
    /// the initial sync's wall time on this machine.
    func cpuBound(_ transfer: TransferResult) -> Sample {
        Sample(values: zip(transfer.clientCPU.values, transfer.serverCPU.values).map { ($0 + $1) / Double(cores) })
    }

    func cpuBoundNote(_ transfer: TransferResult) -> String {
        guard !transfer.serverCPU.values.isEmpty else { return "" }
        let bound = cpuBound(transfer).median
        return "; the CPU of client and server alone, over \(cores) cores, comes to \(ratio(bound, transfer.floor.median)) the floor"
    }

    func markdown() -> String {
        var lines = [
            "# Benchmark results", "",
            "- date: \(Date().formatted(.iso8601))",
            "- machine: \(machine())",
            "- command: `Benchmarks/run.sh` → `\(command)`",
            "- every figure: median of \(runs) runs (min–max in brackets) unless stated; \(scale.isSmoke ? "the builds in `--products`" : "release builds"); server and clients are separate processes on 127.0.0.1 over TLS; dirty pages are flushed (`sync`) before every timed step", "",
        ]
        if scale.isSmoke {
            lines += ["**A smoke run (`--smoke`): every measurement at a tiny size, to check that the harness works. Its figures say nothing about speed; do not quote them.**", ""]
        }
        lines += [
            "## Initial sync and push", "",
            "Initial sync: a new replica runs `articlesync sync` against a server holding N articles. Floor: the same rows inserted into a fresh SQLite file with the replica's schema, indexes, page size and page cache and synchronous=FULL, in one transaction, with a rollback journal (a fresh file's default), measured right after each sync (they alternate). Floor with WAL: the same insert in WAL mode, the journal a replica uses, which writes every page twice (into the WAL, then into the database by a checkpoint); pages before 2026-11-27 called this one the floor. git: `git clone` of the same articles as files from `git daemon` on loopback.", "",
            "| N | MB | initial sync s | articles/s | MB/s | floor s | sync ÷ floor | floor with WAL s | sync ÷ floor with WAL | git clone s | git ÷ sync | client peak MiB | server peak MiB |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for t in transfers {
            let megabytes = Double(t.bytes) / 1_048_576
            lines.append("| \(t.count) | \(String(format: "%.1f", megabytes)) | \(fmt(t.initialSync)) | \(Int(Double(t.count) / t.initialSync.median)) | \(String(format: "%.1f", megabytes / t.initialSync.median)) | \(fmt(t.floor)) | \(ratio(t.initialSync.median, t.floor.median)) | \(fmt(t.floorWAL)) | \(ratio(t.initialSync.median, t.floorWAL.median)) | \(fmt(t.gitClone)) | \(ratio(t.gitClone.median, t.initialSync.median)) | \(t.clientPeakKiB / 1024) | \(t.serverPeakKiB / 1024) |")
        }
        if transfers.contains(where: { !$0.serverCPU.values.isEmpty }) {
            lines += ["", "CPU of each initial sync: the client process's (user and system, from wait4) and the server's while it served that sync (from /proc/PID/stat). Their sum spread evenly over this machine's \(cores) cores is the least time any scheduling of that work could take here: set against the floor, it shows how close to the floor this machine lets the sync come.", "",
                      "| N | client CPU s | server CPU s | (client + server) ÷ \(cores) cores s | that ÷ floor | initial sync ÷ that |", "|---|---|---|---|---|---|"]
            for t in transfers where !t.serverCPU.values.isEmpty {
                let bound = cpuBound(t)
                lines.append("| \(t.count) | \(fmt(t.clientCPU)) | \(fmt(t.serverCPU)) | \(fmt(bound)) | \(ratio(bound.median, t.floor.median)) | \(ratio(t.initialSync.median, bound.median)) |")
            }
        }
        if !transfers.isEmpty {
            lines += ["", "Push: a replica holding N new articles runs `articlesync sync` against an empty server, which checks and stores each one in its change log (a fresh server each run). Floor: the same as above, the same rows in one local transaction. git: `git push` of the same files to an empty repository. CPU as for the initial sync: the pushing client's, and the server's while it took the push.", "",
                      "| N | push s | articles/s | push ÷ floor | git push s | git push ÷ push | client CPU s | server CPU s |", "|---|---|---|---|---|---|---|---|"]
            for t in transfers {
                let serverCPU = t.pushServerCPU.values.isEmpty ? "not measured" : fmt(t.pushServerCPU)
                lines.append("| \(t.count) | \(fmt(t.push)) | \(Int(Double(t.count) / t.push.median)) | \(ratio(t.push.median, t.floor.median)) | \(fmt(t.gitPush)) | \(ratio(t.gitPush.median, t.push.median)) | \(fmt(t.pushClientCPU)) | \(serverCPU) |")
            }
        }
        if let incremental {
            lines += ["", "## One-article incremental sync (\(grouped(scale.incrementalCount)) articles in step)", "",
                      "Edit one article on A; time `articlesync sync` on A, then on B. git: `git commit -a` + `git push` on A, `git pull` on B (\(incremental.articleSyncSender.values.count) runs).", "",
                      "| | sender ms | receiver ms |", "|---|---|---|",
                      "| ArticleSync | \(fmt(incremental.articleSyncSender, multipliedBy: 1000, digits: 1)) | \(fmt(incremental.articleSyncReceiver, multipliedBy: 1000, digits: 1)) |",
                      "| git | \(fmt(incremental.gitSender, multipliedBy: 1000, digits: 1)) | \(fmt(incremental.gitReceiver, multipliedBy: 1000, digits: 1)) |",
                      "| git ÷ ArticleSync | \(ratio(incremental.gitSender.median, incremental.articleSyncSender.median)) | \(ratio(incremental.gitReceiver.median, incremental.articleSyncReceiver.median)) |"]
        }
        if let concurrent {
            lines += ["", "## Concurrent pushes", "",
                      "\(scale.clients) TLS connections at once, each pushing \(scale.pushesPerClient) batches of \(scale.batch) new articles (\(grouped(scale.clients * scale.pushesPerClient * scale.batch)) mutations per run), every batch one transaction with synchronous=FULL.", "",
                      "- accepted mutations/s: \(fmt(concurrent, digits: 0))"]
        }
        if let merge, let wordMerge {
            lines += ["", "## Merge", "", "Three-way merge of two ~10 KB bodies, each with 6 scattered one-word edits (\(scale.mergesPerRun) merges per run, \(merge.values.count) runs).", "",
                      "- edits in different paragraphs (the line merge settles it): µs per merge \(fmt(merge, digits: 1))",
                      "- edits in the same paragraphs, different words (the word pass settles it): µs per merge \(fmt(wordMerge, digits: 1))"]
        }
        if let latency {
            lines += ["", "## Live-sync latency", "",
                      "Edit committed on replica A → visible in replica B's database, both running `articlesync sync --watch` against one server (\(latency.values.count) edits).", "",
                      "- p50: \(String(format: "%.1f", latency.percentile(0.5))) ms, p99: \(String(format: "%.1f", latency.percentile(0.99))) ms, max: \(String(format: "%.1f", latency.max)) ms"]
        }
        lines += ["", "## Against the targets", ""]
        if let twenty = transfers.first(where: { $0.count == 20_000 }) {
            lines.append("- initial sync ≤ 1.3× the SQLite floor: \(ratio(twenty.initialSync.median, twenty.floor.median)) at N = 20,000 — \(twenty.initialSync.median <= 1.3 * twenty.floor.median ? "met" : "missed") by the medians; \(pairwise(twenty)) (against the floor with WAL: \(ratio(twenty.initialSync.median, twenty.floorWAL.median)))\(cpuBoundNote(twenty))")
            lines.append("- ≥ 2.5× faster than git clone: \(ratio(twenty.gitClone.median, twenty.initialSync.median)) — \(twenty.gitClone.median >= 2.5 * twenty.initialSync.median ? "met" : "missed")")
        }
        if let incremental, scale.incrementalCount == 20_000 {
            let worst = max(incremental.articleSyncSender.median, incremental.articleSyncReceiver.median) * 1000
            lines.append("- one-article sync ≤ 30 ms per side: \(String(format: "%.1f", worst)) ms on the slower side — \(worst <= 30 ? "met" : "missed")")
        } else if incremental != nil {
            lines.append("- one-article sync ≤ 30 ms per side: not measured in this run (\(grouped(scale.incrementalCount)) articles, not 20,000)")
        }
        if let concurrent, scale.clients == 50 {
            lines.append("- ≥ 5,000 accepted mutations/s with 50 clients: \(Int(concurrent.median))/s — \(concurrent.median >= 5000 ? "met" : "missed")")
        } else if concurrent != nil {
            lines.append("- ≥ 5,000 accepted mutations/s with 50 clients: not measured in this run (\(scale.clients) clients)")
        }
        if let large = transfers.first(where: { $0.count == 100_000 }) {
            lines.append("- client peak RSS ≤ 100 MiB on the 100k sync: \(large.clientPeakKiB / 1024) MiB — \(large.clientPeakKiB <= 100 * 1024 ? "met" : "missed")")
        } else {
            lines.append("- client peak RSS ≤ 100 MiB on the 100k sync: not measured in this run (needs `--large`)")
        }
        lines += ["", "![sync time against N](sync-time.png)", ""]
        return lines.joined(separator: "\n")
    }

    func plotData() -> String {
        (["# N articlesync floor git floor-with-WAL"]
            + transfers.map { "\($0.count) \($0.initialSync.median) \($0.floor.median) \($0.gitClone.median) \($0.floorWAL.median)" })
            .joined(separator: "\n") + "\n"
    }
}
