import ArticleSyncShared
import Foundation
import GRDB

/// One collection as `collection list` shows it.
public struct CollectionSummary: Sendable, Codable, Equatable {
    public var name: String
    public var articleCount: Int
    public var headSeq: Int64
    public var createdAt: String
}

/// One token as `token list` shows it: never the token or its hash.
public struct TokenSummary: Sendable, Codable, Equatable {
    public var id: String
    public var collection: String
    public var access: Access
    public var createdAt: String
    public var revokedAt: String?
}

/// Operator commands that run beside a live server (each is one short transaction).
extension SQLiteChangeLog {
    public func createCollection(name: String) throws {
        guard Self.isValidCollectionName(name) else {
            throw AdminError("\"\(name)\" is not a valid collection name: use 1 to 64 ASCII letters (a-z, A-Z), digits, '-', '_' or '.'")
        }
        try pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM collection WHERE name = ?)", arguments: [name]) == true {
                throw AdminError("collection \"\(name)\" already exists")
            }
            // "Articles" beside "articles": a replica made with the wrong case would sync with an
            // empty collection of its own, without a word.
            if let other = try String.fetchOne(db, sql: "SELECT name FROM collection WHERE name = ? COLLATE NOCASE", arguments: [name]) {
                throw AdminError("collection \"\(other)\" exists; names that differ only in case are refused, as replicas would mix them up")
            }
            try db.execute(sql: "INSERT INTO collection (name, createdAt) VALUES (?, ?)", arguments: [name, Self.timestamp()])
        }
    }

    public func collections() throws -> [CollectionSummary] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT collection.name, collection.createdAt, COUNT(article.articleID) AS count, COALESCE(MAX(article.seq), 0) AS head
                FROM collection LEFT JOIN article ON article.collectionID = collection.id
                GROUP BY collection.id ORDER BY collection.name
                """).map {
                    try CollectionSummary(name: $0.decode(forColumn: "name"), articleCount: $0.decode(forColumn: "count"),
                                          headSeq: $0.decode(forColumn: "head"), createdAt: $0.decode(forColumn: "createdAt"))
                }
        }
    }

    /// Makes a token and returns it together with its id. The token is not stored, only its hash.
    public func createToken(collection: String, access: Access) throws -> (id: String, token: String) {
        let generated = AccessToken.generate()
        try pool.write { db in
            guard let collectionID = try Int64.fetchOne(db, sql: "SELECT id FROM collection WHERE name = ?", arguments: [collection]) else {
                throw AdminError("there is no collection \"\(collection)\"; make it with `articlesync-server collection create \(collection)`")
            }
            try db.execute(sql: "INSERT INTO token (id, collectionID, access, hash, createdAt) VALUES (?, ?, ?, ?, ?)",
                           arguments: [generated.id, collectionID, access.rawValue, Data(AccessToken.hash(generated.token)), Self.timestamp()])
        }
        return generated
    }

    public func tokens() throws -> [TokenSummary] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT token.id, collection.name, token.access, token.createdAt, token.revokedAt
                FROM token JOIN collection ON collection.id = token.collectionID ORDER BY token.createdAt, token.id
                """).map {
                try TokenSummary(id: $0.decode(forColumn: "id"), collection: $0.decode(forColumn: "name"),
                                 access: Access(rawValue: $0.decode(forColumn: "access")) ?? .read,
                                 createdAt: $0.decode(forColumn: "createdAt"), revokedAt: $0.decode(forColumn: "revokedAt"))
            }
        }
    }

    /// Revokes a token; every request after this, on new or open connections, is refused.
    /// Revokes the token. Returns when it was revoked before, if it was: nil when revoked now.
    @discardableResult
    public func revokeToken(id: String) throws -> String? {
        try pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT revokedAt FROM token WHERE id = ?", arguments: [id]) else {
                throw AdminError("there is no token with id \"\(id)\" (`articlesync-server token list` shows them)")
            }
            if let earlier: String = try row.decode(forColumn: "revokedAt") { return earlier }
            try db.execute(sql: "UPDATE token SET revokedAt = ? WHERE id = ?", arguments: [Self.timestamp(), id])
            return nil
        }
    }

    static func isValidCollectionName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }
    }
}

/// An operator command that cannot be carried out; the message says why and what to do.
public struct AdminError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
