import ArticleSyncShared
import Foundation
import PropertyBased
import Testing

/// `CheckedStorageForm` lets a client store a server's bytes as they are, so it must accept exactly
/// the bytes `storageBytes` writes: whatever it accepts reads back into an article that writes the
/// same bytes again (and so has the hash computed over them).
@Suite struct StorageCheckTests {
    static func randomArticle(_ seed: UInt64) -> Article {
        var factory = ArticleFactory(seed: seed)
        var article = factory.article()
        article.version = Int64(factory.int(0...1000))
        article.seq = Int64(factory.int(0...1_000_000))
        article.isDeleted = factory.int(0...3) == 0
        if factory.int(0...2) == 0 { article.publishedAt = nil }
        if factory.int(0...2) == 0 { article.publishedAt = Date(timeIntervalSince1970: -1_000_000) }
        article.tags = Set((0..<factory.int(0...4)).map { _ in factory.word() })
        article.title += " : \n\u{00A0}ü"
        return article
    }

    @Test func acceptsWhatStorageBytesWrites() async {
        await propertyCheck(count: 300, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            let article = Self.randomArticle(seed)
            guard let form = try? CheckedStorageForm(checking: article.storageBytes) else {
                Issue.record("seed \(seed): refused")
                return
            }
            #expect(form.article == article, "seed \(seed)")
            #expect(form.contentHash == article.contentHash, "seed \(seed)")
            #expect(form.idString == article.idString && form.title == article.title && form.category == article.category)
            #expect(form.isDeleted == article.isDeleted && form.version == article.version && form.seq == article.seq)
            #expect(form.canonicalCount == article.canonicalEncoding.count)
        }
    }

    /// A push answer gives an article a new version and seq; its stored form is rewritten without
    /// decoding it, and must be exactly the form of the article with those numbers.
    @Test func restampingIsStorageBytesWithTheNewNumbers() async {
        await propertyCheck(count: 200, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            var article = Self.randomArticle(seed)
            guard let form = try? CheckedStorageForm(trusting: article.storageBytes) else {
                Issue.record("seed \(seed): refused")
                return
            }
            let version = Int64(seed % 5_000), seq = Int64(seed >> 20)
            let restamped = form.restamped(version: version, seq: seq)
            article.version = version
            article.seq = seq
            #expect(restamped == article.storageBytes, "seed \(seed)")
        }
    }

    /// Bytes a reader would accept but `storageBytes` never writes.
    @Test func refusesEveryOtherSpellingOfAnArticle() throws {
        let article = Article(id: UUID(uuidString: "6B29FC40-CA47-1067-B31D-00DD010662DA")!, title: "Judul", body: "Isi.", category: "News",
                              source: "viva", tags: ["a", "b"], publishedAt: Date(timeIntervalSince1970: 1_600_000_000), version: 3, seq: 17)
        let good = String(decoding: article.storageBytes, as: UTF8.self)
        #expect(throws: Never.self) { try CheckedStorageForm(checking: Array(good.utf8)) }
        let edits: [(String, String, String)] = [
            ("uppercase id", "6b29fc40-ca47", "6B29FC40-CA47"),
            ("leading zero in a length", "title:5:Judul", "title:05:Judul"),
            ("fields out of order", "category:4:News\ntitle:5:Judul\n", "title:5:Judul\ncategory:4:News\n"),
            ("tags out of order", "tag:1:a\ntag:1:b\n", "tag:1:b\ntag:1:a\n"),
            ("the same tag twice", "tag:1:a\ntag:1:b\n", "tag:1:a\ntag:1:a\n"),
            ("tag count that disagrees", "tags:1:2\n", "tags:1:3\n"),
            ("plus sign in a number", "version:1:3", "version:2:+3"),
            ("leading zero in a number", "seq:2:17", "seq:3:017"),
            ("minus zero", "version:1:3", "version:2:-0"),
            ("a number past Int64", "seq:2:17", "seq:19:9223372036854775808"),
            ("an empty number", "version:1:3", "version:0:"),
            ("deleted flag other than 0 or 1", "deleted:1:0", "deleted:1:2"),
            ("publishedAt past year 9999", "publishedAt:10:1600000000", "publishedAt:12:999999999999"),
            ("bytes after seq", "seq:2:17\n", "seq:2:17\nx:0:\n"),
            ("missing seq", "seq:2:17\n", ""),
            ("unknown field", "source:4:viva\n", "source:4:viva\nextra:0:\n"),
        ]
        for (name, original, replacement) in edits {
            #expect(good.contains(original), "\(name): the test's original text is not in the form")
            let bad = Array(good.replacingOccurrences(of: original, with: replacement).utf8)
            #expect(throws: StorageDecodingError.self, "\(name)") { try CheckedStorageForm(checking: bad) }
        }
        // Two spellings of é, equal as Swift strings (a set would keep one of them), in byte order.
        let twins = Article(title: "T", body: "", category: "C", source: "", tags: ["e\u{301}"]).storageBytes
        let twinText = String(decoding: twins, as: UTF8.self).replacingOccurrences(of: "tags:1:1\ntag:3:e\u{301}\n", with: "tags:1:2\ntag:3:e\u{301}\ntag:2:\u{E9}\n")
        #expect(twinText != String(decoding: twins, as: UTF8.self))
        #expect(throws: StorageDecodingError.self) { try CheckedStorageForm(checking: Array(twinText.utf8)) }
        // Invalid UTF-8 in the body.
        var broken = article.storageBytes
        let body = try #require((0..<broken.count - 4).first { broken[$0..<$0 + 4].elementsEqual("Isi.".utf8) })
        broken[body] = 0xC3
        broken[body + 1] = 0x28
        #expect(throws: StorageDecodingError.self) { try CheckedStorageForm(checking: broken) }
    }

