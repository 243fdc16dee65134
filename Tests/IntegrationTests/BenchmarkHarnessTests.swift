import ArticleSyncStress
import Foundation
import Testing

/// The benchmark harness (`articlesync-bench`), run small: `Benchmarks/run.sh` takes minutes and is
/// run by hand, so this is what notices when a change breaks a measurement, the report or the
/// cleanup. Its figures are not checked: at these sizes and in a debug build they say nothing.
@Suite(.timeLimit(.minutes(10))) struct BenchmarkHarnessTests {
    /// A new directory under the system's temporary one, removed after `body`.
    func inScratchDirectory(_ body: (String) throws -> Void) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("bench-test-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try body(root)
    }

    @Test func aSmokeRunReportsEveryMeasurementAndLeavesNothingBehind() throws {
        try inScratchDirectory { scratch in
            let work = scratch + "/work"
            let report = scratch + "/RESULTS.md", plot = scratch + "/sync.dat"
            let result = try runProgram(Products.bench, ["--smoke", "--runs", "1", "--products", Products.directory.path, "--work", work,
                                                         "--output", report, "--plot-data", plot, "--seed-article", Workspace.seeds + "/000_554e571eb0b6f027.txt"],
                                        timeout: 300)
            #expect(result.status == 0, "\(result.stderr)")

            let markdown = try String(contentsOfFile: report, encoding: .utf8)
            #expect(markdown.contains("A smoke run (`--smoke`)"))
            for heading in ["## Initial sync and push", "## One-article incremental sync (200 articles in step)", "## Concurrent pushes", "## Merge",
                            "## Live-sync latency", "## Against the targets"] {
                #expect(markdown.contains(heading), "no \(heading)")
            }
            // Every row of every table has a figure in each of its cells.
            let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| N ") && !$0.hasPrefix("| |") }
            #expect(rows.count == 9, "\(rows)")  // initial sync, CPU and push at two sizes; ArticleSync, git and their ratio
            for row in rows {
                let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                #expect(!cells.contains { $0.isEmpty || $0.hasPrefix("nan") || $0.hasPrefix("inf") }, "\(row)")
            }
            #expect(markdown.contains("accepted mutations/s: "))
            #expect(!markdown.contains("mutations/s: 0 "))
            #expect(markdown.contains("- one-article sync ≤ 30 ms per side: not measured in this run (200 articles, not 20,000)"))

            // The plot's data: a line per size, every time positive.
            let points = try String(contentsOfFile: plot, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
            #expect(points.map { $0.split(separator: " ").first.map(String.init) } == ["50", "200"])
            for point in points {
                let seconds = point.split(separator: " ").dropFirst().compactMap { Double($0) }
                #expect(seconds.count == 4 && seconds.allSatisfy { $0 > 0 }, "\(point)")
            }

            // Its scratch space is gone, and so is every server, watcher and git daemon it started
            // (each was given a path under the scratch space).
            #expect(!FileManager.default.fileExists(atPath: work))
            let leftovers = Self.processes(mentioning: work)
            #expect(leftovers.isEmpty, "still running: \(leftovers)")
        }
    }

    @Test func badOptionsAndAMissingBuildAreRefusedBeforeAnythingRuns() throws {
        try inScratchDirectory { scratch in
            let result = try runProgram(Products.bench, ["--smoke", "--large", "--products", Products.directory.path, "--work", scratch + "/work",
                                                         "--output", scratch + "/R.md", "--plot-data", scratch + "/d", "--seed-article", "x"])
            #expect(result.status != 0)
            #expect(result.stderr.contains("--smoke and --large contradict each other"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: scratch + "/work"))

            let unbuilt = try runProgram(Products.bench, ["--smoke", "--products", scratch, "--work", scratch + "/work",
                                                          "--output", scratch + "/R.md", "--plot-data", scratch + "/d", "--seed-article", "x"])
            #expect(unbuilt.status != 0)
            #expect(unbuilt.stderr.contains("no articlesync in \(scratch): build it first"), "\(unbuilt.stderr)")
            #expect(!FileManager.default.fileExists(atPath: scratch + "/work"))
        }
    }

    /// Command lines of running processes that contain `text`.
    static func processes(mentioning text: String) -> [String] {
        let pids = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { $0.allSatisfy(\.isNumber) }
        return pids.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
            return line.contains(text) ? "\(pid): \(line)" : nil
        }
    }
}
