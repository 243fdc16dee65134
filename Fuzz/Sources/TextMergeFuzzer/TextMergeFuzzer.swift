import ArticleSyncShared

/// Merges three texts cut from arbitrary bytes (at 0xFF, which UTF-8 never uses; the pieces are
/// decoded with replacement characters, as a peer's body would be). A body comes from whoever
/// pushed it, so whatever the texts are, the merge must not trap, and its three cases with an
/// answer must give that answer byte for byte: String's `==` would let é and e + U+0301 pass.
/// - only one side changed: that side, clean;
/// - both sides made the same change: that change, clean;
/// - a side is favoured: no conflict block is left.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTextMerge(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let parts = UnsafeBufferPointer(start: start, count: count).split(separator: 0xFF, maxSplits: 2, omittingEmptySubsequences: false)
    guard parts.count == 3 else { return 0 }
    let base = String(decoding: parts[0], as: UTF8.self)
    let mine = String(decoding: parts[1], as: UTF8.self)
    let theirs = String(decoding: parts[2], as: UTF8.self)

    expectClean(TextMerge.merge(base: base, mine: mine, theirs: base), equalTo: mine, "only mine changed")
    expectClean(TextMerge.merge(base: base, mine: base, theirs: theirs), equalTo: theirs, "only theirs changed")
    expectClean(TextMerge.merge(base: base, mine: mine, theirs: mine), equalTo: mine, "both made the same change")
    for side in MergeSide.allCases {
        let favoured = TextMerge.merge(base: base, mine: mine, theirs: theirs, favor: side)
        precondition(favoured.isClean, "a merge favouring \(side) left \(favoured.conflicts) conflict blocks")
    }
    // Bytes again: the result's own `==` compares its text as String does.
    let merged = TextMerge.merge(base: base, mine: mine, theirs: theirs)
    let again = TextMerge.merge(base: base, mine: mine, theirs: theirs)
    precondition(merged.text.utf8.elementsEqual(again.text.utf8) && merged.conflicts == again.conflicts
                 && merged.mergedByWords == again.mergedByWords, "the merge is not deterministic")
    return 0
}

func expectClean(_ result: TextMergeResult, equalTo expected: String, _ what: String) {
    precondition(result.isClean, "\(what): the merge left \(result.conflicts) conflict blocks")
    precondition(result.text.utf8.elementsEqual(expected.utf8), "\(what): the merge gave other bytes than that side's")
}
