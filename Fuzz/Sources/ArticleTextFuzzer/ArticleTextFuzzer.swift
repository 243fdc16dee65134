import ArticleSyncShared

/// Parses arbitrary bytes as an article file. It may refuse them with an error; whatever it
/// accepts must print and parse back to the same article, byte for byte: String's `==` holds for
/// canonically equivalent text (é and e + U+0301), but the content hash sees the bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArticleText(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    guard let article = try? ArticleText.parse(bytes, file: "fuzz") else { return 0 }
    let printed = ArticleText.print(article)
    let reparsed = try? ArticleText.parse(Array(printed.utf8), file: "fuzz-printed", id: article.id)
    precondition(reparsed == article, "print/parse round trip changed the article:\n\(printed)")
    precondition(reparsed?.canonicalEncoding == article.canonicalEncoding, "print/parse round trip changed the article's bytes:\n\(printed)")
    return 0
}
