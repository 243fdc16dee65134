import ArticleSyncShared
import Foundation
import PropertyBased
import Testing

@Suite struct StorageCodingTests {
    @Test func storageBytesRoundTrip() async {
        await propertyCheck(count: 300, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            var factory = ArticleFactory(seed: seed)
            var article = factory.article()
            article.version = Int64(factory.int(0...1000))
            article.seq = Int64(factory.int(0...1_000_000))
            article.isDeleted = factory.int(0...3) == 0
            article.title += " : \n\u{00A0}ü" // separators and line breaks inside values are fine
            #expect((try? Article(storageBytes: article.storageBytes)) == article, "seed \(seed)")
        }
    }

    @Test func damagedBytesAreAnErrorNotACrash() {
        let bytes = Article(title: "T", body: "B", category: "News", source: "s").storageBytes
        for cut in [0, 5, 30, bytes.count - 1] {
            #expect(throws: StorageDecodingError.self) { try Article(storageBytes: bytes.prefix(cut)) }
        }
        #expect(throws: StorageDecodingError.self) { try Article(storageBytes: Array("articlesync-article-v1\nid:x:abc\n".utf8)) }
    }
}
