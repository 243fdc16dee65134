import ArticleSyncShared

/// An article's history, read from the server's change log, which keeps every version: what a
/// person needs to get back text a merge, a resolution or another machine's edit replaced. Nothing
/// here changes the replica.
extension SyncEngine {
    /// Versions of an article on the server, newest first: all of them, or the newest `limit`
    /// (`more` then says whether older ones are left). None for an article the server does not hold.
    public func history(of articleID: String, limit: Int? = nil) async throws -> (versions: [ArticleVersion], more: Bool) {
        try await withGreetedConnection { connection, _ in
            var versions: [ArticleVersion] = []
            var before: Int64?
            // Each answer brings at least one older version (the server caps its size); the bound
            // only guards against a server that keeps answering `more`.
            for _ in 0..<1_000_000 {
                let wanted = min(pullBatchSize, (limit ?? .max) - versions.count)
                let page = try await Self.historyPage(&connection, articleID: articleID, before: before, limit: wanted)
                versions += page.versions
                guard page.more, let oldest = page.versions.last?.change.version, oldest < before ?? .max else {
                    return (versions, false)
                }
                if let limit, versions.count >= limit { return (versions, true) }
                before = oldest
            }
            return (versions, true)
        }
    }

    /// Version `version` of an article as the server's change log keeps it. Throws, naming
    /// `history`, when the server has no such version.
    public func version(_ version: Int64, of articleID: String) async throws -> ArticleVersion {
        let short = articleID.prefix(8)
        let missing = ReplicaError("the server has no version \(version) of article \(short); `articlesync history \(short)` lists the versions it has")
        guard version >= 1, version < .max else { throw missing }
        return try await withGreetedConnection { connection, _ in
            let page = try await Self.historyPage(&connection, articleID: articleID, before: version + 1, limit: 1)
            guard let found = page.versions.first(where: { $0.change.version == version }) else { throw missing }
            return found
        }
    }

    static func historyPage(_ connection: inout some ServerRequester, articleID: String, before: Int64?,
                     limit: Int) async throws -> (versions: [ArticleVersion], more: Bool) {
        let reply: ServerMessage
        do {
            reply = try await connection.request { .history(id: $0, articleID: articleID, before: before, limit: limit) }
        } catch let refusal as ServerRefusal where refusal.code == .badMessage && refusal.message.contains("unknown message type") {
            throw ReplicaError("the server does not know the `history` request: it runs an articlesync-server older than this "
                + "articlesync. Update the server to read an article's history; nothing here was changed.")
        }
        guard case .history(_, let versions, let more) = reply else {
            throw ReplicaError("the server answered history with \(reply) instead of history")
        }
        guard versions.allSatisfy({ $0.change.idString == articleID }) else {
            throw ReplicaError("the server answered the history of \(articleID) with another article's versions; the server is faulty")
        }
        return (versions, more)
    }

    /// Connects, says `hello` without acting on the answer (a read that changes nothing here: the
    /// next sync notices a replaced server), and runs `body` with the connection and the `welcome`.
    func withGreetedConnection<Result: Sendable>(_ body: (inout ServerConnection, ServerMessage) async throws -> Result) async throws -> Result {
        let state = try replica.syncState()
        let token = try directory.readToken()
        return try await ServerConnection.withConnection(
            to: try ServerAddress(parsing: state.server), trust: directory.serverTrust(state), clientCertificate: directory.clientCertificate,
            silenceLimit: silenceLimit
        ) { connection in
            let welcome = try await connection.request { helloMessage(id: $0, state: state, token: token) }
            return try await body(&connection, welcome)
        }
    }
}
