/// The plain-text form of a conflicted merge, for a person to finish in an editor
/// (`articlesync resolve ID --edit`): the article format, with conflict blocks where the two sides
/// disagree. Saving it with every block settled gives the resolution; `ArticleText.parse` reads it.
public enum ConflictText {
    public static func render(base: Article?, mine: Article, theirs: Article, result: ArticleMergeResult) -> String {
        let fields = Set(result.conflictingFields)
        if fields.contains("deleted") {
            // Delete against edit: offer the surviving edit; saving it keeps the article.
            return ArticleText.print(mine.isDeleted ? theirs : mine)
        }
        let merged = result.article
        func block(_ name: String, _ value: (Article) -> String) -> String {
            guard fields.contains(name) else { return value(merged) }
            return [TextMerge.mineMarker, value(mine), TextMerge.baseMarker, base.map(value) ?? "",
                    TextMerge.separatorMarker, value(theirs), TextMerge.theirsMarker].joined(separator: "\n")
        }
        var text = block("category") { $0.category } + "\n\n" + block("title") { $0.title } + "\n\n"
        if !merged.body.isEmpty { text += merged.body + "\n\n" }
        if fields.contains("source") || fields.contains("publishedAt") {
            text += [TextMerge.mineMarker, ArticleText.closingTag(withTags(mine, merged.tags)), TextMerge.baseMarker, base.map(ArticleText.closingTag) ?? "",
                     TextMerge.separatorMarker, ArticleText.closingTag(withTags(theirs, merged.tags)), TextMerge.theirsMarker].joined(separator: "\n")
        } else {
            text += ArticleText.closingTag(merged)
        }
        return text
    }

    static func withTags(_ article: Article, _ tags: Set<String>) -> Article {
        var copy = article
        copy.tags = tags
        return copy
    }
}
