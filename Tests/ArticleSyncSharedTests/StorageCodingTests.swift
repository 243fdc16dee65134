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

    /// The id is parsed by hand (for speed): the 36-character form in either case, as Foundation
    /// reads it, and nothing else (Foundation's `sscanf` lets some damaged forms through).
    @Test func idsParseStrictly() throws {
        let article = Article(title: "T", body: "B", category: "News", source: "s")
        func stored(id: String) -> [UInt8] {
            let text = String(decoding: article.storageBytes, as: UTF8.self)
            return Array(text.replacingOccurrences(of: "id:36:\(article.idString)", with: "id:\(id.utf8.count):\(id)").utf8)
        }
        #expect(try Article(storageBytes: stored(id: article.idString.uppercased())).id == article.id)
        #expect(try Article(storageBytes: Data(stored(id: article.idString))) == article)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let id = UUID()
            #expect(try Article(storageBytes: stored(id: id.uuidString)).id == id)
            // One character replaced by something that is not a hex digit (or a dash where one belongs).
            var characters = Array(id.uuidString)
            let position = Int.random(in: 0..<characters.count, using: &generator)
            characters[position] = characters[position] == "-" ? "0" : ["g", "-", " ", "Z", ":"].randomElement(using: &generator) ?? "g"
            let damaged = String(characters)
            #expect(throws: StorageDecodingError.self) { try Article(storageBytes: stored(id: damaged)) }
        }
        for bad in ["", "abc", article.idString + "0", String(article.idString.dropLast()), article.idString.replacingOccurrences(of: "-", with: "0")] {
            #expect(throws: StorageDecodingError.self) { try Article(storageBytes: stored(id: bad)) }
        }
    }
}
