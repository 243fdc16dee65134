import ArticleSyncShared
import NIOCore
import Testing

@testable import ArticleSyncClient

/// What `history` makes of the answers a server can give, without a server: one that predates the
/// request, and a faulty one.
@Suite struct HistoryRequestTests {
    /// Answers every request with `answer` (or throws it, for an `error` answer).
    struct AnsweringRequester: ServerRequester {
        var answer: Result<ServerMessage, ServerRefusal>
        var pushLimits: PushLimits? { nil }
        mutating func send(_ makeMessage: (UInt64) -> ClientMessage) async throws -> UInt64 { _ = makeMessage(1); return 1 }
        mutating func reply(to id: UInt64) async throws -> ServerMessage { try answer.get() }
    }

    /// A server older than the request refuses it as every server refuses a message type it does
    /// not know: the refusal is made here from this build's own decoder, by the path such a server runs.
    @Test func aServerOlderThanTheRequestIsNamedAsSuch() async throws {
        var unknown = ByteBuffer()
        unknown.writeInteger(UInt8(0x7F))
        unknown.writeInteger(UInt64(1))
        var reason = ""
        do { _ = try MessageCodec(encoding: .binary).decodeClientMessage(unknown) } catch { reason = error.reason }
        #expect(reason.contains("unknown message type"))
        var requester = AnsweringRequester(answer: .failure(ServerRefusal(code: .badMessage, message: "\(reason); the connection is closed")))
        await #expect {
            _ = try await SyncEngine.historyPage(&requester, articleID: "a", before: nil, limit: 1)
        } throws: { error in
            "\(error)".contains("the server does not know the `history` request: it runs an articlesync-server older than this articlesync")
        }
        // Any other refusal is passed on as it came.
        requester.answer = .failure(ServerRefusal(code: .badMessage, message: "hello was already sent on this connection"))
        await #expect(throws: ServerRefusal.self) { _ = try await SyncEngine.historyPage(&requester, articleID: "a", before: nil, limit: 1) }
    }

    @Test func anotherArticlesVersionsAreRefused() async throws {
        let other = Article(title: "Lain", body: "Isi.", category: "News", source: "viva", version: 1, seq: 1)
        let version = ArticleVersion(change: ChangedArticle(article: other, mutationID: "m", clientID: "c"), acceptedAt: "2026-12-06T04:17:00Z")
        var requester = AnsweringRequester(answer: .success(.history(id: 1, versions: [version], more: false)))
        let asked = "6b29fc40-ca47-1067-b31d-00dd010662da"
        await #expect {
            _ = try await SyncEngine.historyPage(&requester, articleID: asked, before: nil, limit: 1)
        } throws: { error in
            "\(error)".contains("with another article's versions; the server is faulty")
        }
        requester.answer = .success(.history(id: 1, versions: [version], more: false))
        let own = try await SyncEngine.historyPage(&requester, articleID: other.idString, before: nil, limit: 1)
        #expect(own.versions == [version])
    }
}
