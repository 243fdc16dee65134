import ArticleSyncShared
import Foundation
import PropertyBased
import Testing

@Suite struct ThreeWayMergeTests {
    /// A base article and two independent random edits of it.
    static func triple(_ seed: UInt64) -> (base: Article, mine: Article, theirs: Article) {
        var factory = ArticleFactory(seed: seed)
        let base = ArticleText.normalized(factory.article(paragraphs: 3...8))
        return (base, edit(base, seed: seed &* 31 &+ 7), edit(base, seed: seed &* 31 &+ 11))
    }

    static func edit(_ article: Article, seed: UInt64) -> Article {
        var editor = BodyEditor(seed: seed)
        var copy = article
        switch editor.factory.int(0...9) {
        case 0: copy.title = editor.factory.words(3...8)
        case 1: copy.tags.insert(editor.factory.word().lowercased())
        case 2: if let tag = copy.tags.first { copy.tags.remove(tag) }
        case 3: copy.category = "Opini"
        default: break
        }
        if editor.factory.int(0...4) > 0 { copy.body = editor.edit(copy.body) }
        return copy
    }

    /// A field respelled in another Unicode form on one side (é as e + U+0301) is a change, as it is
    /// to git and to the content hash, though String's `==` calls the two spellings equal.
    @Test func respellingAFieldIsAChangeLikeAnyOther() {
        let base = Article(title: "Kafe caf\u{E9}", body: "Kopi caf\u{E9}.\n\nHarga naik.", category: "Caf\u{E9}", source: "caf\u{E9}")
        var theirs = base
        theirs.title = "Kafe cafe\u{301}"
        theirs.body = "Kopi cafe\u{301}.\n\nHarga naik."
        theirs.category = "Cafe\u{301}"
        theirs.source = "cafe\u{301}"
        var mine = base
        mine.tags = ["kopi"]
        let merged = ThreeWayMerge.merge(base: base, mine: mine, theirs: theirs)
        #expect(merged.conflictingFields.isEmpty)
        #expect(merged.article.contentHash == { var expected = theirs; expected.tags = ["kopi"]; return expected.contentHash }())
    }

    /// Both sides changed a field, or the same words of the body, to the same text in two Unicode
    /// spellings (a Mac keyboard writes e + U+0301, most others é). Before, that was a conflict
    /// between two values that look alike ("Café" against "Café"); now the server's bytes are taken.
    /// Text that differs in more than its spelling still conflicts.
    @Test func theSameTextInTwoSpellingsOnBothSidesIsNoConflict() {
        let base = Article(title: "Judul lama", body: "Kopi hitam.\n\nHarga naik.\n\nAntre panjang.", category: "News", source: "viva")
        var mine = base, theirs = base
        mine.title = "Kafe cafe\u{301}"
        theirs.title = "Kafe caf\u{E9}"
        mine.source = "cafe\u{301}"
        theirs.source = "caf\u{E9}"
        // The same word added to one paragraph on both sides, and another paragraph edited on one.
        mine.body = "Kopi hitam di cafe\u{301}.\n\nHarga naik.\n\nAntre pendek."
        theirs.body = "Kopi hitam di caf\u{E9}.\n\nHarga naik.\n\nAntre panjang."
        let merged = ThreeWayMerge.merge(base: base, mine: mine, theirs: theirs)
        #expect(merged.conflictingFields.isEmpty)
        #expect(Array(merged.article.title.utf8) == Array(theirs.title.utf8))
        #expect(Array(merged.article.source.utf8) == Array(theirs.source.utf8))
        #expect(Array(merged.article.body.utf8) == Array("Kopi hitam di caf\u{E9}.\n\nHarga naik.\n\nAntre pendek.".utf8))

        var other = theirs
        other.title = "Kafe caf\u{E8}"
        #expect(ThreeWayMerge.merge(base: base, mine: mine, theirs: other).conflictingFields == ["title"], "è is not é")
    }

