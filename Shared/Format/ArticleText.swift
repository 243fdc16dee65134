import Foundation

/// The plain-text article format: the seed article's layout, readable and writable by hand.
///
/// ```
/// News
///
/// Title on one line
///
/// First paragraph…
///
/// Last paragraph. {viva}
/// ```
///
/// The first non-empty line is the category, the next one the title, the rest is the body, and a final
/// `{source}` tag closes the text. Tags and the publication time, which the seed does not have, ride
/// in the same closing tag so the seed stays valid as it is: `{viva | tags: a, b | published: 2020-09-30T08:00:00Z}`.
/// `parse(print(a))` gives `a` back for every article in normal form (``normalized(_:)``).
public enum ArticleText {
    /// Articles larger than this are refused, so a stray binary or log file is never imported.
    public static let defaultSizeLimit = 1 << 20

    /// Reads one article; `file` only names the input in errors.
    public static func parse(
        _ bytes: some Collection<UInt8>,
        file: String,
        id: UUID = UUID(),
        sizeLimit: Int = defaultSizeLimit
    ) throws(ArticleTextError) -> Article {
        try parseNotingClosingTag(bytes, file: file, id: id, sizeLimit: sizeLimit).article
    }

    /// `parse`, and whether the text ended with a closing `{…}` tag. Text without one is an article
    /// with no source, tags or publication time; an edit of an article that had them needs to know
    /// whether the person cleared them or lost the tag by writing after it.
    public static func parseNotingClosingTag(
        _ bytes: some Collection<UInt8>,
        file: String,
        id: UUID = UUID(),
        sizeLimit: Int = defaultSizeLimit
    ) throws(ArticleTextError) -> (article: Article, hasClosingTag: Bool) {
        var bytes = Array(bytes)
        if bytes.count > sizeLimit { throw ArticleTextError(file: file, line: 1, reason: .tooLarge(limit: sizeLimit)) }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        try validateText(bytes, file: file)
        let text = String(decoding: bytes, as: UTF8.self)
        // "\r\n" is one Character in Swift, so line ends are normalised on scalars before splitting.
        let lines = splitLines(text)

        var index = 0
        func nextNonEmpty() -> (line: Int, text: String)? {
            while index < lines.count {
                let trimmed = trim(lines[index])
                index += 1
                if !trimmed.isEmpty { return (index, trimmed) }
            }
            return nil
        }
        guard let category = nextNonEmpty() else { throw ArticleTextError(file: file, line: 1, reason: .empty) }
        guard var title = nextNonEmpty() else {
            throw ArticleTextError(file: file, line: min(category.line + 1, max(lines.count, 1)), reason: .missingTitle)
        }
        var bodyLines = lines[index...].map(trim)
        while let last = bodyLines.last, last.isEmpty { bodyLines.removeLast() }

        var tag: (text: String, line: Int)?
        if let last = bodyLines.last, let found = splitClosingTag(last) {
            tag = (found.tag, index + bodyLines.count)
            bodyLines[bodyLines.count - 1] = found.rest
        } else if bodyLines.isEmpty, let found = splitClosingTag(title.text) {
            tag = (found.tag, title.line)
            title.text = found.rest
            if title.text.isEmpty { throw ArticleTextError(file: file, line: title.line, reason: .missingTitle) }
        }

        var article = Article(
            id: id,
            title: title.text,
            body: normalizedBody(bodyLines.joined(separator: "\n")),
            category: category.text,
            source: ""
        )
        if let tag { try applyClosingTag(tag.text, to: &article, file: file, line: tag.line) }
        return (article, tag != nil)
    }

    /// Writes an article in the format `parse` reads.
    public static func print(_ article: Article) -> String {
        let body = article.body.isEmpty ? "" : article.body + " "
        return "\(article.category)\n\n\(article.title)\n\n\(body)\(closingTag(article))"
    }

    /// `{source | tags: a, b | published: …}`, the part after the body.
    public static func closingTag(_ article: Article) -> String {
        var tag = article.source
        if !article.tags.isEmpty { tag += " | tags: " + article.sortedTags.joined(separator: ", ") }
        if let seconds = article.publishedSeconds {
            tag += " | published: " + PublicationTime.format(seconds: seconds)
        }
        return "{\(tag)}"
    }

    /// The article with every field in the normal form `print` and `parse` agree on.
    public static func normalized(_ article: Article) -> Article {
        var copy = article
        copy.category = singleLine(article.category)
        copy.title = singleLine(article.title)
        copy.source = singleLine(article.source)
        copy.body = normalizedBody(article.body)
        copy.tags = Set(article.tags.map(singleLine).filter { !$0.isEmpty })
        return copy
    }

