import Foundation

/// The outcome of merging one article.
public struct ArticleMergeResult: Sendable, Equatable {
    /// The merged article. Fields listed in `conflictingFields` hold mine's value, except the body,
    /// which holds the attempt with conflict blocks (see ``TextMerge``).
    public var article: Article
    /// Fields both sides changed differently, in a fixed order: category, title, body, source,
    /// publishedAt, deleted. Empty when the merge is clean.
    public var conflictingFields: [String]
    /// Paragraph conflicts the word pass resolved (as `git merge-file` would have left them).
    public var mergedByWords: Int

    public var isClean: Bool { conflictingFields.isEmpty }
}

/// Three-way merge of articles against their common ancestor, field by field (docs/MERGE.md).
///
/// A pure, deterministic function: the same three inputs give the same bytes on every machine.
public enum ThreeWayMerge {
    /// Merges `mine` and `theirs`, both descended from `base` (nil when there is no common ancestor:
    /// then every field that differs conflicts and tags are united). The result carries theirs'
    /// `version` and `seq`, since it is the next edit on top of theirs.
    public static func merge(base: Article?, mine: Article, theirs: Article, favor: MergeSide? = nil) -> ArticleMergeResult {
        var merged = mine
        merged.version = theirs.version
        merged.seq = theirs.seq
        var conflicts: [String] = []
        var mergedByWords = 0

        // Deletion first: a tombstone against an unchanged article wins; against an edit it conflicts.
        if mine.isDeleted || theirs.isDeleted {
            if mine.isDeleted && theirs.isDeleted {
                return ArticleMergeResult(article: tombstone(from: theirs), conflictingFields: [], mergedByWords: 0)
            }
            let survivor = mine.isDeleted ? theirs : mine
            if let base, survivor.hasSameContent(as: base) {
                return ArticleMergeResult(article: tombstone(from: mine.isDeleted ? mine : theirs, version: theirs), conflictingFields: [], mergedByWords: 0)
            }
            switch favor {
            case .mine: return ArticleMergeResult(article: withVersion(mine, of: theirs), conflictingFields: [], mergedByWords: 0)
            case .theirs: return ArticleMergeResult(article: theirs, conflictingFields: [], mergedByWords: 0)
            case nil: return ArticleMergeResult(article: withVersion(mine, of: theirs), conflictingFields: ["deleted"], mergedByWords: 0)
            }
        }

        // Text is compared by its bytes, as git compares it: String's `==` holds for canonically
        // equivalent spellings (é and e + U+0301), and would drop one side's change of spelling.
        // Only when both sides changed a field to the same text in two spellings (a Mac's keyboard
        // and a Linux one's, say) is that equivalence used: the server's bytes are taken, since a
        // conflict between two values that look alike would lose nothing either side meant.
        func pick<Value>(_ name: String, _ keyPath: WritableKeyPath<Article, Value>, same: (Value, Value) -> Bool,
                         equivalent: (Value, Value) -> Bool = { _, _ in false }) {
            let ours = mine[keyPath: keyPath], other = theirs[keyPath: keyPath]
            if same(ours, other) { return }
            if let base, same(base[keyPath: keyPath], ours) { merged[keyPath: keyPath] = other; return }
            if let base, same(base[keyPath: keyPath], other) { return }
            if equivalent(ours, other) { merged[keyPath: keyPath] = other; return }
            switch favor {
            case .mine: break
            case .theirs: merged[keyPath: keyPath] = other
            case nil: conflicts.append(name)
            }
        }

        let sameText = { (left: String, right: String) in left.hasSameUTF8(as: right) }
        pick("category", \.category, same: sameText, equivalent: ==)
        pick("title", \.title, same: sameText, equivalent: ==)
        if !sameText(mine.body, theirs.body) {
            if let base, sameText(base.body, mine.body) {
                merged.body = theirs.body
            } else if let base, sameText(base.body, theirs.body) {
                merged.body = mine.body
            } else {
                let text = TextMerge.merge(base: base?.body ?? "", mine: mine.body, theirs: theirs.body, favor: favor)
                merged.body = text.text
                mergedByWords = text.mergedByWords
                if !text.isClean { conflicts.append("body") }
            }
        }
        pick("source", \.source, same: sameText, equivalent: ==)
        pick("publishedAt", \.publishedAt, same: ==)
        merged.tags = mergeTags(base: base?.tags, mine: mine.tags, theirs: theirs.tags)
        return ArticleMergeResult(article: merged, conflictingFields: conflicts, mergedByWords: mergedByWords)
    }

    /// Set merge: a tag stays if neither side removed it; every tag either side added is in.
    public static func mergeTags(base: Set<String>?, mine: Set<String>, theirs: Set<String>) -> Set<String> {
        guard let base else { return mine.union(theirs) }
        return base.intersection(mine).intersection(theirs).union(mine.subtracting(base)).union(theirs.subtracting(base))
    }

    static func tombstone(from article: Article, version: Article? = nil) -> Article {
        var copy = article
        copy.isDeleted = true
        if let version {
            copy.version = version.version
            copy.seq = version.seq
        }
        return copy
    }

    static func withVersion(_ article: Article, of other: Article) -> Article {
        var copy = article
        copy.version = other.version
        copy.seq = other.seq
        return copy
    }
}
