import ArticleSyncShared
import Foundation
import Testing

@Suite struct ContentHashTests {
    let article = Article(id: UUID(uuidString: "6B29FC40-CA47-1067-B31D-00DD010662DA")!, title: "T", body: "B", category: "News", source: "viva", tags: ["a", "b"])

    @Test func hashIsHexSHA256AndStable() {
        #expect(article.contentHash.count == 64)
        #expect(article.contentHash == article.contentHash)
        // The canonical encoding is part of the protocol: a change here breaks `verify` across versions.
        #expect(article.contentHash == ArticleFactoryFreeReference.hash)
    }

    @Test func idStringIsTheLowercaseUUIDAndStoredFormAgreesWithItsParts() throws {
        #expect(article.idString == "6b29fc40-ca47-1067-b31d-00dd010662da")
        for _ in 0..<200 {
            let id = UUID()
            #expect(Article(id: id, title: "t", body: "", category: "c", source: "").idString == id.uuidString.lowercased())
        }
        var stored = article
        stored.version = 12
        stored.seq = 3400
        let form = stored.storedForm
        #expect(form.contentHash == stored.contentHash)
        #expect(form.bytes == stored.canonicalEncoding + Array("version:2:12\nseq:4:3400\n".utf8))
        #expect(try Article(storageBytes: form.bytes) == stored)
    }

    @Test func serverBookkeepingIsNotContent() {
        var copy = article
        copy.version = 9
        copy.seq = 1234
        #expect(copy.contentHash == article.contentHash)
    }

    @Test func everyFieldChangesTheHash() {
        var variants: [Article] = []
        var changed = article; changed.title = "T2"; variants.append(changed)
        changed = article; changed.body = "B2"; variants.append(changed)
        changed = article; changed.category = "Sport"; variants.append(changed)
        changed = article; changed.source = "kompas"; variants.append(changed)
        changed = article; changed.tags = ["a"]; variants.append(changed)
        changed = article; changed.publishedAt = Date(timeIntervalSince1970: 1); variants.append(changed)
        changed = article; changed.isDeleted = true; variants.append(changed)
        changed = article; changed.id = UUID(); variants.append(changed)
        let hashes = Set(variants.map(\.contentHash) + [article.contentHash])
        #expect(hashes.count == variants.count + 1)
    }

    @Test func fieldBoundariesCannotBeForged() {
        let a = Article(id: article.id, title: "ab", body: "c", category: "x", source: "")
        let b = Article(id: article.id, title: "a", body: "bc", category: "x", source: "")
        #expect(a.contentHash != b.contentHash)
    }
}

/// The hash of `ContentHashTests.article`, computed independently of this code (Python's hashlib
/// over the canonical encoding documented in docs/PROTOCOL.md) and pinned.
enum ArticleFactoryFreeReference {
    static let hash = "04571590bebd373472ed59fae07c21a002a3e18fe74a4ab89e063fc7c70a4bf5"
}
