import ArticleSyncShared

/// Turns the seqs a client knows it holds into the few ranges a `pull` can carry.
enum SeqRanges {
    /// Runs of consecutive seqs above `cursor`, lowest first. Only seqs that are all in `seqs` are
    /// covered, so a range never hides an article the client does not hold; past the server's
    /// range limit the rest are left out, which only means those articles come back once more.
    static func covering(_ seqs: [Int64], after cursor: Int64) -> [ClosedRange<Int64>] {
        var ranges: [ClosedRange<Int64>] = []
        for seq in Set(seqs).sorted() where seq > cursor {
            if let last = ranges.last, last.upperBound + 1 == seq {
                ranges[ranges.count - 1] = last.lowerBound...seq
            } else {
                guard ranges.count < maximumPullSkipRanges else { break }
                ranges.append(seq...seq)
            }
        }
        return ranges
    }
}
