import ArticleSyncShared
import Foundation

/// What `saveEdit` did.
public enum EditOutcome: Sendable {
    /// The new state was saved (merged with what changed meanwhile, when `mergedWithChanges`).
    /// `edit` is the edited text alone as the article: what a file holding the text holds.
    case saved(Article, edit: Article, mergedWithChanges: Bool)
    /// Nothing to do: the text was saved as it was read, or the article already holds its changes.
    case unchanged(edit: Article)
    /// The article changed while it was edited, and the two edits overlap: nothing was saved.
    /// `text` is the merge attempt in the article format with conflict blocks; edit it from `current`.
    case overlapping(current: Article, text: String)
}

extension Replica {
    /// Saves `edited` (a person's edit, e.g. in `$EDITOR`, of the article as it was when `opened`
    /// was read) as article `id`'s new content, in one transaction.
    ///
    /// An editor stays open for minutes, and a `sync --watch` or another command may change the
    /// article meanwhile. Writing the editor's text over it would undo that change without a
    /// trace (and push the undoing), so the two are merged as a sync merges (docs/MERGE.md), with
    /// `opened` as their common ancestor: a clean merge is saved, an overlap saves nothing.
    public func saveEdit(_ id: String, from opened: Article, to edited: Article) throws -> EditOutcome {
        struct Overlap: Error {
            var current: Article
            var text: String
        }
        struct AlreadyHeld: Error {}
        // Saved as it was read: whatever changed meanwhile stays, and nothing is queued.
        var asRead = opened
        Self.setContent(of: &asRead, to: ArticleText.normalized(edited))
        if asRead.hasSameContent(as: opened) { return .unchanged(edit: asRead) }
        do {
            let saved = try update(id) { current in
                if current.hasSameContent(as: opened) {
                    Self.setContent(of: &current, to: edited)
                    return
                }
                var mine = edited
                mine.id = current.id
                let result = ThreeWayMerge.merge(base: opened, mine: mine, theirs: current)
                guard result.isClean else {
                    throw Overlap(current: current, text: ConflictText.render(base: opened, mine: mine, theirs: current, result: result))
                }
                // A file saved a second time, say: saying "saved" would be news of nothing.
                let before = current
                Self.setContent(of: &current, to: result.article)
                if ArticleText.normalized(current).hasSameContent(as: before) { throw AlreadyHeld() }
            }
            // What saving the text alone would have stored; anything else came from the merge.
            var textAlone = saved
            Self.setContent(of: &textAlone, to: ArticleText.normalized(edited))
            let merged = !saved.hasSameContent(as: textAlone)
            return .saved(saved, edit: textAlone, mergedWithChanges: merged)
        } catch let overlap as Overlap {
            return .overlapping(current: overlap.current, text: overlap.text)
        } catch is AlreadyHeld {
            return .unchanged(edit: asRead)
        }
    }

    /// The fields a person edits; the id, version and seq stay the article's.
    public static func setContent(of article: inout Article, to content: Article) {
        article.title = content.title
        article.body = content.body
        article.category = content.category
        article.source = content.source
        article.tags = content.tags
        article.publishedAt = content.publishedAt
        article.isDeleted = content.isDeleted
    }
}