    /// Lines trimmed, runs of blank lines collapsed to one, no leading or trailing blank line.
    public static func normalizedBody(_ body: String) -> String {
        var out: [String] = []
        for line in splitLines(body).map(trim) {
            if line.isEmpty, out.last?.isEmpty ?? true { continue }
            out.append(line)
        }
        while out.last?.isEmpty == true { out.removeLast() }
        return out.joined(separator: "\n")
    }

    /// The body's paragraphs (blocks separated by blank lines).
    public static func paragraphs(of body: String) -> [String] {
        normalizedBody(body).components(separatedBy: "\n\n").filter { !$0.isEmpty }
    }

    /// Trims Unicode white space (the seed's category ends in two U+00A0 no-break spaces) and U+FEFF.
    public static func trim(_ text: some StringProtocol) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isPadding($0) }),
            let last = scalars.lastIndex(where: { !isPadding($0) })
        else { return "" }
        // Only the part kept is copied, straight from its UTF-8.
        return String(decoding: text.utf8[first..<scalars.index(after: last)], as: UTF8.self)
    }

    /// What `trim` removes from the ends of a field: Unicode white space, and U+FEFF. U+FEFF is also
    /// the byte order mark, which `parse` drops from the start of a file; a category that began with
    /// one would lose it once printed and read back (found by ArticleTextFuzzer).
    static func isPadding(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || scalar == "\u{FEFF}"
    }

    static func singleLine(_ text: String) -> String {
        splitLines(text).map(trim).filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// Lines ended by "\n", "\r\n" or a lone "\r". Split on UTF-8 bytes: all three are ASCII and
    /// never part of a multi-byte sequence, and building lines scalar by scalar made an import of
    /// 20,000 articles spend most of its time here.
    static func splitLines(_ text: String) -> [String] {
        var text = text
        return text.withUTF8 { bytes in
            var lines: [String] = []
            var start = 0
            var position = 0
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                guard byte == 0x0A || byte == 0x0D else { continue }
                lines.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position - 1]), as: UTF8.self))
                if byte == 0x0D, position < bytes.count, bytes[position] == 0x0A { position += 1 }
                start = position
            }
            lines.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self))
            return lines
        }
    }

    /// Splits `... text {tag}` into the text before the tag and the tag's inside.
    ///
    /// The delimiters `{ } | : ,` are found among Unicode scalars, not Characters: a prepended
    /// concatenation mark such as U+0602 joins the next character into one grapheme, so
    /// `"{\u{0602}}"` does not end in the Character `}` even though its last scalar is one. Searching
    /// Characters made such a tag vanish on the second parse (found by ArticleTextFuzzer).
    static func splitClosingTag(_ line: String) -> (rest: String, tag: String)? {
        let scalars = line.unicodeScalars
        guard scalars.last == "}", let open = scalars.lastIndex(of: "{") else { return nil }
        let inside = scalars[scalars.index(after: open)..<scalars.index(before: scalars.endIndex)]
        guard !inside.contains("}") else { return nil }
        return (trim(String(scalars[..<open])), String(inside))
    }

    static func applyClosingTag(_ tag: String, to article: inout Article, file: String, line: Int) throws(ArticleTextError) {
        let parts = tag.unicodeScalars.split(separator: "|", omittingEmptySubsequences: false).map { trim(String($0)) }
        article.source = parts[0]
        for part in parts.dropFirst() {
            let scalars = part.unicodeScalars
            guard let colon = scalars.firstIndex(of: ":") else {
                throw ArticleTextError(file: file, line: line, reason: .badSourceTag("expected `key: value` after `|`, found \"\(part)\""))
            }
            let key = trim(String(scalars[..<colon])), value = trim(String(scalars[scalars.index(after: colon)...]))
            switch key {
            case "tags":
                article.tags = Set(value.unicodeScalars.split(separator: ",").map { trim(String($0)) }.filter { !$0.isEmpty })
            case "published":
                do {
                    article.publishedAt = try PublicationTime.parse(value)
                } catch {
                    throw ArticleTextError(file: file, line: line, reason: .badSourceTag("published: \(error)"))
                }
            default:
                throw ArticleTextError(file: file, line: line, reason: .badSourceTag("unknown field \"\(key)\" (known: tags, published)"))
            }
        }
    }

    /// Rejects invalid UTF-8 and control characters (C0 but tab and line breaks, DEL, C1), naming
    /// the line of the first bad byte.
    static func validateText(_ bytes: [UInt8], file: String) throws(ArticleTextError) {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            throw ArticleTextError(file: file, line: 1, reason: .empty)
        }
        var line = 1
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" { line += 1 }
                let value = scalar.value
                if (value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D) || (0x7F...0x9F).contains(value) {
                    throw ArticleTextError(file: file, line: line, reason: .binary)
                }
            case .emptyInput:
                return
            case .error:
                throw ArticleTextError(file: file, line: line, reason: .invalidUTF8)
            }
        }
    }
}
