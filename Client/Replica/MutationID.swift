import Foundation

/// Mutation ids the replica mints, one per queued edit: UUIDs in RFC 9562's version 7 layout, the
/// time they were made (Unix milliseconds) in the first 48 bits and 74 random bits after it.
///
/// Why not random (version 4) ones: the server keeps a unique index on (client id, mutation id) and
/// the replica one on the outbox's mutation ids. Random ids landed on a different page of those
/// indexes each, so a push of 500 new articles dirtied some 500 index pages on both sides, a share
/// that grows with the collection; ids that grow with time are added at the indexes' ends. A push
/// of 50,000 new articles took 4.3–4.4 s instead of 5.2–5.6 s, one of 100,000 11.0 s instead of
/// 13.2 s (release builds, alternating runs on one machine).
///
/// To the server a mutation id is any string of 1 to 100 bytes; only its uniqueness matters, which
/// the random bits keep also when the clock goes back (ids are then merely out of order). Article
/// ids stay random: people type their first characters, which here would be the same for every
/// article made in the same minute or so.
enum MutationID {
    static func make(at date: Date = Date()) -> String {
        make(milliseconds: UInt64(max(0, date.timeIntervalSince1970 * 1000)))
    }

    /// An id made `milliseconds` after 1970.
    static func make(milliseconds: UInt64) -> String {
        var random = SystemRandomNumberGenerator()
        let high = (milliseconds << 16) | 0x7000 | (random.next() & 0x0FFF)  // version 7
        let low = (random.next() as UInt64) & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000  // variant 0b10
        func byte(_ word: UInt64, _ index: Int) -> UInt8 { UInt8(truncatingIfNeeded: word >> (56 - 8 * index)) }
        let uuid = UUID(uuid: (byte(high, 0), byte(high, 1), byte(high, 2), byte(high, 3), byte(high, 4), byte(high, 5), byte(high, 6), byte(high, 7),
                               byte(low, 0), byte(low, 1), byte(low, 2), byte(low, 3), byte(low, 4), byte(low, 5), byte(low, 6), byte(low, 7)))
        return uuid.uuidString.lowercased()
    }
}
