import ArticleSyncShared
import Foundation
import GRDB

extension SQLiteChangeLog {
    public func history(collectionID: Int64, articleID: String, before: Int64?, limit: Int, byteBudget: Int) async throws -> ArticleHistory {
        let limit = max(1, limit)
        return try await pool.read { db in
            // The unique index on (collectionID, articleID, version) serves this walk.
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT version, mutationID, clientID, state, createdAt FROM change
                WHERE collectionID = ? AND articleID = ? AND version < ? ORDER BY version DESC
                """), arguments: [collectionID, articleID, before ?? .max])
            var versions: [ArticleVersion] = []
            var bytes = 0
            while let row = try rows.next() {
                // The row past the limit only says that there is more: its state is not read.
                guard versions.count < limit else { return ArticleHistory(versions: versions, more: true) }
                let state: Data = try row.decode(forColumn: "state")
                guard versions.isEmpty || bytes + state.count <= byteBudget else { return ArticleHistory(versions: versions, more: true) }
                bytes += state.count
                // As `pull` sends them: `binary-v2` sends the stored bytes as they are.
                let change = ChangedArticle(stored: try CheckedStorageForm(trusting: Array(state)), mutationID: try row.decode(forColumn: "mutationID"),
                                            clientID: try row.decode(forColumn: "clientID"))
                versions.append(ArticleVersion(change: change, acceptedAt: try row.decode(forColumn: "createdAt")))
            }
            return ArticleHistory(versions: versions, more: false)
        }
    }
}