    @Test func oneSidedChangesAreTakenAsTheyAre() async {
        await propertyCheck(count: 300, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            let (base, mine, theirs) = Self.triple(seed)
            #expect(ThreeWayMerge.merge(base: base, mine: mine, theirs: base).article.hasSameContent(as: mine))
            #expect(ThreeWayMerge.merge(base: base, mine: base, theirs: theirs).article.hasSameContent(as: theirs))
            #expect(ThreeWayMerge.merge(base: base, mine: mine, theirs: mine).article.hasSameContent(as: mine))
        }
    }

    @Test func mergeIsSymmetricUpToMarkerOrder() async {
        await propertyCheck(count: 300, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            let (base, mine, theirs) = Self.triple(seed)
            let forward = ThreeWayMerge.merge(base: base, mine: mine, theirs: theirs)
            let backward = ThreeWayMerge.merge(base: base, mine: theirs, theirs: mine)
            #expect(forward.conflictingFields == backward.conflictingFields, "seed \(seed)")
            if forward.isClean {
                #expect(forward.article.hasSameContent(as: backward.article), "seed \(seed)")
            } else if forward.conflictingFields == ["body"] {
                #expect(Self.swapMarkers(forward.article.body) == backward.article.body, "seed \(seed)")
            }
        }
    }

    @Test func noInsertedWordIsLost() async {
        await propertyCheck(count: 300, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            let (base, mine, theirs) = Self.triple(seed)
            let result = ThreeWayMerge.merge(base: base, mine: mine, theirs: theirs)
            guard !result.conflictingFields.contains("body") else { return }
            let merged = Self.wordCounts(result.article.body)
            let original = Self.wordCounts(base.body)
            for side in [mine, theirs] {
                for (word, count) in Self.wordCounts(side.body) where count > original[word, default: 0] {
                    #expect(merged[word, default: 0] >= count - original[word, default: 0], "seed \(seed): \"\(word)\" lost")
                }
            }
        }
    }

    @Test func mergingIsDeterministic() async {
        await propertyCheck(count: 100, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            let (base, mine, theirs) = Self.triple(seed)
            let first = ThreeWayMerge.merge(base: base, mine: mine, theirs: theirs)
            let second = ThreeWayMerge.merge(base: base, mine: mine, theirs: theirs)
            #expect(first == second)
            #expect(first.article.contentHash == second.article.contentHash)
        }
    }

    @Test func editsToDifferentSentencesOfOneParagraphMerge() {
        let base = "Satu dua tiga. Empat lima enam. Tujuh delapan sembilan.\n\nParagraf kedua."
        let mine = "Satu DUA tiga. Empat lima enam. Tujuh delapan sembilan.\n\nParagraf kedua."
        let theirs = "Satu dua tiga. Empat lima enam. Tujuh delapan SEMBILAN!\n\nParagraf kedua."
        let result = TextMerge.merge(base: base, mine: mine, theirs: theirs)
        #expect(result.isClean)
        #expect(result.mergedByWords == 1)
        #expect(result.text == "Satu DUA tiga. Empat lima enam. Tujuh delapan SEMBILAN!\n\nParagraf kedua.")
    }

    @Test func overlappingEditsGiveConflictBlocks() {
        let result = TextMerge.merge(base: "a\n\nsatu dua\n\nb", mine: "a\n\nsatu DUA\n\nb", theirs: "a\n\nsatu Dua\n\nb")
        #expect(result.conflicts == 1)
        #expect(result.text == "a\n\n<<<<<<< mine\nsatu DUA\n||||||| base\nsatu dua\n=======\nsatu Dua\n>>>>>>> theirs\n\nb")
        #expect(TextMerge.containsMarkers(result.text))
        let favored = TextMerge.merge(base: "a\n\nsatu dua\n\nb", mine: "a\n\nsatu DUA\n\nb", theirs: "a\n\nsatu Dua\n\nb", favor: .theirs)
        #expect(favored.isClean && favored.text == "a\n\nsatu Dua\n\nb")
    }

