import ArgumentParser
import ArticleSyncStress
import Foundation

@main
struct StressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "articlesync-stress",
        abstract: "Long crash, fault and load runs against real articlesync-server processes on 127.0.0.1.",
        discussion: """
            Build the two programs first (`swift build`); this finds them next to itself. Every run uses a temporary \
            directory that is removed afterwards and exits 1 if any promise of docs/RELIABILITY.md was broken.

            Example: swift run articlesync-stress server-kill --kills 200
            """,
        subcommands: [ServerKill.self, ClientKill.self, Faults.self, Load.self, All.self]
    )
}

struct CommonOptions: ParsableArguments {
    @Option(help: "Seed for every random choice; the same seed replays the same run.") var seed: UInt64 = 1
    @Option(help: ArgumentHelp("Directory holding articlesync-server and articlesync (default: next to this program).", valueName: "DIR"))
    var products: String?

    var productDirectory: String {
        products ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().path
    }
    var server: String { productDirectory + "/articlesync-server" }
    var client: String { productDirectory + "/articlesync" }
}

/// Runs a scenario in a fresh temporary directory, prints its report, and fails when it failed.
func runScenario(_ body: (String) async throws -> ScenarioReport) async throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("articlesync-stress-\(UUID().uuidString.prefix(8))").path
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: root) }
    let report = try await body(root)
    print(report)
    if !report.passed { throw ExitCode(1) }
}

extension StressCommand {
    struct ServerKill: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "server-kill", abstract: "Clients push while the server is SIGKILLed and restarted.")
        @OptionGroup var common: CommonOptions
        @Option(help: "How many times to kill the server.") var kills = 200
        @Option(help: "Concurrent clients.") var clients = 4

        func run() async throws {
            try await runScenario { root in
                var scenario = ServerKillScenario(serverExecutable: common.server, root: root)
                scenario.kills = kills
                scenario.clients = clients
                scenario.seed = common.seed
                return try await scenario.run()
            }
        }
    }

    struct ClientKill: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "client-kill", abstract: "`articlesync sync` SIGKILLed mid-push and mid-pull.")
        @OptionGroup var common: CommonOptions
        @Option(help: "Kills during the push and again during the pull.") var kills = 20
        @Option(help: "Articles to push and pull.") var articles = 5000

        func run() async throws {
            try await runScenario { root in
                var scenario = ClientKillScenario(serverExecutable: common.server, clientExecutable: common.client, root: root)
                scenario.kills = kills
                scenario.articles = articles
                scenario.seed = common.seed
                return try await scenario.run()
            }
        }
    }

    struct Faults: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "faults", abstract: "Sync through a proxy that cuts, delays and drops answers.")
        @OptionGroup var common: CommonOptions
        @Option(help: "Concurrent clients.") var clients = 5
        @Option(help: "Edits per client, each synced through the faults.") var edits = 100

        func run() async throws {
            try await runScenario { root in
                var scenario = FaultScenario(serverExecutable: common.server, root: root)
                scenario.clients = clients
                scenario.edits = edits
                scenario.seed = common.seed
                return try await scenario.run()
            }
        }
    }

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "load", abstract: "Many clients edit the same articles at once.")
        @OptionGroup var common: CommonOptions
        @Option(help: "Concurrent clients.") var clients = 50
        @Option(help: "Edits per client.") var rounds = 20

        func run() async throws {
            try await runScenario { root in
                var scenario = LoadScenario(serverExecutable: common.server, root: root)
                scenario.clients = clients
                scenario.rounds = rounds
                scenario.seed = common.seed
                return try await scenario.run()
            }
        }
    }

    struct All: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "all", abstract: "Every scenario with its long defaults.")
        @OptionGroup var common: CommonOptions

        func run() async throws {
            var failed = false
            for scenario in ["server-kill", "client-kill", "faults", "load"] {
                var arguments = [scenario, "--seed", String(common.seed)]
                if let products = common.products { arguments += ["--products", products] }
                do {
                    var command = try StressCommand.parseAsRoot(arguments)
                    if var asyncCommand = command as? any AsyncParsableCommand { try await asyncCommand.run() } else { try command.run() }
                } catch {
                    failed = true
                }
            }
            if failed { throw ExitCode(1) }
        }
    }
}
