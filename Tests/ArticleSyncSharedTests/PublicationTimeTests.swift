import ArticleSyncShared
import Foundation
import Testing

/// The publication time as people type it: read exactly, or refused saying why. Foundation's parser,
/// used before, moved 2021-02-29 to 2021-03-01 and ignored text after the time.
@Suite struct PublicationTimeTests {
    /// Expected values from GNU `date -u -d TIME +%s`.
    @Test func timesAreReadToTheSecond() throws {
        for (text, seconds) in [
            ("2020-09-30T08:00:00Z", 1_601_452_800),
            ("2020-09-30T08:00:00+07:00", 1_601_427_600),
            ("2020-09-30T08:00:00+0700", 1_601_427_600),
            ("2020-09-30T08:00:00-00:30", 1_601_454_600),
            ("2020-09-30T08:00:00.999Z", 1_601_452_800),
            ("2020-02-29T00:00:00Z", 1_582_934_400),
            ("2000-02-29T12:00:00Z", 951_825_600),
            ("1969-12-31T23:59:59Z", -1),
            ("1583-01-01T00:00:00Z", -12_212_553_600),
            ("0001-01-01T00:00:00Z", Article.publishedAtRange.lowerBound),
            ("9999-12-31T23:59:59Z", Article.publishedAtRange.upperBound),
        ] as [(String, Int64)] {
            #expect(try PublicationTime.parse(text) == Date(timeIntervalSince1970: TimeInterval(seconds)), "\(text)")
        }
    }

    @Test func timesThatDoNotExistAreRefusedSayingWhy() {
        let refused: [(String, PublicationTimeError.Problem)] = [
            ("2021-02-29T00:00:00Z", .noSuchDay(month: 2, year: 2021, days: 28)),
            ("1900-02-29T00:00:00Z", .noSuchDay(month: 2, year: 1900, days: 28)),
            ("2020-04-31T00:00:00Z", .noSuchDay(month: 4, year: 2020, days: 30)),
            ("2020-09-00T00:00:00Z", .noSuchDay(month: 9, year: 2020, days: 30)),
            ("2020-13-01T00:00:00Z", .noSuchMonth(13)),
            ("2020-00-10T00:00:00Z", .noSuchMonth(0)),
            ("2020-09-30T24:00:00Z", .noSuchHour),
            ("2020-09-30T23:60:00Z", .noSuchMinuteOrSecond),
            ("2020-09-30T23:59:60Z", .noSuchMinuteOrSecond),
            ("2020-09-30T08:00:00+25:00", .noSuchOffset),
            ("0000-01-01T00:00:00Z", .outsideYears),
            ("0001-01-01T00:00:00+01:00", .outsideYears),
            ("9999-12-31T23:59:59-00:01", .outsideYears),
        ] + [
            "", "2020-09-30", "2020-09-30T08:00Z", "2020-09-30T08:00:00", "2020-9-3T8:0:0Z", "2020-09-30T08:00:00Zjunk",
            " 2020-09-30T08:00:00Z", "10000-01-01T00:00:00Z", "+2020-09-30T08:00:00Z", "2020-09-30t08:00:00z",
            "2020-09-30 08:00:00Z", "2020-09-30T08:00:00.Z", "2020-09-30T08:00:00+07", "２０２０-09-30T08:00:00Z",
        ].map { ($0, .notISO8601) }
        for (text, problem) in refused {
            #expect(throws: PublicationTimeError(text: text, problem: problem), "\(text)") { try PublicationTime.parse(text) }
        }
        #expect(PublicationTimeError(text: "2021-02-29T00:00:00Z", problem: .noSuchDay(month: 2, year: 2021, days: 28)).description
            == "\"2021-02-29T00:00:00Z\" is not a date: February 2021 has 28 days")
    }

    /// The range's ends, the calendar's turning points and 20,000 seconds drawn from all of years 1
    /// to 9999 read back as written; from 1583 on, where Foundation's calendar is the proleptic
    /// Gregorian one too, they are written as Foundation writes them.
    @Test func writingAndReadingAgreeAcrossTheWholeRange() throws {
        var random = ArticleFactory(seed: 1583)
        let range = Article.publishedAtRange
        let samples = [range.lowerBound, range.upperBound, -1, 0, 951_782_400, -12_212_553_600, -12_212_553_601]
            + (0..<20_000).map { _ in range.lowerBound + Int64(random.next() % UInt64(range.upperBound - range.lowerBound + 1)) }
        for seconds in samples {
            let text = PublicationTime.format(seconds: seconds)
            #expect(try PublicationTime.parse(text) == Date(timeIntervalSince1970: TimeInterval(seconds)), "\(seconds): \(text)")
            if seconds >= -12_212_553_600 {
                #expect(text == Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(.iso8601), "\(seconds)")
            }
        }
        #expect(PublicationTime.format(seconds: range.lowerBound) == "0001-01-01T00:00:00Z")
    }

    @Test func anArticleFileWithATimeThatDoesNotExistNamesItsLine() throws {
        let text = "News\n\nJudul\n\nIsi. {viva | published: 2021-02-29T08:00:00Z}"
        #expect(throws: ArticleTextError(file: "a.txt", line: 5,
                                         reason: .badSourceTag("published: \"2021-02-29T08:00:00Z\" is not a date: February 2021 has 28 days"))) {
            try ArticleText.parse(Array(text.utf8), file: "a.txt")
        }
        let first = try ArticleText.parse(Array("News\n\nJudul\n\nIsi. {viva | published: 0001-01-01T00:00:00Z}".utf8), file: "a.txt")
        #expect(ArticleText.print(first).hasSuffix("{viva | published: 0001-01-01T00:00:00Z}"))
    }
}
