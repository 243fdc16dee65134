import ArticleSyncShared
import Foundation
import NIOCore
import Testing

@Suite struct BinaryEncodingTests {
    let binary = MessageCodec(encoding: .binary)
    let article = Article(title: "Judul ü", body: "Isi.\n\nParagraf dua.", category: "News", source: "viva", tags: ["x", "y"],
                          publishedAt: Date(timeIntervalSince1970: 1_600_000_000), version: 3, seq: 17)

    var clientMessages: [ClientMessage] {
        [
            .hello(id: 1, protocolVersion: 1, clientID: "c", token: "t", collection: "articles", encodings: [.binary, .json]),
            .hello(id: 1, protocolVersion: 1, clientID: "c", token: "t", collection: "articles", encodings: [.binary],
                   lastSeen: SeenChange(seq: 42, articleID: "a", version: 3, contentHash: "h", mutationID: "m")),
            .pull(id: 2, cursor: 99, limit: 500),
            .pull(id: 3, cursor: 99, limit: 500, skip: [100...120, 130...130]),
            .push(id: 4, mutations: [Mutation(mutationID: "m1", baseVersion: 2, article: article),
                                     Mutation(mutationID: "m2", baseVersion: 0, article: Article(title: "", body: "", category: "", source: "", isDeleted: true))]),
            .checksum(id: 5), .manifest(id: 6), .subscribe(id: 7), .ping(id: UInt64.max),
            .history(id: 8, articleID: "a", limit: 20), .history(id: 9, articleID: "a", before: 4, limit: 1),
        ]
    }

    var serverMessages: [ServerMessage] {
        let changed = ChangedArticle(article: article, mutationID: "m1", clientID: "c")
        return [
            .welcome(id: 1, protocolVersion: 1, serverID: "s", epoch: "e", headSeq: 10, access: "write", encoding: .binary),
            .welcome(id: 1, protocolVersion: 1, serverID: "s", epoch: "e", headSeq: 10, access: "write", encoding: .binary,
                     pushLimits: PushLimits(mutations: 3, frameBytes: 4 << 20)),
            .welcome(id: 1, protocolVersion: 1, serverID: "s", epoch: "e", headSeq: 10, access: "write", encoding: .binary, lastSeenHeld: false),
            .welcome(id: 1, protocolVersion: 1, serverID: "s", epoch: "e", headSeq: 10, access: "write", encoding: .binary,
                     pushLimits: PushLimits(mutations: 3, frameBytes: 4 << 20), lastSeenHeld: true),
            .changes(id: 2, articles: [changed, changed], cursor: 17, more: true),
            .changes(id: 2, articles: [], cursor: 0, more: false),
            .pushResult(id: 3, results: [
                MutationResult(mutationID: "m1", status: .applied, version: 4, seq: 18),
                MutationResult(mutationID: "m1", status: .duplicate, version: 4, seq: 18),
                MutationResult(mutationID: "m2", status: .conflict, version: 3, seq: 17, article: changed),
                MutationResult(mutationID: "m3", status: .rejected, reason: "too big"),
            ]),
            .checksum(id: 4, checksum: "abc", count: 2, headSeq: 18),
            .manifest(id: 5, entries: [ManifestEntry(id: "a", contentHash: "h")]),
            .notify(id: 8, headSeq: 40), .notify(id: nil, headSeq: 41),
            .error(id: nil, code: .frameTooLarge, message: "big"), .error(id: 9, code: .forbidden, message: "read only"),
            .pong(id: 6),
            .history(id: 10, versions: [ArticleVersion(change: changed, acceptedAt: "2026-12-06T04:17:00Z"),
                                        ArticleVersion(change: changed, acceptedAt: "2026-12-06T04:16:00Z")], more: true),
            .history(id: 11, versions: [], more: false),
        ]
    }

