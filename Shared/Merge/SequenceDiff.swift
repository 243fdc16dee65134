/// One difference between two sequences: `aCount` elements of `a` starting at `aStart` were replaced by
/// `bCount` elements of `b` starting at `bStart` (either count may be 0).
public struct DiffHunk: Sendable, Hashable {
    public var aStart: Int
    public var aCount: Int
    public var bStart: Int
    public var bCount: Int
}

/// Differences between two sequences of symbols (lines or words mapped to integers).
///
/// The result has to agree with `git merge-file` wherever git merges cleanly, and which of several
/// equally short edit scripts a diff picks decides which edits touch, so this follows the choices
/// git's xdiff makes, written from the published algorithms: common ends are trimmed; elements
/// without a match on the other side, and very frequent ones inside runs of unmatched elements, are
/// set aside as changed; Myers' middle-snake divide and conquer (forward sweep first, higher
/// diagonals first) runs on the rest; then each group of changes is slid as far down as it can go,
/// or back up to line up with a change on the other side (xdiff's "compaction").
public enum SequenceDiff {
    public static func hunks(_ a: [Int], _ b: [Int]) -> [DiffHunk] {
        var state = DiffState(a: a, b: b)
        state.markChanges()
        state.compact(first: true)
        state.compact(first: false)
        return state.script()
    }
}

/// Working state of one diff: the two sequences and a "changed" flag per element.
///
/// The flag arrays carry one sentinel slot at each end (index 0 and count + 1 are never changed), so
/// element `i` lives at flag index `i + 1`.
struct DiffState {
    let a: [Int]
    let b: [Int]
    var changedA: [Bool]
    var changedB: [Bool]

    init(a: [Int], b: [Int]) {
        self.a = a
        self.b = b
        changedA = Array(repeating: false, count: a.count + 2)
        changedB = Array(repeating: false, count: b.count + 2)
    }

    // MARK: - Finding the changes

    mutating func markChanges() {
        var start = 0
        while start < a.count && start < b.count && a[start] == b[start] { start += 1 }
        var endA = a.count - 1, endB = b.count - 1
        while endA >= start && endB >= start && a[endA] == b[endB] {
            endA -= 1
            endB -= 1
        }
        var countsInA: [Int: Int] = [:], countsInB: [Int: Int] = [:]
        for symbol in a { countsInA[symbol, default: 0] += 1 }
        for symbol in b { countsInB[symbol, default: 0] += 1 }

        let keptA = Self.keep(a, from: start, through: endA, otherCounts: countsInB, changed: &changedA)
        let keptB = Self.keep(b, from: start, through: endB, otherCounts: countsInA, changed: &changedB)
        var myers = MiddleSnakeDiff(a: keptA.map { a[$0] }, b: keptB.map { b[$0] })
        myers.compare(off1: 0, lim1: keptA.count, off2: 0, lim2: keptB.count)
        for (index, changed) in myers.changedA.enumerated() where changed { changedA[keptA[index] + 1] = true }
        for (index, changed) in myers.changedB.enumerated() where changed { changedB[keptB[index] + 1] = true }
    }

    /// Which kind of element: matched nowhere on the other side, matched a few times, or very often.
    enum Occurrence { case unmatched, matched, frequent }

    /// Indices in `start...end` that take part in the Myers pass; the others are marked changed now.
    static func keep(_ sequence: [Int], from start: Int, through end: Int, otherCounts: [Int: Int], changed: inout [Bool]) -> [Int] {
        guard start <= end else { return [] }
        let frequentLimit = min(roughSquareRoot(sequence.count), 1024)
        var occurrence: [Occurrence] = Array(repeating: .matched, count: sequence.count)
        for index in start...end {
            let count = otherCounts[sequence[index]] ?? 0
            occurrence[index] = count == 0 ? .unmatched : (count >= frequentLimit ? .frequent : .matched)
        }
        var kept: [Int] = []
        for index in start...end {
            switch occurrence[index] {
            case .matched:
                kept.append(index)
            case .frequent where !isInUnmatchedRun(occurrence, index, start, end):
                kept.append(index)
            default:
                changed[index + 1] = true
            }
        }
        return kept
    }

    /// A frequent element (a blank line, say) sitting among unmatched ones is treated as changed too,
    /// so it does not anchor two unrelated edits together.
    static func isInUnmatchedRun(_ occurrence: [Occurrence], _ index: Int, _ start: Int, _ end: Int) -> Bool {
        let window = 100
        let low = max(start, index - window), high = min(end, index + window)
        var unmatchedBefore = 0, frequentBefore = 1
        var position = index - 1
        while position >= low {
            if occurrence[position] == .unmatched { unmatchedBefore += 1 }
            else if occurrence[position] == .frequent { frequentBefore += 1 }
            else { break }
            position -= 1
        }
        if unmatchedBefore == 0 { return false }
        var unmatchedAfter = 0, frequentAfter = 1
        position = index + 1
        while position <= high {
            if occurrence[position] == .unmatched { unmatchedAfter += 1 }
            else if occurrence[position] == .frequent { frequentAfter += 1 }
            else { break }
            position += 1
        }
        if unmatchedAfter == 0 { return false }
        let unmatched = unmatchedBefore + unmatchedAfter
        let frequent = frequentBefore + frequentAfter
        return frequent * 4 < frequent + unmatched
    }

