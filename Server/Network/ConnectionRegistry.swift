import Foundation
import NIOConcurrencyHelpers

/// The connections a running server has, written to `status.json` in the data directory so that
/// `articlesync-server status` (another process) can show them. Written at most once a second.
public final class ConnectionRegistry: Sendable {
    public struct Entry: Codable, Sendable, Equatable {
        public var clientID: String
        public var collection: String
        public var address: String
        public var since: String
        public var subscribed: Bool
    }

    /// What `status.json` holds.
    public struct Snapshot: Codable, Sendable {
        public var pid: Int32
        public var startedAt: String
        public var listening: String
        public var updatedAt: String
        public var connections: [Entry]
    }

    private let path: String?
    private let state: NIOLockedValueBox<(entries: [Int: Entry], next: Int, dirty: Bool, listening: String)>
    private let startedAt = Date().formatted(.iso8601)

    /// `path` nil keeps the registry in memory only (tests, the demo).
    public init(path: String?) {
        self.path = path
        state = NIOLockedValueBox(([:], 0, true, ""))
    }

    func setListening(_ address: String) { state.withLockedValue { $0.listening = address; $0.dirty = true } }

    func open(clientID: String, collection: String, address: String) -> Int {
        state.withLockedValue { value in
            value.next += 1
            value.entries[value.next] = Entry(clientID: clientID, collection: collection, address: address, since: Date().formatted(.iso8601), subscribed: false)
            value.dirty = true
            return value.next
        }
    }

    func markSubscribed(_ key: Int) { state.withLockedValue { $0.entries[key]?.subscribed = true; $0.dirty = true } }

    func close(_ key: Int) { state.withLockedValue { $0.entries.removeValue(forKey: key); $0.dirty = true } }

    public var connections: [Entry] { state.withLockedValue { Array($0.entries.values) }.sorted { $0.since < $1.since } }

    /// Writes `status.json` if anything changed since the last write.
    func flush() {
        guard let path else { return }
        let snapshot: Snapshot? = state.withLockedValue { value in
            guard value.dirty else { return nil }
            value.dirty = false
            return Snapshot(pid: getpid(), startedAt: startedAt, listening: value.listening, updatedAt: Date().formatted(.iso8601),
                            connections: value.entries.values.sorted { $0.since < $1.since })
        }
        guard let snapshot, let data = try? JSONEncoder().encode(snapshot) else { return }
        try? data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Reads the snapshot a server wrote; nil when there is none.
    public static func read(path: String) -> Snapshot? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(Snapshot.self, from: data)
    }
}
