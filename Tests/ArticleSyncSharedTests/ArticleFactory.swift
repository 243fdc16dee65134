import ArticleSyncShared
import Foundation

/// Deterministic random articles and edits built from the seed article's vocabulary: the same seed
/// gives the same article on every machine, so a failing case can be replayed from its seed.
struct ArticleFactory {
    static let seedText: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("seeds/000_554e571eb0b6f027.txt")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? "Pertempuran terus berkecamuk di wilayah Nagorno-Karabakh."
    }()

    static let vocabulary: [String] = {
        let words = seedText.split(whereSeparator: { $0.isWhitespace }).map(String.init).filter { !$0.contains("{") }
        return Array(Set(words)).sorted()
    }()

    var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    /// SplitMix64: small, fast and the same everywhere.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    mutating func word() -> String { Self.vocabulary[int(0...Self.vocabulary.count - 1)] }

    mutating func words(_ range: ClosedRange<Int>) -> String {
        (0..<int(range)).map { _ in word() }.joined(separator: " ")
    }

    mutating func paragraph() -> String {
        (0..<int(1...4)).map { _ in words(4...14) + "." }.joined(separator: " ")
    }

    mutating func article(paragraphs: ClosedRange<Int> = 1...8) -> Article {
        let tagCount = int(0...3)
        var tags: Set<String> = []
        for _ in 0..<tagCount { tags.insert(word().lowercased().filter { $0.isLetter || $0.isNumber }) }
        tags.remove("")
        return Article(
            title: words(3...10),
            body: (0..<int(paragraphs)).map { _ in paragraph() }.joined(separator: "\n\n"),
            category: ["News", "Teknologi", "Olahraga", "Ekonomi", "Budaya"][int(0...4)],
            source: ["viva", "kompas", "detik", "contoh"][int(0...3)],
            tags: tags,
            publishedAt: int(0...1) == 0 ? nil : Date(timeIntervalSince1970: TimeInterval(int(1_500_000_000...1_800_000_000)))
        )
    }
}
