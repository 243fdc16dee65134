import ArticleSyncShared
import Foundation
import PropertyBased
import Testing

@Suite struct ArticleTextTests {
    static let seedPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("seeds/000_554e571eb0b6f027.txt").path

    func seedBytes() throws -> [UInt8] {
        try #require(FileManager.default.contents(atPath: Self.seedPath)).map { $0 }
    }

    @Test func seedParsesToItsParts() throws {
        let article = try ArticleText.parse(try seedBytes(), file: "seed")
        #expect(article.category == "News")
        #expect(article.title == "Dibombardir Azerbaijan, Tentara Armenia Nangis Di Medan Tempur Nagorno Karabakh")
        let paragraphs = ArticleText.paragraphs(of: article.body)
        #expect(paragraphs.count == 14)
        #expect(paragraphs.first?.hasPrefix("Pertempuran terus berkecamuk") == true)
        #expect(paragraphs.last?.hasSuffix("tidak sedang berlangsung.") == true)
        #expect(article.source == "viva")
        #expect(!article.body.contains("{viva}"))
        #expect(!article.body.contains("\u{00A0}"))
        #expect(article.tags.isEmpty && article.publishedAt == nil && !article.isDeleted)
    }

    @Test func seedPrintsBackToItsOwnBytesLessTheNoBreakSpaces() throws {
        let bytes = try seedBytes()
        let article = try ArticleText.parse(bytes, file: "seed")
        let expected = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "News\u{00A0}\u{00A0}", with: "News")
        #expect(ArticleText.print(article) == expected)
    }

    @Test func crlfAndByteOrderMarkAreAccepted() throws {
        let lf = try ArticleText.parse(try seedBytes(), file: "seed")
        let crlf = String(decoding: try seedBytes(), as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n")
        let withBOM = [0xEF, 0xBB, 0xBF] + Array(crlf.utf8)
        let parsed = try ArticleText.parse(withBOM, file: "crlf", id: lf.id)
        #expect(parsed == lf)
    }

    @Test func tagsAndPublicationTimeRideInTheClosingTag() throws {
        let text = "Olahraga\n\nJudul\n\nIsi satu.\n\nIsi dua. {contoh | tags: b, a | published: 2021-03-14T09:30:00Z}"
        let article = try ArticleText.parse(Array(text.utf8), file: "t")
        #expect(article.source == "contoh")
        #expect(article.tags == ["a", "b"])
        #expect(article.publishedAt == Date(timeIntervalSince1970: 1_615_714_200))
        #expect(ArticleText.paragraphs(of: article.body) == ["Isi satu.", "Isi dua."])
        #expect(ArticleText.print(article) == "Olahraga\n\nJudul\n\nIsi satu.\n\nIsi dua. {contoh | tags: a, b | published: 2021-03-14T09:30:00Z}")
    }

    /// Text without a closing tag is an article without source or tags; `edit` needs to tell that
    /// from `{}` (cleared on purpose) and from a tag that text written after it pushed into the body.
    @Test func theParserSaysWhetherTheTextEndedWithAClosingTag() throws {
        let cases: [(String, Bool, String)] = [
            ("News\n\nJudul\n\nIsi. {viva}", true, "viva"),
            ("News\n\nJudul\n\nIsi. {}", true, ""),
            ("News\n\nJudul {viva}", true, "viva"),
            ("News\n\nJudul\n\nIsi.", false, ""),
            ("News\n\nJudul\n\nIsi. {viva}\n\nParagraf baru.", false, ""),
        ]
        for (text, hasTag, source) in cases {
            let parsed = try ArticleText.parseNotingClosingTag(Array(text.utf8), file: "t")
            #expect(parsed.hasClosingTag == hasTag, "\(text)")
            #expect(parsed.article.source == source, "\(text)")
            #expect(parsed.article == (try ArticleText.parse(Array(text.utf8), file: "t", id: parsed.article.id)))
        }
    }

    @Test func emptyFileIsRefusedAtLineOne() {
        for input in ["", "   \n\n  "] {
            #expect(throws: ArticleTextError(file: "empty.txt", line: 1, reason: .empty)) {
                try ArticleText.parse(Array(input.utf8), file: "empty.txt")
            }
        }
    }

    @Test func invalidUTF8NamesTheLine() {
        let bytes: [UInt8] = Array("News\n\nTitle\n\nBody ".utf8) + [0xC3, 0x28] + Array(" more".utf8)
        #expect(throws: ArticleTextError(file: "bad.txt", line: 5, reason: .invalidUTF8)) {
            try ArticleText.parse(bytes, file: "bad.txt")
        }
    }

    @Test func binaryDataIsRefused() {
        let bytes: [UInt8] = Array("News\n\nTitle\n".utf8) + [0x00, 0x01, 0x02]
        #expect(throws: ArticleTextError(file: "bin", line: 4, reason: .binary)) {
            try ArticleText.parse(bytes, file: "bin")
        }
    }

    @Test func missingTitleNamesTheLineAfterTheCategory() throws {
        let error = #expect(throws: ArticleTextError.self) {
            try ArticleText.parse(Array("\n\nNews  \n\n".utf8), file: "notitle.txt")
        }
        #expect(error?.reason == .missingTitle)
        #expect(error?.line == 4)
        #expect(error?.description.hasPrefix("notitle.txt:4: no title") == true)
    }

    @Test func hugeFileIsRefusedBeforeParsing() {
        let bytes = [UInt8](repeating: 0x61, count: 2000)
        #expect(throws: ArticleTextError(file: "big", line: 1, reason: .tooLarge(limit: 1000))) {
            try ArticleText.parse(bytes, file: "big", sizeLimit: 1000)
        }
    }

    @Test func unreadableClosingTagIsReported() {
        #expect(throws: ArticleTextError.self) {
            try ArticleText.parse(Array("News\n\nT\n\nBody {viva | color: red}".utf8), file: "tag")
        }
    }

    @Test func printThenParseGivesTheArticleBack() async {
        await propertyCheck(count: 300, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            var factory = ArticleFactory(seed: seed)
            let article = ArticleText.normalized(factory.article())
            let printed = ArticleText.print(article)
            let parsed = try? ArticleText.parse(Array(printed.utf8), file: "roundtrip", id: article.id)
            #expect(parsed == article, "seed \(seed)")
        }
    }

    /// A prepended concatenation mark (U+0600–U+0605, U+06DD, U+110BD) joins the character after it
    /// into one grapheme, so a delimiter right after one is invisible to a search by Character. The
    /// first case is the input ArticleTextFuzzer found: `{؂ }` parsed to the source "؂", which
    /// printed as `{؂}` and then parsed as body text.
    @Test func delimitersAfterPrependedMarksSurviveTheRoundTrip() throws {
        let found: [UInt8] = [0x4E, 0x29, 0x41, 0x65, 0x77, 0x77, 0x7A, 0x73, 0x0D, 0x0A, 0x64, 0x75, 0x61, 0x66, 0x65, 0x75, 0x0A, 0x7B, 0xD8, 0x82, 0x20, 0x7D]
        let fuzzed = try ArticleText.parse(found, file: "fuzz")
        #expect(fuzzed.source == "\u{0602}" && fuzzed.body.isEmpty)
        #expect(try ArticleText.parse(Array(ArticleText.print(fuzzed).utf8), file: "again", id: fuzzed.id) == fuzzed)

        for mark in ["\u{0600}", "\u{0602}", "\u{0605}", "\u{06DD}", "\u{110BD}"] {
            let article = Article(
                title: "Judul" + mark, body: "Isi" + mark, category: "News" + mark, source: "viva" + mark,
                tags: ["a" + mark, "b" + mark], publishedAt: Date(timeIntervalSince1970: 1_600_000_000)
            )
            #expect(article.validationProblem() == nil)
            let printed = ArticleText.print(article)
            // Bytes, not `==`: String equality would accept a canonically equivalent spelling.
            let reparsed = try ArticleText.parse(Array(printed.utf8), file: "mark", id: article.id)
            #expect(reparsed.canonicalEncoding == article.canonicalEncoding, "\(printed.unicodeScalars.map { String($0.value, radix: 16) })")
            for source in ["viva" + mark + "}", mark + "{", "a" + mark + "|b"] {
                var broken = article
                broken.source = source
                #expect(broken.validationProblem() == "the source must not contain {, }, | or line breaks", "\(source.unicodeScalars.map { String($0.value, radix: 16) })")
            }
            var commaTag = article
            commaTag.tags = ["a" + mark + ",b"]
            #expect(commaTag.validationProblem()?.hasPrefix("the tag") == true)
        }
    }

    /// A byte order mark is dropped from the start of a file, so a category beginning with U+FEFF
    /// lost it when printed first and read back. The input is the one ArticleTextFuzzer found: the
    /// category line starts with white space, then U+FEFF.
    @Test func byteOrderMarkInsideTheFileIsTrimmedLikeWhiteSpace() throws {
        let found = Array("\n \t\u{FEFF}\t\tr\tbOptionalshed: 5010-09-30R08:00:\tp\t\r\t\tDef\t\u{02A1}\t".utf8)
        let article = try ArticleText.parse(found, file: "fuzz")
        #expect(article.category == "r\tbOptionalshed: 5010-09-30R08:00:\tp" && article.title == "Def\t\u{02A1}")
        #expect(try ArticleText.parse(Array(ArticleText.print(article).utf8), file: "again", id: article.id) == article)
        let marked = Article(title: "\u{FEFF}Judul\u{FEFF}", body: "\u{FEFF}Isi.", category: "\u{FEFF}News", source: "viva")
        #expect(ArticleText.normalized(marked) == Article(id: marked.id, title: "Judul", body: "Isi.", category: "News", source: "viva"))
    }

    @Test func everyShippedSampleParses() throws {
        let seeds = URL(fileURLWithPath: Self.seedPath).deletingLastPathComponent()
        let files = try FileManager.default.contentsOfDirectory(atPath: seeds.path).filter { $0.hasSuffix(".txt") }
        #expect(files.count >= 4)
        for file in files {
            let data = try #require(FileManager.default.contents(atPath: seeds.appendingPathComponent(file).path))
            let article = try ArticleText.parse(data, file: file)
            #expect(article.validationProblem() == nil, "\(file)")
            #expect(try ArticleText.parse(Array(ArticleText.print(article).utf8), file: file, id: article.id) == article)
        }
    }

    /// Control characters are refused in every field (ESC and CSI would run in the terminal of
    /// whoever lists the article), by the check an edit and a push go through and by the parser;
    /// tab and line breaks in the body, and letters whose UTF-8 begins with 0xC2 (©, a no-break
    /// space), are text.
    @Test func controlCharactersAreRefusedInEveryField() throws {
        let text = Article(title: "Judul\t© 2020\u{00A0}x", body: "Isi\tsatu.\r\n\nDua.", category: "News", source: "viva", tags: ["a"])
        #expect(text.validationProblem() == nil)
        for control in ["\u{1B}", "\u{00}", "\u{08}", "\u{7F}", "\u{80}", "\u{9B}", "\u{9F}"] {
            let code = String(control.unicodeScalars.first!.value, radix: 16, uppercase: true)
            let padded = String(repeating: "0", count: 4 - code.count) + code
            for field in ["title", "category", "source", "body", "tag"] {
                var article = text
                switch field {
                case "title": article.title += control
                case "category": article.category += control
                case "source": article.source += control
                case "body": article.body += control
                default: article.tags.insert("b" + control)
                }
                #expect(article.validationProblem() == "the \(field) contains the control character U+\(padded), which a terminal showing it "
                    + "would run as a command; remove it", "\(field) \(padded)")
            }
            let file = Array("News\n\nJudul \(control)\n\nIsi.\n".utf8)
            #expect(throws: ArticleTextError.self, "\(padded)") { try ArticleText.parse(file, file: "control") }
        }
        // Long text is scanned 16 bytes at a time: a control character at every place in and
        // across those blocks (C1's two bytes on both sides of a boundary) is found, © nowhere.
        for offset in 0..<50 {
            let before = String(repeating: "a", count: offset), after = String(repeating: "b", count: 50 - offset)
            for (inserted, found) in [("\u{1B}", true), ("\u{9B}", true), ("\u{7F}", true), ("©", false), ("\n\t", false)] {
                var article = text
                article.body = before + inserted + after
                #expect((article.validationProblem() != nil) == found, "\(offset) \(inserted.unicodeScalars.map(\.value))")
            }
        }
    }

    /// The check a push goes through refuses a title or category of nothing but white space, which
    /// is exactly what `trim` empties (no-break spaces and ideographic spaces included).
    @Test func blankTitleOrCategoryIsRefusedAsTrimSeesIt() {
        let samples = ["", " ", "\u{00A0}\u{00A0}", "\t\u{3000}\u{2003}", "\u{200B}", "a", " Berita ", "\u{00A0}x\u{00A0}", "e\u{301}", "\u{FEFF}", "\u{FEFF}x"]
        for sample in samples {
            let scalars = sample.unicodeScalars.map { String($0.value, radix: 16) }
            let blank = ArticleText.trim(sample).isEmpty
            #expect(blank == (sample.isEmpty || [" ", "\u{00A0}\u{00A0}", "\t\u{3000}\u{2003}", "\u{FEFF}"].contains(sample)), "\(scalars)")
            var article = Article(title: "Judul", body: "Isi.", category: sample, source: "viva")
            #expect((article.validationProblem() == "the category is empty") == blank, "\(scalars)")
            article.category = "News"
            article.title = sample
            #expect((article.validationProblem() == "the title is empty") == blank, "\(scalars)")
        }
    }

    /// Lines are split and trimmed on UTF-8 bytes and scalars for speed; they must come out as
    /// splitting scalar by scalar gives them, whatever mix of line ends, white space and combining
    /// marks the text holds.
    @Test func linesAndTrimmingAgreeWithTheScalarDefinition() {
        let alphabet = ["a", "é", "e\u{301}", " ", "\u{301}", "\u{00A0}", "\u{3000}", "\t", "\n", "\r", "\r\n", "日", "🇮🇩", "{", "}", "\u{FEFF}"]
        var factory = ArticleFactory(seed: 7)
        for _ in 0..<2_000 {
            let text = (0..<factory.int(0...12)).map { _ in alphabet[factory.int(0...alphabet.count - 1)] }.joined()
            let scalars = text.unicodeScalars.map { String($0.value, radix: 16) }
            #expect(ArticleText.normalizedBody(text) == Self.normalizedBodyByScalars(text), "\(scalars)")
            #expect(ArticleText.trim(text) == Self.trimByScalars(text), "\(scalars)")
            #expect(ArticleText.trim(text.dropFirst()) == Self.trimByScalars(String(text.dropFirst())), "\(scalars)")
        }
    }

    static func normalizedBodyByScalars(_ text: String) -> String {
        var out: [String] = []
        for line in linesByScalars(text).map(trimByScalars) {
            if line.isEmpty, out.last?.isEmpty ?? true { continue }
            out.append(line)
        }
        while out.last?.isEmpty == true { out.removeLast() }
        return out.joined(separator: "\n")
    }

    static func linesByScalars(_ text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                if !previousWasCR { lines.append(String(current)); current = .init() }
                previousWasCR = false
            } else if scalar == "\r" {
                lines.append(String(current)); current = .init()
                previousWasCR = true
            } else {
                current.append(scalar)
                previousWasCR = false
            }
        }
        lines.append(String(current))
        return lines
    }

    static func trimByScalars(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        let padding = { (scalar: Unicode.Scalar) in scalar.properties.isWhitespace || scalar == "\u{FEFF}" }
        guard let first = scalars.firstIndex(where: { !padding($0) }), let last = scalars.lastIndex(where: { !padding($0) }) else { return "" }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[first...last])
        return String(view)
    }
}
