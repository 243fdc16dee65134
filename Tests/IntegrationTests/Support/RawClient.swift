import ArticleSyncClient
import ArticleSyncShared
import Foundation

/// Speaks the protocol directly over the real TLS connection, to check what the server enforces
/// regardless of what the CLI would send.
enum RawClient {
    /// Sends hello and a push with `token`; returns the server's refusal text (or "accepted").
    static func pushWithToken(_ token: String, server: ServerProcess) async throws -> String {
        let address = try ServerAddress(parsing: server.address)
        return try await ServerConnection.withConnection(to: address, pinnedFingerprint: server.fingerprint) { connection in
            _ = try await connection.request {
                .hello(id: $0, protocolVersion: articleSyncProtocolVersion, clientID: "raw", token: token, collection: "articles")
            }
            let article = Article(title: "x", body: "y", category: "News", source: "s")
            do {
                _ = try await connection.request { .push(id: $0, mutations: [Mutation(mutationID: "raw-1", baseVersion: 0, article: article)]) }
                return "accepted"
            } catch let refusal as ServerRefusal {
                return refusal.description
            }
        }
    }
}
