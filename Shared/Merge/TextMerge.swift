/// Which side wins where a merge cannot decide (`sync --prefer`).
public enum MergeSide: String, Sendable, Codable, CaseIterable {
    case mine, theirs
}

/// The outcome of merging one text.
public struct TextMergeResult: Sendable, Equatable {
    /// The merged text; where `conflicts > 0` it holds git-style conflict blocks.
    public var text: String
    /// Conflict blocks left in `text`.
    public var conflicts: Int
    /// Line conflicts (as `git merge-file` would leave them) that the word pass merged cleanly.
    public var mergedByWords: Int

    public var isClean: Bool { conflicts == 0 }
}

/// Three-way merge of article bodies: first by line, exactly as `git merge-file` merges (so its
/// clean results are byte for byte git's), then, inside each block git would leave conflicted, a
/// second merge by word, so edits to different sentences of one paragraph both survive.
///
/// What still overlaps becomes a conflict block with `<<<<<<< mine`, `||||||| base`, `=======` and
/// `>>>>>>> theirs` marker lines, unless `favor` picks a side for overlapping edits (the other side's
/// non-overlapping edits are kept even then).
public enum TextMerge {
    public static let mineMarker = "<<<<<<< mine"
    public static let baseMarker = "||||||| base"
    public static let separatorMarker = "======="
    public static let theirsMarker = ">>>>>>> theirs"

    public static func merge(base: String, mine: String, theirs: String, favor: MergeSide? = nil) -> TextMergeResult {
        var symbols = SymbolTable()
        let baseLines = lines(of: base), mineLines = lines(of: mine), theirsLines = lines(of: theirs)
        let pieces = Diff3.merge(base: symbols.encode(baseLines), mine: symbols.encode(mineLines), theirs: symbols.encode(theirsLines))
        var output: [String] = []
        var conflicts = 0, mergedByWords = 0
        for piece in pieces {
            switch piece {
            case .mine(let range):
                output += mineLines[range]
            case .theirs(let range):
                output += theirsLines[range]
            case .conflict(let baseRange, let mineRange, let theirsRange):
                let words = mergeWords(
                    base: baseLines[baseRange].joined(separator: "\n"),
                    mine: mineLines[mineRange].joined(separator: "\n"),
                    theirs: theirsLines[theirsRange].joined(separator: "\n"),
                    favor: favor)
                if let merged = words.merged {
                    if words.resolvedWithoutFavor { mergedByWords += 1 }
                    if !merged.isEmpty { output += lines(of: merged) }
                } else {
                    conflicts += 1
                    output.append(mineMarker)
                    output += mineLines[mineRange]
                    output.append(baseMarker)
                    output += baseLines[baseRange]
                    output.append(separatorMarker)
                    output += theirsLines[theirsRange]
                    output.append(theirsMarker)
                }
            }
        }
        return TextMergeResult(text: output.joined(separator: "\n"), conflicts: conflicts, mergedByWords: mergedByWords)
    }

    /// Whether `text` still holds a conflict marker line.
    public static func containsMarkers(_ text: String) -> Bool {
        lines(of: text).contains { line in
            line.hasPrefix("<<<<<<< ") || line.hasPrefix(">>>>>>> ") || line.hasPrefix("||||||| ") || line == separatorMarker
        }
    }

    /// Merges a conflicted block word by word. Nil when edits still overlap and no side is favoured.
    static func mergeWords(base: String, mine: String, theirs: String, favor: MergeSide?) -> (merged: String?, resolvedWithoutFavor: Bool) {
        var symbols = SymbolTable()
        let baseTokens = tokens(of: base), mineTokens = tokens(of: mine), theirsTokens = tokens(of: theirs)
        let pieces = Diff3.merge(base: symbols.encode(baseTokens), mine: symbols.encode(mineTokens), theirs: symbols.encode(theirsTokens))
        var output = ""
        var overlapping = false
        for piece in pieces {
            switch piece {
            case .mine(let range):
                output += mineTokens[range].joined()
            case .theirs(let range):
                output += theirsTokens[range].joined()
            case .conflict(_, let mineRange, let theirsRange):
                // Both sides wrote the same words in two Unicode spellings (see ThreeWayMerge): the
                // server's bytes lose nothing either side meant.
                let theirsText = theirsTokens[theirsRange].joined()
                if mineTokens[mineRange].joined() == theirsText {
                    output += theirsText
                    continue
                }
                overlapping = true
                switch favor {
                case .mine: output += mineTokens[mineRange].joined()
                case .theirs: output += theirsTokens[theirsRange].joined()
                case nil: return (nil, false)
                }
            }
        }
        return (output, !overlapping)
    }

    /// Lines without their line breaks; the empty text has no lines. Split on the `\n` byte, as git
    /// does (and several times faster than splitting on Characters).
    static func lines(of text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        return text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Runs of white space and runs of everything else, so that joining the tokens gives the text back.
    static func tokens(of text: String) -> [String] {
        var tokens: [String] = []
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var currentIsSpace: Bool?
        for index in scalars.indices {
            let scalar = scalars[index]
            // ASCII first: the Unicode property lookup is the slow part of tokenising.
            let isSpace = scalar.isASCII ? (scalar == " " || (scalar.value >= 0x09 && scalar.value <= 0x0D)) : scalar.properties.isWhitespace
            if let current = currentIsSpace, current != isSpace {
                tokens.append(String(scalars[start..<index]))
                start = index
            }
            currentIsSpace = isSpace
        }
        if start < scalars.endIndex { tokens.append(String(scalars[start...])) }
        return tokens
    }
}

/// Gives strings with equal UTF-8 bytes equal integers, numbered in order of first appearance
/// (deterministic). Keyed by bytes, as git compares lines: String's `==` and hash treat canonically
/// equivalent text (é and e + U+0301) as one, so a change of spelling on one side was invisible to
/// the merge and came out in the other side's bytes (found by TextMergeFuzzer).
struct SymbolTable {
    private var symbols: [UTF8Key: Int] = [:]

    mutating func encode(_ strings: [String]) -> [Int] {
        strings.map { string in
            let key = UTF8Key(text: string)
            if let symbol = symbols[key] { return symbol }
            let symbol = symbols.count
            symbols[key] = symbol
            return symbol
        }
    }
}