    @Test(arguments: [WireEncoding.binary, .binaryStored])
    func everyMessageRoundTrips(encoding: WireEncoding) throws {
        let codec = MessageCodec(encoding: encoding)
        for message in clientMessages {
            #expect(try codec.decodeClientMessage(try codec.encode(message)) == message)
        }
        for message in serverMessages {
            #expect(try codec.decodeServerMessage(try codec.encode(message)) == message)
        }
    }

    /// In `binary-v2` an article of an answer is its storage form, byte for byte: what the server
    /// read from its database is what the client gets to store.
    @Test func storedArticlesTravelAsTheyWereStored() throws {
        let v2 = MessageCodec(encoding: .binaryStored)
        let form = try CheckedStorageForm(checking: article.storageBytes)
        let message = ServerMessage.changes(id: 2, articles: [ChangedArticle(stored: form, mutationID: "m", clientID: "c"),
                                                              ChangedArticle(article: article, mutationID: "m", clientID: "c")], cursor: 17, more: false)
        let frame = Array(try v2.encode(message).readableBytesView)
        let at = try #require((0...frame.count - form.bytes.count).first { frame[$0..<$0 + form.bytes.count].elementsEqual(form.bytes) })
        #expect(frame[(at + form.bytes.count)...].firstRange(of: form.bytes) != nil, "the article given as fields was not sent in its storage form")
        guard case .changes(_, let received, _, _) = try v2.decodeServerMessage(ByteBuffer(bytes: frame)) else {
            Issue.record("not changes")
            return
        }
        for change in received {
            guard case .stored(let got) = change.content else {
                Issue.record("a binary-v2 article was read into fields")
                continue
            }
            #expect(got.bytes == form.bytes)
        }

        // A storage form the client would not write itself is refused, with a reason.
        let uppercase = Array(String(decoding: article.storageBytes, as: UTF8.self)
            .replacingOccurrences(of: article.idString, with: article.idString.uppercased()).utf8)
        var bad = ByteBuffer()
        bad.writeInteger(UInt8(0x82)); bad.writeInteger(UInt64(2)); bad.writeInteger(UInt32(1))
        bad.writeInteger(UInt32(uppercase.count)); bad.writeBytes(uppercase)
        bad.writeInteger(UInt32(1)); bad.writeString("m"); bad.writeInteger(UInt32(1)); bad.writeString("c")
        bad.writeInteger(Int64(17)); bad.writeInteger(UInt8(0))
        let error = #expect(throws: MessageDecodingError.self) { try v2.decodeServerMessage(bad) }
        #expect(error?.reason.contains("storage form") == true, "\(error?.reason ?? "")")
    }

    @Test func articlesCostFarLessThanInJSON() throws {
        let batch = ServerMessage.changes(id: 1, articles: Array(repeating: ChangedArticle(article: article, mutationID: "m", clientID: "c"), count: 50),
                                          cursor: 1, more: false)
        let json = try MessageCodec().encode(batch).readableBytes
        let compact = try binary.encode(batch).readableBytes
        #expect(compact * 3 < json * 2, "binary \(compact) bytes, JSON \(json) bytes")
    }

