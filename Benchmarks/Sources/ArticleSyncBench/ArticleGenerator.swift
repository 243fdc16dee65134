import ArticleSyncShared
import ArticleSyncStress
import Foundation

/// Deterministic realistic articles: ~10 title words, 6–10 paragraphs, 3–5 KB, words from the seed
/// article's vocabulary. The same seed gives the same collection on every machine.
struct ArticleGenerator {
    let vocabulary: [String]
    var random: SplitMix

    init(seedArticle: String, seed: UInt64) {
        let words = seedArticle.split(whereSeparator: { $0.isWhitespace }).map(String.init).filter { !$0.contains("{") }
        vocabulary = Array(Set(words)).sorted()
        random = SplitMix(seed: seed)
    }

    mutating func word() -> String { vocabulary[random.int(0...vocabulary.count - 1)] }

    mutating func sentence() -> String {
        var words = (0..<random.int(8...16)).map { _ in word() }
        words[0] = words[0].prefix(1).uppercased() + words[0].dropFirst()
        return words.joined(separator: " ") + "."
    }

    mutating func paragraph(bytes: Int) -> String {
        var text = ""
        while text.utf8.count < bytes { text += (text.isEmpty ? "" : " ") + sentence() }
        return text
    }

    mutating func article(index: Int) -> Article {
        let target = random.int(3000...5000)
        let count = random.int(6...10)
        let paragraphs = (0..<count).map { _ in paragraph(bytes: target / count) }
        var id = UUID().uuid
        // Ids from the generator, not the system, so runs are repeatable.
        withUnsafeMutableBytes(of: &id) { bytes in
            for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: random.next()) }
            bytes[6] = (bytes[6] & 0x0F) | 0x40
            bytes[8] = (bytes[8] & 0x3F) | 0x80
        }
        return Article(
            id: UUID(uuid: id),
            title: (0..<random.int(8...12)).map { _ in word() }.joined(separator: " "),
            body: paragraphs.joined(separator: "\n\n"),
            category: ["News", "Teknologi", "Olahraga", "Ekonomi", "Budaya"][random.int(0...4)],
            source: ["viva", "kompas", "detik"][random.int(0...2)],
            tags: Set((0..<random.int(0...3)).map { _ in word().lowercased().filter(\.isLetter) }.filter { !$0.isEmpty }))
    }

    /// An edit of `body` touching `count` scattered paragraphs (one word each).
    mutating func scatteredEdit(of body: String, count: Int, offset: Int) -> String {
        var paragraphs = body.components(separatedBy: "\n\n")
        for step in 0..<count {
            let index = (offset + step * max(1, paragraphs.count / max(1, count))) % paragraphs.count
            var words = paragraphs[index].split(separator: " ").map(String.init)
            words[random.int(0...words.count - 1)] = word().uppercased()
            paragraphs[index] = words.joined(separator: " ")
        }
        return paragraphs.joined(separator: "\n\n")
    }
}
