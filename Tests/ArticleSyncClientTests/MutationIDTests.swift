@testable import ArticleSyncClient
import ArticleSyncShared
import Foundation
import Testing

/// Mutation ids grow with the time they are made (so they are added at the ends of the indexes
/// that hold them) and stay unique.
@Suite struct MutationIDTests {
    @Test func idsAreVersion7UUIDsInTheirTimeOrder() throws {
        let start: UInt64 = 1_790_000_000_000
        let ids = (0..<200).map { MutationID.make(milliseconds: start + $0) }

        #expect(ids == ids.sorted(), "ids made a millisecond apart sort in the order they were made")
        for id in ids {
            let uuid = try #require(UUID(uuidString: id))
            #expect(id == uuid.uuidString.lowercased())
            #expect(uuid.uuid.6 >> 4 == 7, "version 7: \(id)")
            #expect(uuid.uuid.8 >> 6 == 0b10, "RFC 9562 variant: \(id)")
        }
        // The first 48 bits are the milliseconds since 1970.
        #expect(ids[0].prefix(13) == String(start, radix: 16).leftPadded(12).inserting("-", at: 8))
        #expect(MutationID.make(at: Date(timeIntervalSince1970: 1_790_000_000.5)).hasPrefix(String(start + 500, radix: 16).leftPadded(12).prefix(8)))
    }

    @Test func idsMadeInTheSameMillisecondDiffer() {
        let now = Date()
        #expect(Set((0..<10_000).map { _ in MutationID.make(at: now) }).count == 10_000)
    }

    /// What the replica queues carries such ids, in outbox order.
    @Test func queuedEditsGetTimeOrderedIDs() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mutation-id-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let replica = try ReplicaDurabilityTests.makeReplica(directory)
        for title in ["Satu", "Dua", "Tiga"] {
            try replica.add([Article(title: title, body: "Isi.", category: "News", source: "viva")])
            usleep(2_000)
        }
        let ids = try replica.outbox().map(\.mutationID)
        #expect(ids.count == 3)
        #expect(ids == ids.sorted(), "\(ids)")
        #expect(ids.allSatisfy { $0.dropFirst(14).first == "7" }, "\(ids)")
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
    func inserting(_ character: Character, at offset: Int) -> String {
        var copy = self
        copy.insert(character, at: index(startIndex, offsetBy: offset))
        return copy
    }
}
