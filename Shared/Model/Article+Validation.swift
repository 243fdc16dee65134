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
    /// Scanned as UTF-8 bytes (C1 is 0xC2 then 0x80–0x9F, and 0xC2 is never a continuation byte),
    /// 16 at a time with the 16 after each beside them for C1's second byte: the server checks every
    /// pushed article, and a byte loop went at ~0.6 GB/s where this goes at ~3.5.
    static func controlCharacter(in text: String) -> Unicode.Scalar? {
        var text = text
        return text.withUTF8 { bytes in
            var start = 0
            while start + 17 <= bytes.count {
                let block = SIMD16<UInt8>(bytes[start..<start + 16])
                let next = SIMD16<UInt8>(bytes[start + 1..<start + 17])
                let c0 = (block .< 0x20) .& (block .!= 0x09) .& (block .!= 0x0A) .& (block .!= 0x0D)
                let c1 = (block .== 0xC2) .& (next .>= 0x80) .& (next .<= 0x9F)
                if any(c0 .| (block .== 0x7F) .| c1) { break }
                start += 16
            }
            // The rest, or the block that holds one, byte by byte.
            var previous: UInt8 = start > 0 ? bytes[start - 1] : 0
            for byte in bytes[start...] {
                if (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F { return Unicode.Scalar(byte) }
                if previous == 0xC2, byte >= 0x80, byte <= 0x9F { return Unicode.Scalar(byte) }
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
