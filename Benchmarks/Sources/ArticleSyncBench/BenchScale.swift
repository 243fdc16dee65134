/// How much work each measurement does: the sizes issue 7 names, or a smoke run small enough for
/// the test suite, which checks that every part of the harness still runs, reports and cleans up.
struct BenchScale: Sendable {
    /// Article counts the initial sync and the push are measured at.
    var sizes: [Int]
    /// Articles both replicas hold in the one-article incremental sync.
    var incrementalCount: Int
    /// The concurrent-push measurement: connections, pushes per connection, articles per push.
    var clients: Int
    var pushesPerClient: Int
    var batch: Int
    /// Merges timed per run of the merge micro-benchmark.
    var mergesPerRun: Int
    /// Edits timed in the live-sync measurement.
    var latencySamples: Int
    /// A smoke run's figures say nothing about speed; the report says so at the top.
    var isSmoke = false

    static func full(large: Bool) -> BenchScale {
        BenchScale(sizes: large ? [1000, 5000, 20_000, 100_000] : [1000, 5000, 20_000], incrementalCount: 20_000,
                   clients: 50, pushesPerClient: 20, batch: 10, mergesPerRun: 200, latencySamples: 60)
    }

    /// Every measurement, each a few seconds at most even in a debug build.
    static let smoke = BenchScale(sizes: [50, 200], incrementalCount: 200, clients: 5, pushesPerClient: 4, batch: 5,
                                  mergesPerRun: 20, latencySamples: 5, isSmoke: true)
}