    /// Every way a peer's bytes can be wrong is a `MessageDecodingError` that says what, never a crash.
    @Test func damagedFramesAreRefusedWithAReason() throws {
        let pull = try binary.encode(ClientMessage.pull(id: 2, cursor: 1, limit: 10, skip: [5...6]))
        let push = try binary.encode(ClientMessage.push(id: 4, mutations: [Mutation(mutationID: "m1", baseVersion: 2, article: article)]))
        var cases: [(String, [UInt8], String)] = [
            ("empty", [], "ends where"),
            ("unknown type", [0x42] + Array(repeating: 0, count: 8), "unknown message type 66"),
            ("trailing bytes", Array(pull.readableBytesView) + [0], "1 bytes follow"),
        ]
        // Cut anywhere: always refused, never read past the end.
        for cut in stride(from: 1, to: push.readableBytes, by: 7) {
            cases.append(("cut at \(cut)", Array(push.readableBytesView.prefix(cut)), ""))
        }
        // A string or array claiming more bytes than the frame has.
        var lying = ByteBuffer()
        lying.writeInteger(UInt8(3)); lying.writeInteger(UInt64(1)); lying.writeInteger(UInt32.max)
        cases.append(("array count past the end", Array(lying.readableBytesView), "claims"))
        var longString = ByteBuffer()
        longString.writeInteger(UInt8(1)); longString.writeInteger(UInt64(1)); longString.writeInteger(Int64(1)); longString.writeInteger(UInt32(1000))
        cases.append(("string past the end", Array(longString.readableBytesView), "longer than"))
        var badUTF8 = ByteBuffer()
        badUTF8.writeInteger(UInt8(1)); badUTF8.writeInteger(UInt64(1)); badUTF8.writeInteger(Int64(1)); badUTF8.writeInteger(UInt32(2))
        badUTF8.writeBytes([0xC3, 0x28])
        cases.append(("invalid UTF-8", Array(badUTF8.readableBytesView), "UTF-8"))
        var backwards = ByteBuffer()
        backwards.writeInteger(UInt8(2)); backwards.writeInteger(UInt64(1)); backwards.writeInteger(Int64(0)); backwards.writeInteger(Int64(10))
        backwards.writeInteger(UInt32(1)); backwards.writeInteger(Int64(9)); backwards.writeInteger(Int64(3))
        cases.append(("backward skip range", Array(backwards.readableBytesView), "backwards"))
        var badBool = ByteBuffer()
        badBool.writeInteger(UInt8(0x82)); badBool.writeInteger(UInt64(1)); badBool.writeInteger(UInt32(0)); badBool.writeInteger(Int64(0))
        badBool.writeInteger(UInt8(7))
        cases.append(("boolean byte 7", Array(badBool.readableBytesView), "not 0 or 1"))

        for (name, bytes, expected) in cases {
            let payload = ByteBuffer(bytes: bytes)
            let clientError = #expect(throws: MessageDecodingError.self, "\(name)") { try binary.decodeClientMessage(payload) }
            let serverError = #expect(throws: MessageDecodingError.self, "\(name)") { try binary.decodeServerMessage(payload) }
            let reasons = [clientError?.reason, serverError?.reason].compactMap { $0 }
            #expect(reasons.allSatisfy { !$0.isEmpty })
            if !expected.isEmpty { #expect(reasons.contains { $0.contains(expected) }, "\(name): \(reasons)") }
        }
    }

    /// A publication time past what whole seconds in an Int64 can hold once trapped the conversion
    /// (in the content hash, on the server). Peers' values outside years 1–9999 are refused, and
    /// no date at all can make the conversion trap.
    @Test func publicationTimesOutOfRangeAreRefusedAndNeverTrap() throws {
        let json = #"{"type":"push","id":1,"mutations":[{"mutationID":"m","baseVersion":0,"article":{"id":"6b29fc40-ca47-1067-b31d-00dd010662da","title":"t","body":"","category":"c","source":"","publishedAt":9223372036854775807}}]}"#
        let error = #expect(throws: MessageDecodingError.self) { try MessageCodec().decodeClientMessage(ByteBuffer(string: json)) }
        #expect(error?.reason.contains("year 1 and 9999") == true)
        var far = article
        far.publishedAt = Date(timeIntervalSince1970: 1e300)
        #expect(far.publishedSeconds == Article.publishedAtRange.upperBound)
        #expect(!far.contentHash.isEmpty)
        var encoded = try binary.encode(ClientMessage.push(id: 1, mutations: [Mutation(mutationID: "m", baseVersion: 0, article: article)]))
        // Overwrite the publishedAt seconds (the 8 bytes after its presence byte) with Int64.max.
        let bytes = Array(encoded.readableBytesView)
        let seconds = withUnsafeBytes(of: Int64(1_600_000_000).bigEndian, Array.init)
        let at = try #require((0..<bytes.count - 8).first { Array(bytes[$0..<$0 + 8]) == seconds })
        encoded.setInteger(Int64.max, at: encoded.readerIndex + at)
        let binaryError = #expect(throws: MessageDecodingError.self) { try binary.decodeClientMessage(encoded) }
        #expect(binaryError?.reason.contains("year 1 and 9999") == true)
    }

    /// The fuzzer's binary seeds are written by hand (Fuzz/Corpus/message/binary_*.bin, and
    /// binary2_*.bin in `binary-v2`); they must be valid messages, or the fuzzer starts from noise.
    @Test func fuzzSeedsAreValidMessages() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/Corpus/message")
        let seeds = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.hasPrefix("binary") }
        #expect(seeds.count >= 10)
        for seed in seeds {
            let payload = ByteBuffer(bytes: try Data(contentsOf: corpus.appendingPathComponent(seed)))
            let v2 = MessageCodec(encoding: .binaryStored)
            let decodes = (try? binary.decodeClientMessage(payload)) != nil || (try? binary.decodeServerMessage(payload)) != nil
                || (try? v2.decodeServerMessage(payload)) != nil
            #expect(decodes, "\(seed)")
        }
    }

    @Test func negotiationPicksBinaryOnlyWhenOffered() throws {
        #expect(MessageCodec.choose(from: [.binary]) == .binary)
        #expect(MessageCodec.choose(from: [.binaryStored, .binary]) == .binaryStored)
        #expect(MessageCodec.choose(from: []) == .json)
        // An older client's hello has no offer; an unknown offer is dropped, not refused.
        let json = MessageCodec()
        let old = try json.decodeClientMessage(ByteBuffer(string: #"{"type":"hello","id":1,"protocolVersion":1,"clientID":"c","token":"t","collection":"a"}"#))
        #expect(old == .hello(id: 1, protocolVersion: 1, clientID: "c", token: "t", collection: "a", encodings: [], lastSeen: nil))
        let future = try json.decodeClientMessage(ByteBuffer(string: #"{"type":"hello","id":1,"protocolVersion":1,"clientID":"c","token":"t","collection":"a","encodings":["zstd-v9","binary-v2","binary-v1"]}"#))
        #expect(future == .hello(id: 1, protocolVersion: 1, clientID: "c", token: "t", collection: "a", encodings: [.binaryStored, .binary]))
        // hello and welcome are JSON whatever comes after; the client switches when the welcome says so.
        var client = MessageCodec()
        let welcome = try json.decodeServerMessage(try json.encode(ServerMessage.welcome(id: 1, protocolVersion: 1, serverID: "s", epoch: "e", headSeq: 0,
                                                                                          access: "read", encoding: .binary)))
        client.adopt(welcome)
        #expect(client.encoding == .binary)
        let oldWelcome = try json.decodeServerMessage(ByteBuffer(string: #"{"type":"welcome","id":1,"protocolVersion":1,"serverID":"s","epoch":"e","headSeq":0,"access":"read"}"#))
        var other = MessageCodec()
        other.adopt(oldWelcome)
        #expect(other.encoding == .json)
        // A server older than lastSeenHeld says nothing about the change hello named.
        guard case .welcome(_, _, _, _, _, _, _, _, let lastSeenHeld) = oldWelcome else {
            Issue.record("not a welcome: \(oldWelcome)")
            return
        }
        #expect(lastSeenHeld == nil)
        // Skip ranges travel in JSON too, and a backward one is refused there as well.
        let pull = ClientMessage.pull(id: 2, cursor: 1, limit: 5, skip: [3...4])
        #expect(try json.decodeClientMessage(try json.encode(pull)) == pull)
        #expect(throws: MessageDecodingError.self) {
            try json.decodeClientMessage(ByteBuffer(string: #"{"type":"pull","id":1,"cursor":0,"limit":1,"skip":[[9,3]]}"#))
        }
    }
}