    @Test func scalarFieldsConflictUnlessEqualAndTagsMergeAsSets() {
        let base = Article(title: "T", body: "B", category: "News", source: "viva", tags: ["a", "b", "c"])
        var mine = base, theirs = base
        mine.title = "T mine"
        theirs.title = "T theirs"
        mine.tags = ["a", "b", "x"]      // removed c, added x
        theirs.tags = ["b", "c", "y"]    // removed a, added y
        theirs.source = "kompas"
        let result = ThreeWayMerge.merge(base: base, mine: mine, theirs: theirs)
        #expect(result.conflictingFields == ["title"])
        #expect(result.article.tags == ["b", "x", "y"])
        #expect(result.article.source == "kompas")
        #expect(result.article.title == "T mine")
        #expect(ThreeWayMerge.merge(base: base, mine: mine, theirs: theirs, favor: .theirs).article.title == "T theirs")
        #expect(ThreeWayMerge.merge(base: base, mine: mine, theirs: theirs, favor: .mine).isClean)
    }

    @Test func deletionRules() {
        let base = Article(title: "T", body: "B", category: "News", source: "viva")
        var deleted = base
        deleted.isDeleted = true
        var edited = base
        edited.body = "B2"
        #expect(ThreeWayMerge.merge(base: base, mine: deleted, theirs: base).article.isDeleted)
        #expect(ThreeWayMerge.merge(base: base, mine: base, theirs: deleted).article.isDeleted)
        #expect(ThreeWayMerge.merge(base: base, mine: deleted, theirs: deleted).article.isDeleted)
        let conflict = ThreeWayMerge.merge(base: base, mine: deleted, theirs: edited)
        #expect(conflict.conflictingFields == ["deleted"])
        #expect(ThreeWayMerge.merge(base: base, mine: edited, theirs: deleted).conflictingFields == ["deleted"])
        #expect(ThreeWayMerge.merge(base: base, mine: deleted, theirs: edited, favor: .theirs).article.body == "B2")
    }

    @Test func conflictTextParsesOnceTheBlocksAreSettled() throws {
        let base = Article(title: "T", body: "satu dua", category: "News", source: "viva")
        var mine = base, theirs = base
        mine.title = "Judul A"
        theirs.title = "Judul B"
        mine.body = "satu DUA"
        theirs.body = "satu Dua"
        let result = ThreeWayMerge.merge(base: base, mine: mine, theirs: theirs)
        let text = ConflictText.render(base: base, mine: mine, theirs: theirs, result: result)
        #expect(TextMerge.containsMarkers(text))
        let settled = text.replacingOccurrences(of: "<<<<<<< mine\nJudul A\n||||||| base\nT\n=======\nJudul B\n>>>>>>> theirs", with: "Judul C")
            .replacingOccurrences(of: "<<<<<<< mine\nsatu DUA\n||||||| base\nsatu dua\n=======\nsatu Dua\n>>>>>>> theirs", with: "satu tiga")
        #expect(!TextMerge.containsMarkers(settled))
        let parsed = try ArticleText.parse(Array(settled.utf8), file: "resolution", id: base.id)
        #expect(parsed.title == "Judul C" && parsed.body == "satu tiga" && parsed.source == "viva")
    }

    static func wordCounts(_ text: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for word in text.split(whereSeparator: { $0.isWhitespace }) { counts[String(word), default: 0] += 1 }
        return counts
    }

    /// Swaps the mine and theirs sides of every conflict block.
    static func swapMarkers(_ text: String) -> String {
        var out: [String] = []
        var mine: [String] = [], base: [String] = [], theirs: [String] = []
        var section = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            switch line {
            case TextMerge.mineMarker: section = 1
            case TextMerge.baseMarker: section = 2
            case TextMerge.separatorMarker: section = 3
            case TextMerge.theirsMarker:
                out += [TextMerge.mineMarker] + theirs + [TextMerge.baseMarker] + base + [TextMerge.separatorMarker] + mine + [TextMerge.theirsMarker]
                mine = []; base = []; theirs = []; section = 0
            default:
                switch section {
                case 1: mine.append(line)
                case 2: base.append(line)
                case 3: theirs.append(line)
                default: out.append(line)
                }
            }
        }
        return out.joined(separator: "\n")
    }
}
