import ArticleSyncShared
import Foundation
import GRDB

extension SQLiteChangeLog: ChangeLogStore {
    public func authorize(token: String, collection: String) async throws -> AccessGrant {
        guard let tokenID = AccessToken.id(of: token) else { throw AccessError.invalidToken }
        let presented = AccessToken.hash(token)
        return try await pool.read { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT token.hash, token.access, token.revokedAt, collection.id AS collectionID, collection.name
                FROM token JOIN collection ON collection.id = token.collectionID WHERE token.id = ?
                """), arguments: [tokenID])
            else { throw AccessError.invalidToken }
            let stored: Data = try row.decode(forColumn: "hash")
            guard AccessToken.constantTimeEqual(Array(stored), presented) else { throw AccessError.invalidToken }
            guard (row["revokedAt"] as String?) == nil else { throw AccessError.revokedToken }
            let name: String = try row.decode(forColumn: "name")
            guard name == collection else {
                if try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM collection WHERE name = ?)"), arguments: [collection]) == true {
                    throw AccessError.wrongCollection(collection)
                }
                throw AccessError.unknownCollection(collection)
            }
            let accessName: String = try row.decode(forColumn: "access")
            return AccessGrant(tokenID: tokenID, collectionID: try row.decode(forColumn: "collectionID"), collection: name,
                               access: Access(rawValue: accessName) ?? .read)
        }
    }

    public func headSeq(collectionID: Int64) async throws -> Int64 {
        try await pool.read { db in try Self.headSeq(db, collectionID: collectionID) }
    }

    static func headSeq(_ db: Database, collectionID: Int64) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(seq) FROM article WHERE collectionID = ?"), arguments: [collectionID]) ?? 0
    }

    public func holds(_ change: SeenChange, collectionID: Int64) async throws -> Bool {
        try await pool.read { db in
            try Bool.fetchOne(db.cachedStatement(sql: """
                SELECT EXISTS (SELECT 1 FROM change
                               WHERE seq = ? AND collectionID = ? AND articleID = ? AND version = ? AND contentHash = ? AND mutationID = ?)
                """), arguments: [change.seq, collectionID, change.articleID, change.version, change.contentHash, change.mutationID]) ?? false
        }
    }

    public func pull(collectionID: Int64, after cursor: Int64, limit: Int, byteBudget: Int, skip: [ClosedRange<Int64>]) async throws -> ChangeBatch {
        let limit = max(1, limit)
        let skip = Array(skip.prefix(maximumPullSkipRanges))
        // Skipped rows still come back (their seq moves the cursor) but without reading their state.
        let skipped = skip.isEmpty ? "0" : skip.map { _ in "article.seq BETWEEN ? AND ?" }.joined(separator: " OR ")
        let bounds = skip.flatMap { [$0.lowerBound, $0.upperBound] } + [collectionID, cursor]
        return try await pool.read { db in
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT article.seq, change.mutationID, change.clientID, CASE WHEN \(skipped) THEN NULL ELSE change.state END AS state
                FROM article JOIN change ON change.seq = article.seq
                WHERE article.collectionID = ? AND article.seq > ? ORDER BY article.seq
                """), arguments: StatementArguments(bounds))
            var articles: [ChangedArticle] = []
            var bytes = 0
            var newCursor = cursor
            // Skipped rows cost little, but a reply must not wait on an unbounded scan either.
            let scanLimit = limit.multipliedReportingOverflow(by: 20).overflow ? Int.max : limit * 20
            var scanned = 0
            var more = false
            while let row = try rows.next() {
                guard scanned < scanLimit, articles.count < limit, bytes < byteBudget else {
                    more = true
                    break
                }
                scanned += 1
                guard let state = row["state"] as Data? else {
                    newCursor = try row.decode(forColumn: "seq")
                    continue
                }
                if !articles.isEmpty, bytes + state.count > byteBudget {
                    more = true
                    break
                }
                bytes += state.count
                // Not read into fields: `binary-v2` sends these bytes as they are (the client checks
                // them), and the walk proves the row can be read if another encoding needs the fields.
                articles.append(ChangedArticle(stored: try CheckedStorageForm(trusting: Array(state)), mutationID: try row.decode(forColumn: "mutationID"),
                                               clientID: try row.decode(forColumn: "clientID")))
                newCursor = try row.decode(forColumn: "seq")
            }
            return ChangeBatch(articles: articles, cursor: newCursor, more: more)
        }
    }

    public func push(collectionID: Int64, clientID: String, mutations: [Mutation], articleSizeLimit: Int) async throws -> [MutationResult] {
        try await pool.write { db in
            try mutations.map { try Self.apply($0, collectionID: collectionID, clientID: clientID, articleSizeLimit: articleSizeLimit, db) }
        }
    }

    /// Compare-and-set of one mutation inside the push transaction.
    static func apply(_ mutation: Mutation, collectionID: Int64, clientID: String, articleSizeLimit: Int, _ db: Database) throws -> MutationResult {
        let id = mutation.mutationID
        if let earlier = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT version, seq, collectionID, articleID, contentHash FROM change WHERE clientID = ? AND mutationID = ?
            """), arguments: [clientID, id]) {
            return try answerRepeated(mutation, earlier: earlier, collectionID: collectionID, db)
        }
        if id.isEmpty || id.utf8.count > 100 {
            return MutationResult(mutationID: id, status: .rejected, reason: "the mutation id must be 1 to 100 bytes")
        }
        if let problem = mutation.article.validationProblem(sizeLimit: articleSizeLimit) {
            return MutationResult(mutationID: id, status: .rejected, reason: problem)
        }
        let articleID = mutation.article.idString
        let current = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT version, seq FROM article WHERE collectionID = ? AND articleID = ?
            """), arguments: [collectionID, articleID])
        let currentVersion: Int64 = try current?.decode(forColumn: "version") ?? 0
        if mutation.baseVersion > currentVersion || mutation.baseVersion < 0 {
            return MutationResult(
                mutationID: id, status: .rejected,
                reason: "base version \(mutation.baseVersion) does not exist: the server's current version of \(articleID) is \(currentVersion)")
        }
        if mutation.baseVersion < currentVersion, let current {
            let latest = try Self.change(current.decode(forColumn: "seq"), db)
            return MutationResult(mutationID: id, status: .conflict, version: currentVersion, seq: latest.article.seq, article: latest)
        }

        var article = mutation.article
        article.version = currentVersion + 1
        // The seq is the change's row id, and the stored form holds the seq: insert, then fill in.
        try db.cachedStatement(sql: """
            INSERT INTO change (collectionID, articleID, version, baseVersion, clientID, mutationID, contentHash, state, createdAt)
            VALUES (?, ?, ?, ?, ?, ?, '', x'', ?)
            """).execute(arguments: [collectionID, articleID, article.version, mutation.baseVersion, clientID, id, timestamp()])
        article.seq = db.lastInsertedRowID
        let stored = article.storedForm
        let hash = stored.contentHash
        let state = Data(stored.bytes)
        try db.cachedStatement(sql: "UPDATE change SET state = ?, contentHash = ? WHERE seq = ?").execute(arguments: [state, hash, article.seq])
        try db.cachedStatement(sql: """
            INSERT INTO article (collectionID, articleID, version, seq, contentHash) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (collectionID, articleID) DO UPDATE SET version = excluded.version, seq = excluded.seq, contentHash = excluded.contentHash
            """).execute(arguments: [collectionID, articleID, article.version, article.seq, hash])
        return MutationResult(mutationID: id, status: .applied, version: article.version, seq: article.seq)
    }

    /// The answer to a mutation id this client pushed before. A retry carries what the first push
    /// carried and is a `duplicate`. Other content under the same id comes from a copy of the
    /// client's replica (a directory copied, or put back from a backup, while edits were queued):
    /// both copies send the queued edits under the same ids, each with its own later edits folded
    /// in. Answering `duplicate` made the second copy take its content for accepted, and its edits
    /// were never sent; as a `conflict` with the current article it is merged and sent again under
    /// a new id.
    static func answerRepeated(_ mutation: Mutation, earlier: Row, collectionID: Int64, _ db: Database) throws -> MutationResult {
        let id = mutation.mutationID
        let articleID = mutation.article.idString
        guard try articleID == earlier.decode(String.self, forColumn: "articleID"), try collectionID == earlier.decode(Int64.self, forColumn: "collectionID") else {
            return MutationResult(mutationID: id, status: .rejected,
                                  reason: "this client already used mutation id \(id) for another article or collection; mint a new id for each edit")
        }
        if try mutation.article.contentHash == earlier.decode(String.self, forColumn: "contentHash") {
            return MutationResult(mutationID: id, status: .duplicate, version: try earlier.decode(forColumn: "version"), seq: try earlier.decode(forColumn: "seq"))
        }
        guard let current = try Row.fetchOne(db.cachedStatement(sql: "SELECT version, seq FROM article WHERE collectionID = ? AND articleID = ?"),
                                             arguments: [collectionID, articleID]) else {
            throw ChangeLogDamage(message: "change \(try earlier.decode(Int64.self, forColumn: "seq")) names article \(articleID), which the log does not hold")
        }
        let latest = try Self.change(current.decode(forColumn: "seq"), db)
        return MutationResult(mutationID: id, status: .conflict, version: try current.decode(forColumn: "version"), seq: latest.article.seq, article: latest)
    }

    /// Change `seq`: the article as it left it, and the mutation that made it.
    static func change(_ seq: Int64, _ db: Database) throws -> ChangedArticle {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT state, mutationID, clientID FROM change WHERE seq = ?"), arguments: [seq]) else {
            throw ChangeLogDamage(message: "the latest version of an article names change \(seq), which the log does not hold")
        }
        return try ChangedArticle(article: Article(storageBytes: row.decode(Data.self, forColumn: "state")), mutationID: row.decode(forColumn: "mutationID"),
                                  clientID: row.decode(forColumn: "clientID"))
    }

    public func checksum(collectionID: Int64) async throws -> CollectionChecksum {
        try await pool.read { db in
            let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT articleID, contentHash, seq FROM article WHERE collectionID = ?"), arguments: [collectionID])
            let entries = try rows.map { try (id: $0.decode(String.self, forColumn: "articleID"), contentHash: $0.decode(String.self, forColumn: "contentHash")) }
            let headSeq = try rows.map { try $0.decode(Int64.self, forColumn: "seq") }.max() ?? 0
            return CollectionChecksum(checksum: CollectionDigest.compute(entries), count: rows.count, headSeq: headSeq)
        }
    }

    public func manifest(collectionID: Int64) async throws -> [ManifestEntry] {
        try await pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT articleID, contentHash FROM article WHERE collectionID = ? ORDER BY articleID"), arguments: [collectionID])
                .map { try ManifestEntry(id: $0.decode(forColumn: "articleID"), contentHash: $0.decode(forColumn: "contentHash")) }
        }
    }
}
