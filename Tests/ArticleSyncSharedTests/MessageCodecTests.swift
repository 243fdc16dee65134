import ArticleSyncShared
import Foundation
import NIOCore
import Testing

@Suite struct MessageCodecTests {
    let codec = MessageCodec()
    let article = Article(title: "Judul", body: "Isi.", category: "News", source: "viva", tags: ["x"], publishedAt: Date(timeIntervalSince1970: 1_600_000_000), version: 3, seq: 17)

    @Test func clientMessagesRoundTrip() throws {
        let messages: [ClientMessage] = [
            .hello(id: 1, protocolVersion: 1, clientID: "c", token: "t", collection: "articles"),
            .hello(id: 1, protocolVersion: 1, clientID: "c", token: "t", collection: "articles",
                   lastSeen: SeenChange(seq: 42, articleID: "a", version: 3, contentHash: "h", mutationID: "m")),
            .pull(id: 2, cursor: 99, limit: 500),
            .push(id: 3, mutations: [Mutation(mutationID: "m1", baseVersion: 2, article: article)]),
            .checksum(id: 4),
            .manifest(id: 6),
            .subscribe(id: 7),
            .ping(id: 5),
            .history(id: 8, articleID: "a", limit: 20),
            .history(id: 9, articleID: "a", before: 4, limit: 1),
        ]
        for message in messages {
            #expect(try codec.decodeClientMessage(try codec.encode(message)) == message)
        }
    }

    @Test func serverMessagesRoundTrip() throws {
        let changed = ChangedArticle(article: article, mutationID: "m1", clientID: "c")
        let messages: [ServerMessage] = [
            .welcome(id: 1, protocolVersion: 1, serverID: "s", epoch: "e", headSeq: 10, access: "write"),
            .welcome(id: 1, protocolVersion: 1, serverID: "s", epoch: "e", headSeq: 10, access: "write", encoding: .binaryStored,
                     pushLimits: PushLimits(mutations: 3, frameBytes: 4 << 20)),
            .welcome(id: 1, protocolVersion: 1, serverID: "s", epoch: "e", headSeq: 10, access: "write", lastSeenHeld: false),
            .welcome(id: 1, protocolVersion: 1, serverID: "s", epoch: "e", headSeq: 10, access: "write", lastSeenHeld: true),
            .changes(id: 2, articles: [changed], cursor: 17, more: true),
            .pushResult(id: 3, results: [
                MutationResult(mutationID: "m1", status: .applied, version: 4, seq: 18),
                MutationResult(mutationID: "m2", status: .conflict, version: 3, seq: 17, article: changed),
                MutationResult(mutationID: "m3", status: .rejected, reason: "too big"),
            ]),
            .checksum(id: 4, checksum: "abc", count: 2, headSeq: 18),
            .manifest(id: 5, entries: [ManifestEntry(id: "a", contentHash: "h")]),
            .notify(id: 8, headSeq: 40),
            .notify(id: nil, headSeq: 41),
            .error(id: nil, code: .frameTooLarge, message: "big"),
            .pong(id: 6),
            .history(id: 9, versions: [ArticleVersion(change: changed, acceptedAt: "2026-12-06T04:17:00Z")], more: true),
            .history(id: 10, versions: [], more: false),
        ]
        for message in messages {
            #expect(try codec.decodeServerMessage(try codec.encode(message)) == message)
        }
    }

    @Test func wireShapeIsFlatWithTypeAndID() throws {
        let buffer = try codec.encode(ClientMessage.pull(id: 7, cursor: 120, limit: 500))
        #expect(String(buffer: buffer) == #"{"cursor":120,"id":7,"limit":500,"type":"pull"}"#)
        let history = try codec.encode(ClientMessage.history(id: 8, articleID: "a", before: 3, limit: 1))
        #expect(String(buffer: history) == #"{"articleID":"a","before":3,"id":8,"limit":1,"type":"history"}"#)
    }

    /// A version is a changed article's fields and `acceptedAt` in one object, as docs/PROTOCOL.md shows.
    @Test func aHistoryVersionIsOneFlatObject() throws {
        let version = ArticleVersion(change: ChangedArticle(article: article, mutationID: "m1", clientID: "c"), acceptedAt: "2026-12-06T04:17:00Z")
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(version)) as? [String: Any]
        #expect(Set(object?.keys ?? [:].keys) == ["article", "mutationID", "clientID", "acceptedAt"])
    }

    @Test(arguments: [
        (#"{"type":"launch","id":1}"#, "unknown message type"),
        (#"{"type":"pull","id":1,"cursor":"x","limit":1}"#, "wrong type"),
        (#"{"type":"pull","id":1}"#, "missing field"),
        (#"[1,2,3]"#, ""),
        (#"not json"#, ""),
    ])
    func badMessagesSayWhatIsWrong(input: String, expected: String) {
        let error = #expect(throws: MessageDecodingError.self) { try codec.decodeClientMessage(ByteBuffer(string: input)) }
        #expect(error?.reason.isEmpty == false)
        if !expected.isEmpty { #expect(error?.reason.contains(expected) == true, "\(error?.reason ?? "")") }
    }

    @Test func invalidUTF8IsRefused() {
        let error = #expect(throws: MessageDecodingError.self) { try codec.decodeClientMessage(ByteBuffer(bytes: [0x7B, 0xFF, 0x7D])) }
        #expect(error?.reason.contains("UTF-8") == true)
    }
}