    /// The server's walk over its own rows skips the text checks but still refuses what could not
    /// be read back, so a damaged row is an error when it is read, not a wrong article later.
    @Test func trustingFindsTheFieldsButStillNeedsAReadableForm() throws {
        let article = Article(title: "Judul", body: "Isi.", category: "News", source: "viva", tags: ["a"], version: 2, seq: 9)
        let form = try CheckedStorageForm(trusting: article.storageBytes)
        #expect(form.article == article && form.idString == article.idString && form.contentHash == article.contentHash)
        var notUTF8 = article.storageBytes
        let body = try #require((0..<notUTF8.count - 4).first { notUTF8[$0..<$0 + 4].elementsEqual("Isi.".utf8) })
        notUTF8[body] = 0xFF
        #expect(throws: StorageDecodingError.self) { try CheckedStorageForm(checking: notUTF8) }
        #expect(throws: Never.self) { try CheckedStorageForm(trusting: notUTF8) }
        for cut in [10, 40, article.storageBytes.count - 1] {
            #expect(throws: StorageDecodingError.self) { try CheckedStorageForm(trusting: Array(article.storageBytes.prefix(cut))) }
        }
    }

    @Test func acceptsTheExtremesOfEveryNumber() throws {
        for (version, seq) in [(Int64.max, Int64.min), (0, 0), (-1, 1)] {
            let article = Article(title: "T", body: "", category: "C", source: "", publishedAt: Date(timeIntervalSince1970: -62_135_596_800),
                                  version: version, seq: seq)
            let form = try CheckedStorageForm(checking: article.storageBytes)
            #expect(form.version == version && form.seq == seq && form.article == article)
        }
    }

    /// Damage anywhere: refused, or what is accepted writes itself back byte for byte.
    @Test func damagedFormsAreRefusedOrExactlyCanonical() async {
        await propertyCheck(count: 200, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            var factory = ArticleFactory(seed: seed)
            var bytes = Self.randomArticle(seed).storageBytes
            for _ in 0..<factory.int(1...3) {
                let at = factory.int(0...bytes.count - 1)
                switch factory.int(0...2) {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: factory.next())
                case 1: bytes.remove(at: at)
                default: bytes.insert(UInt8(truncatingIfNeeded: factory.next()), at: at)
                }
            }
            if let form = try? CheckedStorageForm(checking: bytes) {
                #expect(form.article.storageBytes == bytes, "seed \(seed)")
                #expect(form.contentHash == form.article.contentHash, "seed \(seed)")
            }
        }
    }
}
