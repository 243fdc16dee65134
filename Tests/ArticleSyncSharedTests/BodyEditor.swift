import ArticleSyncShared

/// Random edits of an article body the way people make them: a word replaced, inserted or removed,
/// a sentence rewritten, a paragraph added, removed or replaced. Deterministic for a given factory.
struct BodyEditor {
    var factory: ArticleFactory

    init(seed: UInt64) { factory = ArticleFactory(seed: seed) }

    mutating func edit(_ body: String, operations: ClosedRange<Int> = 1...3) -> String {
        var paragraphs = ArticleText.paragraphs(of: body)
        for _ in 0..<factory.int(operations) {
            if paragraphs.isEmpty { paragraphs = [factory.paragraph()]; continue }
            let index = factory.int(0...paragraphs.count - 1)
            switch factory.int(0...6) {
            case 0, 1: paragraphs[index] = editWords(paragraphs[index], kind: factory.int(0...2))
            case 2: paragraphs[index] = rewriteSentence(paragraphs[index])
            case 3: paragraphs.insert(factory.paragraph(), at: factory.int(0...paragraphs.count))
            case 4: if paragraphs.count > 1 { paragraphs.remove(at: index) }
            case 5: paragraphs[index] = factory.paragraph()
            default:
                // Two edits in one paragraph, far apart.
                paragraphs[index] = editWords(editWords(paragraphs[index], kind: 0), kind: 1)
            }
        }
        return paragraphs.joined(separator: "\n\n")
    }

    mutating func editWords(_ paragraph: String, kind: Int) -> String {
        var words = paragraph.split(separator: " ").map(String.init)
        guard !words.isEmpty else { return factory.words(2...5) }
        let index = factory.int(0...words.count - 1)
        switch kind {
        case 0: words[index] = factory.word()
        case 1: words.insert(factory.word(), at: index)
        default: if words.count > 1 { words.remove(at: index) }
        }
        return words.joined(separator: " ")
    }

    mutating func rewriteSentence(_ paragraph: String) -> String {
        var sentences = paragraph.split(separator: ".", omittingEmptySubsequences: true).map { $0.trimmingWhitespace() }
        guard !sentences.isEmpty else { return paragraph }
        sentences[factory.int(0...sentences.count - 1)] = factory.words(3...9)
        return sentences.filter { !$0.isEmpty }.map { $0 + "." }.joined(separator: " ")
    }
}

extension Substring {
    func trimmingWhitespace() -> String { ArticleText.trim(self) }
}
