import ArticleSyncShared
import ArticleSyncStress
import Foundation
import Testing

/// What a person or a script types wrong, or twice, at the command line: each gets a message that
/// says what happened or what to give instead, and the article is left as it was.
@Suite(.timeLimit(.minutes(5))) struct CommandLineTests {
    /// Before, `--tag ""` (a script's `--tag "$TAG"` with TAG unset) cleared every tag, `--tag` with
    /// `--clear-tags` cleared them too, `set ID` alone said "saved", and `--published` with a day
    /// that does not exist saved the next one (2021-03-01 for 2021-02-29).
    @Test func setRefusesAnEmptyTagAndNothingToChange() throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        try replica.ok(["add", workspace.seedFiles[0]])
        let id = String(try replica.list()[0].id.prefix(8))
        try replica.ok(["set", id, "--tag", "perang", "--tag", "armenia"])
        let before = try replica.list()[0]

        for (arguments, expected) in [
            (["--tag", ""], "--tag needs a non-empty tag"),
            (["--tag", "  "], "--tag needs a non-empty tag"),
            (["--tag", "perang", "--clear-tags"], "give one of the two"),
            ([], "nothing to change"),
            (["--published", "2021-02-29T08:00:00Z"], "\"2021-02-29T08:00:00Z\" is not a date: February 2021 has 28 days"),
            (["--published", "2020-09-30T08:00:00Zjunk"], "is not an ISO 8601 time like 2020-09-30T08:00:00Z"),
        ] {
            let result = try replica.run(["set", id] + arguments)
            #expect(result.status == 64, "set \(arguments)")
            #expect(result.stderr.contains(expected), "set \(arguments): \(result.stderr)")
        }
        #expect(try replica.list()[0] == before)
        #expect(try replica.list()[0].tags.sorted() == ["armenia", "perang"])

        try replica.ok(["set", id, "--clear-tags"])
        #expect(try replica.list()[0].tags.isEmpty)
        try replica.ok(["set", id, "--published", "2020-09-30T08:00:00+07:00"])
        #expect(try replica.ok(["show", id]).contains("published: 2020-09-30T01:00:00Z}"))
    }

    /// Before, a second `delete` said "deleted" again, as if it had done something.
    @Test func deletingADeletedArticleSaysSoAndQueuesNothing() throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        try replica.ok(["add", workspace.seedFiles[0]])
        let id = String(try replica.list()[0].id.prefix(8))
        try replica.ok(["sync"])

        #expect(try replica.ok(["delete", id]).contains("restore \(id)"))
        // -q and -a, the short forms of sync --quiet and list --all, as git has them.
        #expect(try replica.ok(["sync", "-q"]).isEmpty)
        #expect(try replica.ok(["delete", id]) == "\(id) is already deleted; nothing to do\n")
        #expect(try replica.ok(["status"]).contains("no local changes waiting"))
        #expect(try replica.list()[0].deleted)
        #expect(try replica.ok(["list", "-a"]).contains("(deleted)"))
    }

    /// Before, Ctrl-C ended a sync without a word, its progress bar's line left open, and nothing
    /// said whether the download was lost. Here a listener that takes the connection and never
    /// answers keeps the sync waiting when the SIGINT comes.
    @Test func aSyncInterruptedByCtrlCSaysWhatIsKeptAndEndsByTheSignal() throws {
        let listener = try LoopbackListener()
        let workspace = try Workspace()
        let replica = try workspace.replica("r", token: try workspace.server.makeToken(access: "write"), server: "127.0.0.1:\(listener.port)")

        let errors = workspace.root + "/sync.err"
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        let sync = Process()
        sync.executableURL = URL(fileURLWithPath: Products.client)
        sync.arguments = ["-C", replica.path, "sync"]
        sync.standardOutput = FileHandle.nullDevice
        sync.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        try sync.run()
        // Its connection waiting on the listener means the sync is under way, its Ctrl-C handler
        // set up before it connected: only then is the SIGINT sent, however slow the machine.
        #expect(listener.hasConnection(within: 20_000), "the sync connected")
        #expect(sync.isRunning, "the sync waits for an answer")
        // Again every 2 s while it runs: a signal sent before the dispatch source that handles it was
        // armed is lost (the signal is ignored from the moment the sync begins).
        for _ in 0..<8 where sync.isRunning {
            sync.interrupt()
            let deadline = Date().addingTimeInterval(2)
            while sync.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        }
        if sync.isRunning { sync.terminate() }
        sync.waitUntilExit()
        #expect(sync.terminationReason == .uncaughtSignal && sync.terminationStatus == SIGINT, "ends as Ctrl-C ends a program (status 130 in a shell)")
        let said = try String(contentsOfFile: errors, encoding: .utf8)
        #expect(said.contains("interrupted: what was downloaded or sent so far is kept; `\(replica.program) sync` carries on from there"), "\(said)")
    }

    /// `list --json` prints one article at a time (it held every article in memory, 89 MB for
    /// 8,300); its text is still exactly JSONEncoder's for the whole array.
    @Test func listJSONIsPrintedAsOneArrayWouldBe() throws {
        struct Entry: Codable {
            var id, title, category, source, contentHash: String
            var tags: [String]
            var version: Int64
            var deleted, modified: Bool
        }
        func encoded(_ entries: [Entry]) throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(entries), as: UTF8.self) + "\n"
        }
        let (workspace, replica) = try Workspace.withOneReplica()
        #expect(try replica.ok(["list", "--json"]) == encoded([]))
        try replica.ok(["add"] + workspace.seedFiles.prefix(3))
        let ids = try replica.list().map { String($0.id.prefix(8)) }
        try replica.ok(["set", ids[0], "--tag", "perang", "--tag", "armenia"])
        try replica.ok(["set", ids[1], "--clear-tags"])
        try replica.ok(["delete", ids[2]])
        for arguments in [["list", "--json"], ["list", "--json", "--all"]] {
            let printed = try replica.ok(arguments)
            let entries = try JSONDecoder().decode([Entry].self, from: Data(printed.utf8))
            #expect(entries.count == (arguments.contains("--all") ? 3 : 2))
            #expect(printed == (try encoded(entries)))
        }
    }

    /// `list` separates category and title with a tab, which scripts split on. Before, a tab typed
    /// into either (the text format allows one) made a third column, and `cut -f2` cut the title short.
    @Test func aTabInsideAFieldDoesNotMoveListsColumns() throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        try replica.ok(["add", workspace.seedFiles[0]])
        let id = String(try replica.list()[0].id.prefix(8))
        try replica.ok(["set", id, "--title", "Judul\tdengan tab", "--category", "Berita\tDunia"])
        let line = try replica.ok(["list"])
        #expect(line == "\(id) * Berita Dunia\tJudul dengan tab\n")
        #expect(line.split(separator: "\t").count == 2)
        // The article itself keeps its tabs.
        #expect(try replica.list().first?.title == "Judul\tdengan tab")
        #expect(try replica.ok(["show", id]).hasPrefix("Berita\tDunia\n\nJudul\tdengan tab\n"))
    }

    /// Runs `articlesync` on `replica` with stdout as given; its status, or nil if it was still
    /// running after 20 s (then it is killed).
    static func run(_ replica: ReplicaCLI, _ arguments: [String], stdout: FileHandle, stderr: String) throws -> Int32? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Products.client)
        process.arguments = ["-C", replica.path] + arguments
        process.standardOutput = stdout
        _ = FileManager.default.createFile(atPath: stderr, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderr))
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    /// Before, `show ID > file` on a full disk exited 0 with the file cut short (print drops write
    /// errors), and `sync --watch` whose stdout was gone (a full disk, or a pipe whose reader ended)
    /// crashed in FileHandle's `try!` and then hung.
    @Test func outputThatCannotBeWrittenEndsTheCommandAndSaysSo() throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        try replica.ok(["add", workspace.seedFiles[0]])
        let id = String(try replica.list()[0].id.prefix(8))
        let errors = workspace.root + "/stderr"
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))

        #expect(try Self.run(replica, ["show", id], stdout: full, stderr: errors) == 1)
        #expect(try String(contentsOfFile: errors, encoding: .utf8).contains("cannot write the output (No space left on device)"))
        #expect(try Self.run(replica, ["sync", "--watch"], stdout: full, stderr: errors) == 1, "ends instead of hanging")
        #expect(try String(contentsOfFile: errors, encoding: .utf8).contains("cannot write the output (No space left on device)"))

        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        #expect(try Self.run(replica, ["sync", "--watch"], stdout: pipe.fileHandleForWriting, stderr: errors) == 141,
                "a reader gone ends it as SIGPIPE would")
    }

    /// `add --files-from -` at a terminal waits for names to be typed; before, it waited without a
    /// word, which looked like a hang. From a pipe it says nothing.
    @Test func addFromStandardInputAtATerminalSaysItIsWaiting() throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        let command = "'\(Products.client)' -C '\(replica.path)' add --files-from -"
        let onTerminal = try runProgram("/usr/bin/script", ["-qec", command, "/dev/null"], input: workspace.seedFiles[0] + "\n\u{4}", timeout: 60)
        #expect(onTerminal.status == 0, "\(onTerminal.stdout)")
        #expect(onTerminal.stdout.contains("reading file names, one per line, from standard input; end with Ctrl-D"), "\(onTerminal.stdout)")
        #expect(try replica.list().count == 1)

        let fromPipe = try replica.run(["add", "--files-from", "-"], input: workspace.seedFiles[1] + "\n")
        #expect(fromPipe.status == 0 && fromPipe.stderr.isEmpty, "\(fromPipe.stderr)")
        #expect(try replica.list().count == 2)
    }

    /// Before, `articlesync -C DIR lsit` said "Unknown option '-C'", blaming the one part typed right,
    /// and `-C DIR` with no command did the same.
    @Test func aMistypedCommandIsNamedAndMinusCIsNotBlamed() throws {
        let directory = FileManager.default.temporaryDirectory.path
        for (arguments, expected) in [
            (["-C", directory, "lsit"], "'lsit' is not an articlesync command; `articlesync --help` lists them"),
            (["lsit", "-C", directory], "'lsit' is not an articlesync command"),
            (["-C", directory], "-C DIR needs a command after it, as in `articlesync -C \(directory) status`"),
            (["-C"], "-C needs a directory and a command after it"),
        ] {
            let result = try runProgram(Products.client, arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("Unknown option"), "\(arguments): \(result.stderr)")
        }
        let help = try runProgram(Products.client, ["-C", directory, "help", "list"])
        #expect(help.status == 0 && help.stdout.contains("USAGE: articlesync list"), "\(help.stderr)")
    }

    /// A fault report, or an older articlesync refusing a replica a newer one migrated, needs to
    /// say which build it came from; before, `--version` was "Unknown option".
    @Test func bothProgramsSayTheirReleaseAndProtocol() throws {
        let expected = "\(ArticleSyncVersion.release) (protocol \(articleSyncProtocolVersion))\n"
        for (program, arguments, name) in [(Products.client, ["--version"], "articlesync"),
                                           (Products.client, ["-C", FileManager.default.temporaryDirectory.path, "--version"], "articlesync"),
                                           (Products.server, ["--version"], "articlesync-server")] {
            let result = try runProgram(program, arguments)
            #expect(result.status == 0 && result.stdout == "\(name) \(expected)", "\(name) \(arguments): \(result.stdout)\(result.stderr)")
        }
    }

    /// `serve` refuses what it cannot honour before it starts. Before, a mistyped --log-level was
    /// taken as info without a word, and a URL as --listen failed as an unknown host "https://…".
    @Test func serveRefusesAURLToListenOnAndAnUnknownLogLevel() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("serve-flags-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        for (arguments, expected) in [
            (["--listen", "https://127.0.0.1:7443"], "--listen takes HOST:PORT, without a scheme or path"),
            (["--listen", "127.0.0.1:0", "--log-level", "verbose"], "--log-level takes trace, debug, info, notice, warning, error or critical, not \"verbose\""),
            (["--listen", ":7443"], "--listen needs a host before the port: 0.0.0.0:7443 listens on every interface, 127.0.0.1:7443 on this machine only"),
        ] {
            let result = try runProgram(Products.server, ["serve", "--data", data] + arguments, timeout: 30)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
        }
        // An address this machine does not have (with or without IPv6): named as typed, in brackets,
        // and in the system's words. Before, "cannot listen on ::2:0: bind(descriptor:ptr:bytes:): …".
        let unbound = try runProgram(Products.server, ["serve", "--data", data, "--listen", "[::2]:0"], timeout: 30)
        #expect(unbound.status == 1, "\(unbound.stderr)")
        #expect(unbound.stderr.contains("cannot listen on [::2]:0: "), "\(unbound.stderr)")
        #expect(unbound.stderr.contains("check the address given to --listen") && !unbound.stderr.contains("errno"), "\(unbound.stderr)")
    }

    /// The README's first command: the whole path on a throwaway server, its folder removed after.
    /// Before, seeds that could not be found (a copied binary run away from the package) were
    /// named only after the server and replicas had started, with Foundation's NSError dump.
    @Test func theDemoRunsTheWholePathAndLeavesNothingBehind() throws {
        let demo = try runProgram(Products.client, ["demo"], timeout: 120)
        #expect(demo.status == 0, "\(demo.stderr)")
        let seeds = try FileManager.default.contentsOfDirectory(atPath: Workspace.seeds).filter { $0.hasSuffix(".txt") }.count
        #expect(demo.stdout.contains("identical: \(seeds) articles, collection checksum"), "\(demo.stdout)")
        #expect(demo.stdout.contains("==> sync desktop: pulled 1, pushed 2, merged 1"), "\(demo.stdout)")
        // The merged article's history: added, the laptop's edit, the merge the desktop pushed.
        #expect(demo.stdout.contains("    v3  ") && demo.stdout.contains("    v1  "), "\(demo.stdout)")
        let folder = try #require(demo.stdout.firstMatch(of: /data in (\S+)\/server\)/)?.output.1)
        #expect(!FileManager.default.fileExists(atPath: String(folder)), "the demo's folder is removed")

        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("no-seeds-\(UUID().uuidString.prefix(8))").path
        let missing = try runProgram(Products.client, ["demo", "--seeds", empty], timeout: 60)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot read the seed articles in \(empty) (no such directory, or not readable)"), "\(missing.stderr)")
        #expect(missing.stdout.isEmpty, "nothing started: \(missing.stdout)")
    }

    /// Before, a temporary folder that could not be written (TMPDIR) or an export folder that could
    /// not be made was reported with Foundation's words ("The operation could not be completed. The
    /// file doesn’t exist.") or its whole NSError dump.
    @Test func aFolderThatCannotBeWrittenIsNamedInTheSystemsWords() throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        try replica.ok(["add", workspace.seedFiles[0]])
        let id = String(try replica.list()[0].id.prefix(8))
        // Not even root may make a folder in /proc.
        let edit = try replica.run(["edit", id], environment: ["EDITOR": "true", "TMPDIR": "/proc/articlesync-test"])
        #expect(edit.status == 1)
        #expect(edit.stderr.contains("(No such file or directory): set TMPDIR to a folder you may write to; nothing was changed"), "\(edit.stderr)")
        let export = try replica.run(["export", "/proc/articlesync-test"])
        #expect(export.stderr == "Error: cannot create the directory /proc/articlesync-test: No such file or directory\n", "\(export.stderr)")
        let server = try runProgram(Products.server, ["serve", "--data", "/proc/articlesync-test", "--listen", "127.0.0.1:0"], timeout: 30)
        #expect(server.stderr.contains("cannot create the data directory /proc/articlesync-test: No such file or directory"), "\(server.stderr)")
    }

    /// An empty path (`"$DIR"` with DIR unset) is refused, not taken as the root of the file system:
    /// before, `init ""` made /.articlesync and `serve --data ""` wrote /changelog.sqlite. `-C ""`
    /// is the current directory, as in git.
    @Test func anEmptyPathIsRefusedNotTakenAsTheRoot() throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        let initialized = try runProgram(Products.client, ["init", "", "--server", workspace.server.address, "--token", "t",
                                                           "--fingerprint", workspace.server.fingerprint])
        #expect(initialized.status == 64 && initialized.stderr.contains("give the directory to make the replica in (the one given is empty"),
                "\(initialized.stderr)")
        let export = try replica.run(["export", ""])
        #expect(export.status == 64 && export.stderr.contains("give the directory to export to"), "\(export.stderr)")
        for arguments in [["status", "--data", ""], ["serve", "--data", "", "--listen", "127.0.0.1:0"], ["token", "list", "--data", ""]] {
            let server = try runProgram(Products.server, arguments, timeout: 30)
            #expect(server.status == 64 && server.stderr.contains("--data needs a directory"), "\(arguments): \(server.stderr)")
        }
        let backup = try runProgram(Products.server, ["backup", "--data", workspace.server.dataDirectory, ""])
        #expect(backup.status == 1 && backup.stderr.contains("give the file to write the backup to"), "\(backup.stderr)")
        let here = try runProgram("/bin/sh", ["-c", #"cd "$1" && exec "$2" -C "" status"#, "sh", replica.path, Products.client])
        #expect(here.status == 0 && here.stdout.hasPrefix("replica of \"articles\""), "\(here.stderr)")
    }

    /// Before, every command run from a directory that had since been removed (a shell left in a
    /// deleted export folder, or in one a checkout replaced) crashed with "Illegal instruction":
    /// the current directory is then ".", on which Foundation's deletingLastPathComponent traps.
    @Test func aRemovedCurrentDirectoryIsNamedNotACrash() throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        let gone = workspace.root + "/gone"
        for (arguments, expected) in [
            (["status"], "the current directory no longer exists (it was deleted, or replaced by another of its name); cd to the replica's directory again, or give it with -C DIR"),
            (["-C", replica.path, "status"], "replica of \"articles\""),
        ] {
            try FileManager.default.createDirectory(atPath: gone, withIntermediateDirectories: false)
            let result = try runProgram("/bin/sh", ["-c", #"cd "$1" && rmdir "$1" && shift && exec "$0" "$@""#, Products.client, gone] + arguments)
            #expect(result.status == (arguments.count == 1 ? 1 : 0), "\(arguments): \(result.stderr)")
            #expect((result.stdout + result.stderr).contains(expected), "\(arguments): \(result.stderr)")
        }
    }

    /// A --data that holds no server (a typo, or run before the first `serve`) is named with the
    /// command that makes one; before, `fingerprint` said "cannot read DIR/server.key".
    @Test func aDataDirectoryWithoutAServerIsNamedWithWhatToDo() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-server-\(UUID().uuidString.prefix(8))").path
        let fingerprint = try runProgram(Products.server, ["fingerprint", "--data", missing], timeout: 30)
        #expect(fingerprint.status == 1 && fingerprint.stderr.contains("no server identity in \(missing) (server.key, server.crt); start the server "
            + "once with `articlesync-server serve --data \(missing)`"), "\(fingerprint.stderr)")
        let check = try runProgram(Products.server, ["check", "--data", missing], timeout: 30)
        #expect(check.status == 1 && check.stderr.contains("no change log at \(missing)/changelog.sqlite"), "\(check.stderr)")
        #expect(!FileManager.default.fileExists(atPath: missing), "nothing was made")
    }

    /// Before, `-C FILE` was told to run `init FILE`, and `init FILE` failed making FILE/.articlesync.partial.
    @Test func aFileWhereAReplicaDirectoryGoesIsNamed() throws {
        let workspace = try Workspace()
        let file = try workspace.write("notes.txt", "not a folder\n")
        let status = try runProgram(Products.client, ["-C", file, "status"])
        #expect(status.status == 1 && status.stderr.contains("\(file) is a file, not a directory; give a replica's directory with -C DIR"), "\(status.stderr)")
        let initialized = try runProgram(Products.client, ["init", file, "--server", workspace.server.address, "--token", "t",
                                                           "--fingerprint", workspace.server.fingerprint])
        #expect(initialized.status == 1 && initialized.stderr.contains("\(file) is a file, not a directory; give the directory to make the replica in"),
                "\(initialized.stderr)")
    }

    /// Before, `articlesync-server init --data DIR` said "Unknown option '--data'".
    @Test func aMistypedServerCommandIsNamed() throws {
        for (arguments, expected) in [
            (["init", "--data", "d"], "'init' is not an articlesync-server command; `articlesync-server serve` creates the data directory on first start"),
            (["tokens", "--data", "d"], "'tokens' is not an articlesync-server command; `articlesync-server --help` lists them"),
        ] {
            let result = try runProgram(Products.server, arguments, timeout: 30)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
        }
        #expect(try runProgram(Products.server, ["help", "token"], timeout: 30).status == 0)
    }

    /// A port where another program answers (a web server): before, BoringSSL's
    /// "WRONG_VERSION_NUMBER" with a hint about client certificates.
    @Test func anotherProgramOnThePortIsNamedAsNotAnArticlesyncServer() throws {
        let listener = try LoopbackListener()
        listener.answerOnce(with: "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        let workspace = try Workspace()
        let replica = try workspace.replica("r", token: try workspace.server.makeToken(access: "write"), server: "127.0.0.1:\(listener.port)")
        let refused = try replica.run(["sync"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the program at 127.0.0.1:\(listener.port) answered, but not with TLS, so it is not an articlesync server"),
                "\(refused.stderr)")
        #expect(!refused.stderr.contains("client certificates"), "\(refused.stderr)")
    }
}
