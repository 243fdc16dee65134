/// One stretch of a three-way merge of symbol sequences, in the order they make up the result.
public enum MergePiece: Sendable, Hashable {
    /// Elements of `mine` that need no decision (unchanged, changed only in mine, or changed alike).
    case mine(Range<Int>)
    /// Elements of `theirs`: a change only their side made.
    case theirs(Range<Int>)
    /// Both sides changed overlapping (or touching) parts of the base differently.
    case conflict(base: Range<Int>, mine: Range<Int>, theirs: Range<Int>)
}

/// The three-way merge of symbol sequences with the rules of `git merge-file`: a change made on one
/// side only is taken; identical changes on both sides are taken once; changes on both sides that
/// overlap or touch (no unchanged element between them) are a conflict.
public enum Diff3 {
    public static func merge(base: [Int], mine: [Int], theirs: [Int]) -> [MergePiece] {
        let regions = changedRegions(base: base, mine: mine, theirs: theirs)
        var pieces: [MergePiece] = []
        var position = 0  // in mine
        for region in regions {
            if region.mineStart > position { pieces.append(.mine(position..<region.mineStart)) }
            switch region.kind {
            case .mine, .both:
                if region.mineCount > 0 { pieces.append(.mine(region.mineStart..<region.mineStart + region.mineCount)) }
            case .theirs:
                if region.theirsCount > 0 { pieces.append(.theirs(region.theirsStart..<region.theirsStart + region.theirsCount)) }
            case .conflict:
                pieces.append(.conflict(
                    base: region.baseStart..<region.baseStart + region.baseCount,
                    mine: region.mineStart..<region.mineStart + region.mineCount,
                    theirs: region.theirsStart..<region.theirsStart + region.theirsCount))
            }
            position = region.mineStart + region.mineCount
        }
        if position < mine.count { pieces.append(.mine(position..<mine.count)) }
        return pieces
    }

    struct Region {
        enum Kind { case mine, theirs, both, conflict }
        var kind: Kind
        var baseStart: Int, baseCount: Int
        var mineStart: Int, mineCount: Int
        var theirsStart: Int, theirsCount: Int
    }

    /// Walks the base→mine and base→theirs hunks together, as xdiff's merge does.
    static func changedRegions(base: [Int], mine: [Int], theirs: [Int]) -> [Region] {
        let ours = SequenceDiff.hunks(base, mine)
        let others = SequenceDiff.hunks(base, theirs)
        var regions: [Region] = []

        func append(_ region: Region) {
            if var last = regions.last,
               region.mineStart <= last.mineStart + last.mineCount || region.theirsStart <= last.theirsStart + last.theirsCount {
                // Touching or overlapping the previous region: they become one.
                if region.kind != last.kind { last.kind = .conflict }
                last.baseCount = region.baseStart + region.baseCount - last.baseStart
                last.mineCount = region.mineStart + region.mineCount - last.mineStart
                last.theirsCount = region.theirsStart + region.theirsCount - last.theirsStart
                regions[regions.count - 1] = last
            } else {
                regions.append(region)
            }
        }

        var p = 0, q = 0
        while p < ours.count && q < others.count {
            let x = ours[p], y = others[q]
            if x.aStart + x.aCount < y.aStart {
                append(Region(kind: .mine, baseStart: x.aStart, baseCount: x.aCount, mineStart: x.bStart, mineCount: x.bCount,
                              theirsStart: y.bStart - y.aStart + x.aStart, theirsCount: x.aCount))
                p += 1
                continue
            }
            if y.aStart + y.aCount < x.aStart {
                append(Region(kind: .theirs, baseStart: y.aStart, baseCount: y.aCount, mineStart: x.bStart - x.aStart + y.aStart,
                              mineCount: y.aCount, theirsStart: y.bStart, theirsCount: y.bCount))
                q += 1
                continue
            }
            let identical = x.aStart == y.aStart && x.aCount == y.aCount && x.bCount == y.bCount
                && mine[x.bStart..<x.bStart + x.bCount] == theirs[y.bStart..<y.bStart + y.bCount]
            if !identical {
                let startOffset = x.aStart - y.aStart
                let endOffset = startOffset + x.aCount - y.aCount
                var baseStart = x.aStart, mineStart = x.bStart, theirsStart = y.bStart
                if startOffset > 0 {
                    baseStart -= startOffset
                    mineStart -= startOffset
                } else {
                    theirsStart += startOffset
                }
                var baseCount = x.aStart + x.aCount - baseStart
                var mineCount = x.bStart + x.bCount - mineStart
                var theirsCount = y.bStart + y.bCount - theirsStart
                if endOffset < 0 {
                    baseCount -= endOffset
                    mineCount -= endOffset
                } else {
                    theirsCount += endOffset
                }
                append(Region(kind: .conflict, baseStart: baseStart, baseCount: baseCount, mineStart: mineStart, mineCount: mineCount,
                              theirsStart: theirsStart, theirsCount: theirsCount))
            }
            let oursEnd = x.aStart + x.aCount, othersEnd = y.aStart + y.aCount
            if oursEnd >= othersEnd { q += 1 }
            if othersEnd >= oursEnd { p += 1 }
        }
        while p < ours.count {
            let x = ours[p]
            append(Region(kind: .mine, baseStart: x.aStart, baseCount: x.aCount, mineStart: x.bStart, mineCount: x.bCount,
                          theirsStart: x.aStart + theirs.count - base.count, theirsCount: x.aCount))
            p += 1
        }
        while q < others.count {
            let y = others[q]
            append(Region(kind: .theirs, baseStart: y.aStart, baseCount: y.aCount, mineStart: y.aStart + mine.count - base.count,
                          mineCount: y.aCount, theirsStart: y.bStart, theirsCount: y.bCount))
            q += 1
        }
        // A conflict whose two sides ended up identical is no conflict.
        for index in regions.indices where regions[index].kind == .conflict {
            let region = regions[index]
            if mine[region.mineStart..<region.mineStart + region.mineCount] == theirs[region.theirsStart..<region.theirsStart + region.theirsCount] {
                regions[index].kind = .both
            }
        }
        return regions
    }
}
