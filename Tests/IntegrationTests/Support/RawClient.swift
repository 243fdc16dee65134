import ArticleSyncClient
import ArticleSyncShared
import ArticleSyncStress
import Foundation

/// Speaks the protocol directly over the real TLS connection, to check what the server enforces
/// regardless of what the CLI would send.
enum RawClient {
    /// Sends hello and a push with `token`; returns the server's refusal text (or "accepted").
    static func pushWithToken(_ token: String, server: ServerSupervisor) async throws -> String {
        let address = try ServerAddress(parsing: server.address)
        return try await ServerConnection.withConnection(to: address, trust: .fingerprint(server.fingerprint)) { connection in
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

    /// Pushes the same mutation twice on one connection and returns both answers.
    static func pushTwice(token: String, server: ServerSupervisor) async throws -> [MutationResult] {
        let address = try ServerAddress(parsing: server.address)
        return try await ServerConnection.withConnection(to: address, trust: .fingerprint(server.fingerprint)) { connection in
            _ = try await connection.request {
                .hello(id: $0, protocolVersion: articleSyncProtocolVersion, clientID: "raw-twice", token: token, collection: "articles")
            }
            let mutation = Mutation(mutationID: "same-mutation", baseVersion: 0, article: Article(title: "x", body: "y", category: "News", source: "s"))
            var results: [MutationResult] = []
            for _ in 0..<2 {
                guard case .pushResult(_, let answer) = try await connection.request({ .push(id: $0, mutations: [mutation]) }) else { continue }
                results += answer
            }
            return results
        }
    }

    /// Hello and one push; returns the results.
    static func push(_ mutations: [Mutation], token: String, server: ServerSupervisor) async throws -> [MutationResult] {
        let address = try ServerAddress(parsing: server.address)
        return try await ServerConnection.withConnection(to: address, trust: .fingerprint(server.fingerprint)) { connection in
            _ = try await connection.request {
                .hello(id: $0, protocolVersion: articleSyncProtocolVersion, clientID: "raw-push", token: token, collection: "articles")
            }
            guard case .pushResult(_, let results) = try await connection.request({ .push(id: $0, mutations: mutations) }) else { return [] }
            return results
        }
    }

    /// Pulls, has the operator revoke the token, pulls again on the same connection; returns what
    /// each pull got (the message type, or the refusal).
    static func pullRevokePull(token: String, server: ServerSupervisor) async throws -> (first: String, second: String) {
        let address = try ServerAddress(parsing: server.address)
        return try await ServerConnection.withConnection(to: address, trust: .fingerprint(server.fingerprint)) { connection in
            _ = try await connection.request {
                .hello(id: $0, protocolVersion: articleSyncProtocolVersion, clientID: "raw-revoke", token: token, collection: "articles")
            }
            let first = try await connection.request { .pull(id: $0, cursor: 0, limit: 10) }
            let tokenID = String(token.split(separator: "_")[1])
            _ = try server.admin(["token", "revoke", tokenID])
            do {
                _ = try await connection.request { .pull(id: $0, cursor: 0, limit: 10) }
                return (Self.kind(first), "accepted")
            } catch let refusal as ServerRefusal {
                return (Self.kind(first), refusal.description)
            }
        }
    }

    static func kind(_ message: ServerMessage) -> String {
        if case .changes = message { return "changes" }
        return "\(message)"
    }
}
