import ArticleSyncClient
import ArticleSyncShared
import Foundation
import Logging

/// An edit a stress client made, recognisable in the final state: a new article's title or a tag
/// added to one of the client's articles. Tags are only ever added, so an acknowledged tag must
/// still be there at the end.
public struct Marker: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case title, tag }
    public var articleID: String
    public var kind: Kind
    public var value: String
}

/// One in-process replica that edits and syncs in a loop, and keeps a ledger of which of its edits
/// the server acknowledged (a sync that returned with nothing left to push).
public struct StressClient: Sendable {
    public let name: String
    public let directory: ReplicaDirectory
    public let replica: Replica
    public private(set) var ownArticles: [String] = []
    public private(set) var unacknowledged: [Marker] = []
    public private(set) var acknowledged: [Marker] = []
    public private(set) var syncFailures = 0
    /// Syncs that downloaded the collection again because the server's log looked replaced or put
    /// back (`SyncReport.redownloaded`). No scenario replaces it, so any is a false alarm.
    public private(set) var redownloads = 0
    private var counter = 0

    public init(name: String, root: String, server: String, token: String, fingerprint: String) throws {
        self.name = name
        directory = ReplicaDirectory(path: root + "/" + name)
        replica = try directory.initialize(server: server, collection: "articles", token: token, fingerprint: fingerprint)
    }

    /// A new article, or (when it has some) a new tag on one of its own articles.
    public mutating func edit(_ random: inout SplitMix) throws {
        counter += 1
        let marker = "\(name)-\(counter)"
        if ownArticles.isEmpty || random.int(0...2) == 0 {
            let article = try replica.add([Article(title: "Artikel \(marker)", body: "Isi \(marker).\n\nParagraf kedua.", category: "News", source: "stress")])[0]
            ownArticles.append(article.idString)
            unacknowledged.append(Marker(articleID: article.idString, kind: .title, value: "Artikel \(marker)"))
        } else {
            let id = ownArticles[random.int(0...ownArticles.count - 1)]
            let tag = "t-\(marker)"
            try replica.update(id) { $0.tags.insert(tag) }
            unacknowledged.append(Marker(articleID: id, kind: .tag, value: tag))
        }
    }

    /// Adds a tag to an article anyone may be editing (for the load scenario).
    public mutating func tag(sharedArticle id: String) throws {
        counter += 1
        let tag = "t-\(name)-\(counter)"
        try replica.update(id) { $0.tags.insert(tag) }
        unacknowledged.append(Marker(articleID: id, kind: .tag, value: tag))
    }

    /// One sync; returns whether it completed. Edits count as acknowledged only when the sync
    /// finished with nothing left to push.
    @discardableResult
    public mutating func sync(connectTo address: String? = nil) async -> Bool {
        do {
            if let address { try replica.configure(server: address, collection: "articles", fingerprint: try replica.syncState().fingerprint) }
            var logger = Logger(label: "stress-\(name)")
            logger.logLevel = .critical
            let report = try await SyncEngine(directory: directory, replica: replica, logger: logger).sync()
            if report.redownloaded { redownloads += 1 }
            if report.pending == 0 && report.unresolvedConflicts == 0 {
                acknowledged += unacknowledged
                unacknowledged.removeAll()
            }
            return true
        } catch {
            syncFailures += 1
            return false
        }
    }
}
