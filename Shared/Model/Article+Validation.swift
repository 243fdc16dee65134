extension Article {
    /// Scalars that would break the closing `{source | tags: …}` tag of the text format. Checked per
    /// scalar, as the parser splits the tag: a grapheme like U+0602 followed by `}` is one Character
    /// that is not `}`, yet it still closes the tag.
    static let tagBreakingScalars: Set<Unicode.Scalar> = ["{", "}", "|", "\n", "\r"]

    /// Why this article cannot be stored or sent, or nil when it is fine.
    ///
    /// The same check runs on the client before an edit is saved and on the server before a push is
    /// applied, so a bad article is refused where it is made and can never poison the change log.
    public func validationProblem(sizeLimit: Int = ArticleText.defaultSizeLimit) -> String? {
        if isDeleted { return nil }
        if Self.isBlank(category) { return "the category is empty" }
        if Self.isBlank(title) { return "the title is empty" }
        if title.contains(where: \.isNewline) { return "the title must be one line" }
        if category.contains(where: \.isNewline) { return "the category must be one line" }
        if source.unicodeScalars.contains(where: Self.tagBreakingScalars.contains) {
            return "the source must not contain {, }, | or line breaks"
        }
        for tag in tags where tag.isEmpty || tag.unicodeScalars.contains(where: { $0 == "," || Self.tagBreakingScalars.contains($0) }) {
            return "the tag \"\(tag)\" is empty or contains one of , { } | or a line break"
        }
        for (field, text) in [("title", title), ("category", category), ("source", source), ("body", body)] + tags.map({ ("tag", $0) }) {
            if let control = Self.controlCharacter(in: text) {
                let code = String(control.value, radix: 16, uppercase: true)
                return "the \(field) contains the control character U+\(String(repeating: "0", count: 4 - code.count))\(code), which a terminal showing it "
                    + "would run as a command; remove it"
            }
        }
        let size = textByteCount
        if size > sizeLimit { return "the article is \(size) bytes, over the \(sizeLimit)-byte limit" }
        return nil
    }

    /// The first control character in `text`: C0 other than tab and the line breaks, DEL, or C1.
    /// Before, `set --title` (and a push from any token holder) took them, and `list` or `show` on
    /// every machine printed them to a terminal, which runs ESC and CSI sequences as commands: text
    /// recoloured, hidden or rewritten, the window title set. The text format already refused C0.
    ///
    /// Scanned as UTF-8 bytes (C1 is 0xC2 then 0x80–0x9F, and 0xC2 is never a continuation byte),
    /// eight at a time: a word with no byte below 0x20, no 0x7F and no 0xC2 (bit tricks, exact)
    /// needs no closer look. The server checks every pushed article; over 20,000 copies of the
    /// seed article (54 MB) this took 32 ms where a byte loop took 124 ms (`swiftc -O` copies, median
    /// of 5). SIMD16 masks, tried first, took 6.4 s: Swift did not turn them into vector code.
    static func controlCharacter(in text: String) -> Unicode.Scalar? {
        func isControl(_ byte: UInt8, after previous: UInt8) -> Bool {
            (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F || (previous == 0xC2 && byte >= 0x80 && byte <= 0x9F)
        }
        var text = text
        return text.withUTF8 { bytes in
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            // Some byte of `word` is below `limit` (at most 0x80).
            func hasByte(below limit: UInt64, in word: UInt64) -> Bool { (word &- ones &* limit) & ~word & highs != 0 }
            var previous: UInt8 = 0
            var start = 0
            if let base = bytes.baseAddress {
                while start + 8 <= bytes.count {
                    let word = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: start, as: UInt64.self)
                    // A 0xC2 ending the last word may start a C1 in this one.
                    if previous == 0xC2 || hasByte(below: 0x20, in: word) || hasByte(below: 1, in: word ^ (ones &* 0x7F))
                        || hasByte(below: 1, in: word ^ (ones &* 0xC2)) {
                        for byte in bytes[start..<start + 8] {
                            if isControl(byte, after: previous) { return Unicode.Scalar(byte) }
                            previous = byte
                        }
                    } else {
                        previous = bytes[start + 7]
                    }
                    start += 8
                }
            }
            for byte in bytes[start...] {
                if isControl(byte, after: previous) { return Unicode.Scalar(byte) }
                previous = byte
            }
            return nil
        }
    }

    /// Whether `ArticleText.trim` would leave nothing of `text`, found without building the trimmed
    /// copy: the server checks every pushed article, and the copy was 5% of its time in a push.
    static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy(ArticleText.isPadding)
    }

    /// UTF-8 bytes of the text fields: what the size limit counts, and what sync batches budget by.
    public var textByteCount: Int {
        title.utf8.count + body.utf8.count + category.utf8.count + source.utf8.count + tags.reduce(0) { $0 + $1.utf8.count }
    }
}
