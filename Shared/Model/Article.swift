import Foundation

/// One article of a collection, as every replica and the server see it.
///
/// The content fields (`title` … `isDeleted`) are what people edit and what the three-way merge works
/// on. `version` and `seq` are assigned by the server when it accepts a change: `version` counts the
/// accepted changes of this article (0 means "never accepted yet", i.e. created offline and not yet
/// pushed), and `seq` is the server-wide change-feed position of the latest one.
public struct Article: Sendable, Hashable, Identifiable {
    public var id: UUID
    public var title: String
    /// Paragraphs separated by one blank line (see ``ArticleText/normalizedBody(_:)``).
    public var body: String
    public var category: String
    public var source: String
    public var tags: Set<String>
    /// Whole seconds; the text format and the wire protocol carry no sub-second precision.
    public var publishedAt: Date?
    /// A tombstone: deletions are synced like any other change and kept in the change log.
    public var isDeleted: Bool
    public var version: Int64
    public var seq: Int64

    public init(
        id: UUID = UUID(),
        title: String,
        body: String,
        category: String,
        source: String,
        tags: Set<String> = [],
        publishedAt: Date? = nil,
        isDeleted: Bool = false,
        version: Int64 = 0,
        seq: Int64 = 0
    ) {
        self.id = id
        self.title = title
        self.body = body
        self.category = category
        self.source = source
        self.tags = tags
        self.publishedAt = publishedAt.map { Date(timeIntervalSince1970: $0.timeIntervalSince1970.rounded(.down)) }
        self.isDeleted = isDeleted
        self.version = version
        self.seq = seq
    }

    /// Whether the edited fields are the same, whatever the server bookkeeping says.
    public func hasSameContent(as other: Article) -> Bool {
        id == other.id && title == other.title && body == other.body && category == other.category
            && source == other.source && tags == other.tags && publishedAt == other.publishedAt
            && isDeleted == other.isDeleted
    }

    /// Tags in a stable order, for printing and encoding.
    public var sortedTags: [String] { tags.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }

    /// The lowercase string form of `id` used on the wire, in files and in the databases. Written
    /// by hand: Foundation's `uuidString` goes through sprintf and then `lowercased()` copies it,
    /// which showed in profiles of a download (several calls per article).
    public var idString: String {
        let digits: StaticString = "0123456789abcdef"
        return withUnsafeBytes(of: id.uuid) { raw in
            String(unsafeUninitializedCapacity: 36) { out in
                var position = 0
                for (index, byte) in raw.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    out[position] = digits.utf8Start[Int(byte >> 4)]
                    out[position + 1] = digits.utf8Start[Int(byte & 0x0F)]
                    position += 2
                }
                return position
            }
        }
    }

    /// The publication times a peer may send: years 1 to 9999, which also keeps every value exact
    /// as a `Date` and safe to turn back into whole seconds.
    public static let publishedAtRange: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

    /// `publishedAt` as whole seconds since 1970, the form every encoding writes. Clamped to
    /// `publishedAtRange`, so no date can make the conversion trap.
    public var publishedSeconds: Int64? {
        publishedAt.map { date in
            let seconds = date.timeIntervalSince1970.rounded(.down)
            guard seconds.isFinite else { return 0 }
            return Int64(min(max(seconds, Double(Self.publishedAtRange.lowerBound)), Double(Self.publishedAtRange.upperBound)))
        }
    }
}

extension Article: Codable {
    enum CodingKeys: String, CodingKey {
        case id, title, body, category, source, tags, publishedAt, isDeleted, version, seq
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let published = try container.decodeIfPresent(Int64.self, forKey: .publishedAt)
        if let published, !Self.publishedAtRange.contains(published) {
            throw DecodingError.dataCorruptedError(forKey: .publishedAt, in: container, debugDescription: "publishedAt \(published) is not between year 1 and 9999")
        }
        self.init(
            id: try container.decode(UUID.self, forKey: .id),
            title: try container.decode(String.self, forKey: .title),
            body: try container.decode(String.self, forKey: .body),
            category: try container.decode(String.self, forKey: .category),
            source: try container.decode(String.self, forKey: .source),
            tags: Set(try container.decodeIfPresent([String].self, forKey: .tags) ?? []),
            publishedAt: published.map { Date(timeIntervalSince1970: TimeInterval($0)) },
            isDeleted: try container.decodeIfPresent(Bool.self, forKey: .isDeleted) ?? false,
            version: try container.decodeIfPresent(Int64.self, forKey: .version) ?? 0,
            seq: try container.decodeIfPresent(Int64.self, forKey: .seq) ?? 0
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(idString, forKey: .id)
        try container.encode(title, forKey: .title)
        try container.encode(body, forKey: .body)
        try container.encode(category, forKey: .category)
        try container.encode(source, forKey: .source)
        try container.encode(sortedTags, forKey: .tags)
        try container.encodeIfPresent(publishedSeconds, forKey: .publishedAt)
        try container.encode(isDeleted, forKey: .isDeleted)
        try container.encode(version, forKey: .version)
        try container.encode(seq, forKey: .seq)
    }
}