    /// 2^ceil(log4(n + 1)): a cheap stand-in for the square root that git uses for the same limit.
    static func roughSquareRoot(_ n: Int) -> Int {
        var result = 1
        var rest = n
        while rest > 0 {
            result <<= 1
            rest >>= 2
        }
        return result
    }

    // MARK: - Sliding groups of changes

    /// A run of changed elements between two unchanged ones, as half-open flag-free indices.
    struct Group {
        var start: Int
        var end: Int
        var isEmpty: Bool { start == end }
    }

    func isChanged(_ first: Bool, _ index: Int) -> Bool { first ? changedA[index + 1] : changedB[index + 1] }
    mutating func setChanged(_ first: Bool, _ index: Int, _ value: Bool) {
        if first { changedA[index + 1] = value } else { changedB[index + 1] = value }
    }
    func element(_ first: Bool, _ index: Int) -> Int { first ? a[index] : b[index] }
    func count(_ first: Bool) -> Int { first ? a.count : b.count }

    func firstGroup(_ first: Bool) -> Group {
        var end = 0
        while isChanged(first, end) { end += 1 }
        return Group(start: 0, end: end)
    }

    func nextGroup(_ first: Bool, _ group: Group) -> Group? {
        guard group.end < count(first) else { return nil }
        var next = Group(start: group.end + 1, end: group.end + 1)
        while isChanged(first, next.end) { next.end += 1 }
        return next
    }

    func previousGroup(_ first: Bool, _ group: Group) -> Group? {
        guard group.start > 0 else { return nil }
        var previous = Group(start: group.start - 1, end: group.start - 1)
        while isChanged(first, previous.start - 1) { previous.start -= 1 }
        return previous
    }

    mutating func slideDown(_ first: Bool, _ group: inout Group) -> Bool {
        guard group.end < count(first), element(first, group.start) == element(first, group.end) else { return false }
        setChanged(first, group.start, false)
        setChanged(first, group.end, true)
        group.start += 1
        group.end += 1
        while isChanged(first, group.end) { group.end += 1 }
        return true
    }

    mutating func slideUp(_ first: Bool, _ group: inout Group) -> Bool {
        guard group.start > 0, element(first, group.start - 1) == element(first, group.end - 1) else { return false }
        group.start -= 1
        group.end -= 1
        setChanged(first, group.start, true)
        setChanged(first, group.end, false)
        while isChanged(first, group.start - 1) { group.start -= 1 }
        return true
    }

    /// Moves each group of changes in one sequence to its lowest position, unless it can line up
    /// with a group of changes in the other sequence; groups stay in step with the other side's.
    mutating func compact(first: Bool) {
        var group = firstGroup(first)
        var other = firstGroup(!first)
        while true {
            if !group.isEmpty {
                var size: Int
                var endMatchingOther: Int?
                var earliestEnd: Int
                repeat {
                    size = group.end - group.start
                    endMatchingOther = nil
                    while slideUp(first, &group) {
                        guard let previous = previousGroup(!first, other) else { return }
                        other = previous
                    }
                    earliestEnd = group.end
                    if !other.isEmpty { endMatchingOther = group.end }
                    while slideDown(first, &group) {
                        guard let next = nextGroup(!first, other) else { return }
                        other = next
                        if !other.isEmpty { endMatchingOther = group.end }
                    }
                } while size != group.end - group.start
                if group.end != earliestEnd, endMatchingOther != nil {
                    while other.isEmpty {
                        guard slideUp(first, &group), let previous = previousGroup(!first, other) else { break }
                        other = previous
                    }
                }
            }
            guard let next = nextGroup(first, group), let nextOther = nextGroup(!first, other) else { return }
            group = next
            other = nextOther
        }
    }

    // MARK: - The edit script

    func script() -> [DiffHunk] {
        var hunks: [DiffHunk] = []
        var i = a.count, j = b.count
        while i >= 0 || j >= 0 {
            if (i > 0 && changedA[i]) || (j > 0 && changedB[j]) {
                let endA = i, endB = j
                while i > 0 && changedA[i] { i -= 1 }
                while j > 0 && changedB[j] { j -= 1 }
                hunks.append(DiffHunk(aStart: i, aCount: endA - i, bStart: j, bCount: endB - j))
            }
            i -= 1
            j -= 1
        }
        return hunks.reversed()
    }
}
