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
        let size = textByteCount
        if size > sizeLimit { return "the article is \(size) bytes, over the \(sizeLimit)-byte limit" }
        return nil
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
