import ArticleSyncShared
import ArticleSyncStress
import Foundation
import NIOCore
import NIOPosix
import Testing

/// Anything can connect and send anything: each bad input gets a clear error (where the protocol
/// still allows one), the server keeps serving a normal sync, and no row changes.
@Suite(.timeLimit(.minutes(10))) struct HostileInputTests {
    /// A server with one synced article, and its change count, to prove nothing changed afterwards.
    struct Setup {
        let workspace: Workspace
        let token: String
        let replica: ReplicaCLI

        init(serverArguments: [String] = []) throws {
            workspace = try Workspace(serverArguments: serverArguments)
            token = try workspace.server.makeToken(access: "write")
            replica = try workspace.replica("r", token: token)
            try replica.ok(["add", workspace.seedFiles[0]])
            try replica.ok(["sync"])
        }

        var changes: String { (try? workspace.server.admin(["check"]).stdout) ?? "" }

        /// A normal sync still works and the change log is as it was.
        func expectStillServing(changesBefore: String) throws {
            #expect(try replica.ok(["sync"]).contains("in step"))
            #expect(changes == changesBefore, "rows changed")
            #expect(workspace.server.isRunning)
        }

        func send(_ bytes: [UInt8], closeAfterSending: Bool = false) async throws -> (messages: [ServerMessage], closedByServer: Bool) {
            try await RawTLSClient.exchange(bytes, port: workspace.server.port, fingerprint: workspace.server.fingerprint, closeAfterSending: closeAfterSending)
        }

        func hello(version: Int = articleSyncProtocolVersion, token: String? = nil, binary: Bool = false) -> [UInt8] {
            let offer = binary ? #","encodings":["binary-v1"]"# : ""
            return RawTLSClient.frame(#"{"type":"hello","id":1,"protocolVersion":\#(version),"clientID":"raw","token":"\#(token ?? self.token)","collection":"articles"\#(offer)}"#)
        }
    }

    @Test func malformedFramesAndMessagesGetClearErrors() async throws {
        let setup = try Setup()
        let before = setup.changes
        let cases: [(String, [UInt8], ProtocolErrorCode?, String)] = [
            ("garbage after the handshake", Array("GARBAGE GARBAGE GARBAGE".utf8), .frameTooLarge, "over the"),
            ("a 4 GiB length prefix", [0xFF, 0xFF, 0xFF, 0xFF, 0x7B], .frameTooLarge, "4294967295 bytes"),
            // Under the 16 MiB frame limit, but no hello is that large: refused before a token is shown.
            ("a first frame of 1 MiB", [0x00, 0x10, 0x00, 0x00, 0x7B], .frameTooLarge, "1048576 bytes is over the 65536-byte limit"),
            ("invalid UTF-8", RawTLSClient.frame([0x7B, 0xFF, 0xFE, 0x7D]), .badMessage, "UTF-8"),
            ("JSON of the wrong shape", RawTLSClient.frame(#"{"type":"pull","id":"seven"}"#), .badMessage, "wrong type"),
            ("an unknown message type", RawTLSClient.frame(#"{"type":"format_disk","id":1}"#), .badMessage, "unknown message type"),
            ("a request before hello", RawTLSClient.frame(#"{"type":"pull","id":1,"cursor":0,"limit":10}"#), .helloRequired, "hello"),
            ("an unsupported protocol version", setup.hello(version: 99), .unsupportedVersion, "version 99 but this server speaks version 1"),
            ("a wrong token", setup.hello(token: "ast_000000000000_" + String(repeating: "0", count: 64)), .unauthorized, "not valid"),
            ("a frame cut in the middle", [0, 0, 0, 100] + Array("{\"type\"".utf8), nil, ""),
        ]
        for (name, bytes, code, text) in cases {
            let answer = try await setup.send(bytes, closeAfterSending: code == nil)
            #expect(answer.closedByServer, "\(name): the connection stays open")
            if let code {
                #expect(RawTLSClient.errorCodes(answer.messages) == [code], "\(name): \(answer.messages)")
                #expect(RawTLSClient.errorText(answer.messages).contains(text), "\(name): \(RawTLSClient.errorText(answer.messages))")
            }
        }
        try setup.expectStillServing(changesBefore: before)
    }

    /// After a binary-v1 welcome, frames that lie about their lengths or break the rules are refused
    /// with a reason, in binary, and nothing is applied.
    @Test func damagedBinaryFramesGetClearErrors() async throws {
        let setup = try Setup()
        let before = setup.changes
        let binary = MessageCodec(encoding: .binary)
        let article = Article(title: "Judul", body: "Isi.", category: "News", source: "viva", publishedAt: Date(timeIntervalSince1970: 1_600_000_000))
        let push = Array(try binary.encode(ClientMessage.push(id: 2, mutations: [Mutation(mutationID: "m", baseVersion: 0, article: article)])).readableBytesView)
        var countLie = push
        countLie.replaceSubrange(9..<13, with: [0xFF, 0xFF, 0xFF, 0xFF])
        var pastTheEnd = push
        pastTheEnd.replaceSubrange(13..<17, with: [0, 0x10, 0, 0])
        let seconds = withUnsafeBytes(of: Int64(1_600_000_000).bigEndian, Array.init)
        var farFuture = push
        if let at = (0..<push.count - 8).first(where: { Array(push[$0..<$0 + 8]) == seconds }) {
            farFuture.replaceSubrange(at..<at + 8, with: withUnsafeBytes(of: Int64.max.bigEndian, Array.init))
        }
        var backwards = ByteBuffer()
        backwards.writeInteger(UInt8(2)); backwards.writeInteger(UInt64(2)); backwards.writeInteger(Int64(0)); backwards.writeInteger(Int64(10))
        backwards.writeInteger(UInt32(1)); backwards.writeInteger(Int64(9)); backwards.writeInteger(Int64(3))
        let cases: [(String, [UInt8], String)] = [
            ("an array count past the end", countLie, "claims"),
            ("a string past the end", pastTheEnd, "longer than"),
            ("a publication time in year 292 billion", farFuture, "year 1 and 9999"),
            ("a backward skip range", Array(backwards.readableBytesView), "backwards"),
            ("trailing bytes", push + [0], "follow the end"),
            ("an unknown type", [0x42, 0, 0, 0, 0, 0, 0, 0, 2], "unknown message type"),
            ("JSON after binary was agreed", Array(#"{"type":"ping","id":2}"#.utf8), "unknown message type 123"),
        ]
        for (name, bytes, text) in cases {
            let answer = try await setup.send(setup.hello(binary: true) + RawTLSClient.frame(bytes))
            #expect(answer.closedByServer, "\(name): the connection stays open")
            guard case .welcome(_, _, _, _, _, _, .binary, _, _) = answer.messages.first else {
                Issue.record("\(name): no binary welcome: \(answer.messages)")
                continue
            }
            #expect(RawTLSClient.errorCodes(answer.messages) == [.badMessage], "\(name): \(answer.messages)")
            #expect(RawTLSClient.errorText(answer.messages).contains(text), "\(name): \(RawTLSClient.errorText(answer.messages))")
        }
        try setup.expectStillServing(changesBefore: before)
        // And a well-formed binary push over the same raw path is applied, to show the cases above
        // failed for what they broke and not for something else (the bad frame after it ends the
        // connection, so the answers can be read).
        let good = try await setup.send(setup.hello(binary: true) + RawTLSClient.frame(push) + RawTLSClient.frame([0x42]))
        #expect(good.messages.contains { if case .pushResult(_, let results) = $0 { results.first?.status == .applied } else { false } }, "\(good.messages)")
        #expect(setup.changes != before)
    }

    @Test func plainTCPToTheTLSPortIsDroppedAndTheServerCarriesOn() async throws {
        let setup = try Setup()
        let before = setup.changes
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: setup.workspace.server.port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        // The server may hang up before the write completes: either way the connection must end.
        let closed = try await channel.executeThenClose { inbound, outbound in
            try? await outbound.write(ByteBuffer(string: "{\"type\":\"hello\"} in plain text\r\n\r\n"))
            do { for try await _ in inbound {} } catch {}
            return true
        }
        #expect(closed)
        try setup.expectStillServing(changesBefore: before)
    }

    @Test func pushesThatMustNotApplyAreRejectedWithReasons() async throws {
        let setup = try Setup()
        let before = setup.changes
        let file = try setup.workspace.write("huge.txt", "News\n\nBesar\n\n" + String(repeating: "kata ", count: 300_000) + "{x}")
        #expect(try setup.replica.run(["add", file]).stderr.contains("huge.txt:1"), "the client refuses the huge file itself")
        let results = try await RawClient.push([
            Mutation(mutationID: "future", baseVersion: 7, article: Article(title: "t", body: "b", category: "News", source: "s")),
            Mutation(mutationID: "huge", baseVersion: 0, article: Article(title: "t", body: String(repeating: "x", count: 2 << 20), category: "News", source: "s")),
            Mutation(mutationID: "untitled", baseVersion: 0, article: Article(title: "", body: "b", category: "News", source: "s")),
        ], token: setup.token, server: setup.workspace.server)
        #expect(results.map(\.status) == [.rejected, .rejected, .rejected])
        #expect(results[0].reason?.contains("base version 7 does not exist") == true)
        #expect(results[1].reason?.contains("over the 1048576-byte limit") == true)
        #expect(results[2].reason?.contains("title is empty") == true)
        try setup.expectStillServing(changesBefore: before)
    }

    @Test func hundredsOfIdleConnectionsAreDroppedWhileOthersAreServed() async throws {
        let setup = try Setup(serverArguments: ["--idle-timeout", "2", "--handshake-timeout", "2"])
        let before = setup.changes
        var idle: [any Channel] = []
        for _ in 0..<300 {
            idle.append(try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: setup.workspace.server.port).get())
        }
        try setup.expectStillServing(changesBefore: before)
        try await Task.sleep(for: .seconds(4))
        let stillOpen = idle.filter(\.isActive).count
        #expect(stillOpen == 0, "\(stillOpen) idle connections were not dropped")
        for channel in idle { try? await channel.close() }
    }

    /// A peer that finishes the TLS handshake, then trickles a frame and never completes its hello
    /// would hold a connection slot for good with only the idle timeout (120 s, reset by every
    /// byte): the handshake timeout covers the hello too.
    @Test func aPeerThatNeverCompletesItsHelloIsDropped() async throws {
        let setup = try Setup(serverArguments: ["--handshake-timeout", "2"])
        let before = setup.changes
        // One byte of a length prefix; the exchange waits at most 10 s for the server to hang up.
        // This process may be slow to write the byte (see Workspace), and a server that hung up
        // before it went out has dropped the peer all the same.
        do {
            let answer = try await setup.send([0x00])
            #expect(answer.closedByServer, "the connection outlived the 2 s deadline")
            #expect(answer.messages.isEmpty)
        } catch ChannelError.ioOnClosedChannel {}
        try setup.expectStillServing(changesBefore: before)
    }

    @Test func limitsOnConnectionsRequestsAndPushSizeAnswerLimitExceeded() async throws {
        let setup = try Setup(serverArguments: ["--max-requests-per-second", "20", "--max-push-mutations", "2", "--max-connections", "3"])
        let before = setup.changes
        // Request rate: a burst of pings over the allowance.
        let pings = (2...60).flatMap { RawTLSClient.frame(#"{"type":"ping","id":\#($0)}"#) }
        let flood = try await setup.send(setup.hello() + pings)
        #expect(RawTLSClient.errorCodes(flood.messages) == [.limitExceeded])
        #expect(RawTLSClient.errorText(flood.messages).contains("requests per second"))
        // Mutations per push.
        let article = Article(title: "t", body: "b", category: "News", source: "s")
        let mutations = (0..<3).map { Mutation(mutationID: "m\($0)", baseVersion: 0, article: Article(title: "t\($0)", body: article.body, category: "News", source: "s")) }
        let tooMany = try MessageCodec().encode(ClientMessage.push(id: 2, mutations: mutations))
        let pushed = try await setup.send(setup.hello() + RawTLSClient.frame(Array(tooMany.readableBytesView)))
        #expect(RawTLSClient.errorCodes(pushed.messages) == [.limitExceeded])
        #expect(RawTLSClient.errorText(pushed.messages).contains("at most 2 mutations"))
        // Connections: three held open, the fourth is told why it is refused.
        var held: [any Channel] = []
        for _ in 0..<3 { held.append(try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: setup.workspace.server.port).get()) }
        try await Task.sleep(for: .milliseconds(300))
        let refused = try await setup.send(setup.hello())
        #expect(RawTLSClient.errorCodes(refused.messages) == [.limitExceeded])
        #expect(RawTLSClient.errorText(refused.messages).contains("already has 3 connections"))
        for channel in held { try? await channel.close() }
        try await Task.sleep(for: .milliseconds(300))
        try setup.expectStillServing(changesBefore: before)
    }

    @Test func revokingATokenStopsAConnectionThatIsAlreadyOpen() async throws {
        let setup = try Setup()
        let outcome = try await RawClient.pullRevokePull(token: setup.token, server: setup.workspace.server)
        #expect(outcome.first == "changes")
        #expect(outcome.second.contains("unauthorized") && outcome.second.contains("revoked"))
    }

    @Test func badArticleFilesAreRefusedWithTheirNameAndNothingIsImported() throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        let empty = try workspace.write("empty.txt", "")
        let binaryPath = workspace.root + "/binary.txt"
        try Data([0x4E, 0x65, 0x77, 0x73, 0x0A, 0x00, 0x01, 0x02, 0xFF]).write(to: URL(fileURLWithPath: binaryPath))
        let invalidPath = workspace.root + "/latin1.txt"
        try Data("News\n\nJudul\n\nCaf".utf8 + [0xE9] + " {x}".utf8).write(to: URL(fileURLWithPath: invalidPath))
        let huge = try workspace.write("huge.txt", "News\n\nJudul\n\n" + String(repeating: "a", count: 2 << 20))
        for (bad, expected) in [(empty, "empty.txt:1: the file is empty"), (binaryPath, "binary.txt:2:"), (invalidPath, "latin1.txt:5: the file is not valid UTF-8"), (huge, "huge.txt:1:")] {
            let result = try replica.run(["add", workspace.seedFiles[0], bad])
            #expect(result.status != 0)
            #expect(result.stderr.contains(expected), "\(result.stderr)")
            #expect(result.stderr.contains("none of the 2 files was imported"), "the error says what became of the good one: \(result.stderr)")
            #expect(try replica.list().isEmpty, "nothing is imported when one file is bad")
        }
    }
}

