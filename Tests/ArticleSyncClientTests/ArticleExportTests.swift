import ArticleSyncClient
import ArticleSyncShared
import Foundation
import Testing

/// `articlesync export`: one whole file per article, in the format `add` reads.
@Suite struct ArticleExportTests: ReplicaFixture {
    let directory: String
    let replica: Replica
    var target: String { directory + "/export" }

    init() throws {
        (directory, replica) = try Self.makeReplica()
    }

    func files() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: target).sorted()
    }

    @Test func everyArticleNotDeletedBecomesOneFileThatReadsBackTheSame() throws {
        defer { cleanUp() }
        let added = try replica.add([sample("Satu"), sample("Dua"), sample("Tiga")])
        try replica.update(added[1].idString) { $0.isDeleted = true }

        let outcome = try ArticleExport.write(replica, to: target)
        #expect(outcome.exported == 2 && outcome.kept.isEmpty)

        #expect(try files() == [added[0], added[2]].map { $0.idString + ".txt" }.sorted(), "no deleted article, no temporary file")
        for article in [added[0], added[2]] {
            let path = target + "/" + article.idString + ".txt"
            let read = try ArticleText.parse(try #require(FileManager.default.contents(atPath: path)), file: path, id: article.id)
            #expect(read.hasSameContent(as: article), "\(article.title)")
        }
    }

    /// Each file notes what it was written from (for `edit --file`); a later export to another
    /// folder takes the earlier one's place there, so exports to dated folders do not pile up rows.
    @Test func anExportNotesWhatEachFileWasWrittenFromForTheLatestExportOnly() throws {
        defer { cleanUp() }
        let added = try replica.add([sample("Satu"), sample("Dua")])
        _ = try ArticleExport.write(replica, to: target)
        let first = target + "/" + added[0].idString + ".txt"
        #expect(try replica.fileOrigin(of: first) == FileOrigin(path: first, articleID: added[0].idString, contentHash: added[0].contentHash))
        #expect(try replica.fileOrigin(of: directory + "/elsewhere.txt") == nil)

        let kept = directory + "/kept.txt"
        try replica.noteFilesWritten([FileOrigin(path: kept, articleID: added[1].idString, contentHash: added[1].contentHash)])
        let later = directory + "/export-2"
        _ = try ArticleExport.write(replica, to: later)
        #expect(try replica.fileOrigin(of: first) == nil, "the earlier export's files are no longer noted")
        #expect(try replica.fileOrigin(of: later + "/" + added[1].idString + ".txt")?.articleID == added[1].idString)
        #expect(try replica.fileOrigin(of: kept) != nil, "single files stay noted")
        // The same file named another way (a relative path, a symbolic link) is the same file.
        try FileManager.default.createSymbolicLink(atPath: directory + "/link", withDestinationPath: later)
        #expect(try replica.fileOrigin(of: directory + "/link/" + added[0].idString + ".txt")?.articleID == added[0].idString)
    }

    /// The exported version of an article is kept when the article first changes (for the merge of
    /// an edited file), by whatever changes it; not for an article that did not change, not again
    /// on its next change, and not for a file `add` read.
    @Test func theExportedVersionIsKeptWhenTheArticleFirstChanges() throws {
        defer { cleanUp() }
        let source = directory + "/source.txt"
        try Data(ArticleText.print(sample("Dari berkas")).utf8).write(to: URL(fileURLWithPath: source))
        var fromFile: Article?
        try replica.add(readingFiles: { fromFile == nil ? (sample("Dari berkas"), FileOrigin.key(source)) : nil }, each: { fromFile = $0 })
        let added = try replica.add([sample("Satu"), sample("Dua")])
        _ = try ArticleExport.write(replica, to: target)
        let file = { (article: Article) in self.target + "/" + article.idString + ".txt" }

        try replica.update(added[0].idString) { $0.title = "Satu, diubah" }
        try replica.update(added[0].idString) { $0.title = "Satu, diubah lagi" }
        let kept = try #require(try replica.fileOrigin(of: file(added[0])))
        #expect(kept.article?.title == "Satu", "the version the file holds, not a later one")
        #expect(kept.article?.contentHash == kept.contentHash)
        #expect(try replica.fileOrigin(of: file(added[1]))?.article == nil, "no copy of an article that did not change")

        try replica.update(try #require(fromFile).idString) { $0.title = "Dari berkas, diubah" }
        #expect(try replica.fileOrigin(of: source)?.article == nil, "no copy for a file add read")
        #expect(try replica.fileOrigin(of: file(try #require(fromFile)))?.article?.title == "Dari berkas")
    }

    @Test func aSecondExportReplacesTheFilesOfTheFirst() throws {
        defer { cleanUp() }
        let article = try replica.add([sample("Lama")])[0]
        _ = try ArticleExport.write(replica, to: target)
        try replica.update(article.idString) { $0.title = "Baru" }

        _ = try ArticleExport.write(replica, to: target)

        let text = try String(contentsOfFile: target + "/" + article.idString + ".txt", encoding: .utf8)
        #expect(text.contains("Baru") && !text.contains("Lama"))
        #expect(try files() == [article.idString + ".txt"])

        // A file that holds the text already is not written again.
        let path = target + "/" + article.idString + ".txt"
        let earlier = Date(timeIntervalSince1970: 1_000_000_000)
        try FileManager.default.setAttributes([.modificationDate: earlier], ofItemAtPath: path)
        #expect(try ArticleExport.write(replica, to: target).exported == 1)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date == earlier)
    }

    /// Before, a second export replaced every file, and text edited in an exported file (to be
    /// saved with `edit --file`) was lost without a word.
    @Test func aFileEditedSinceTheExportIsKeptAndStaysNoted() throws {
        defer { cleanUp() }
        let added = try replica.add([sample("Satu"), sample("Dua"), sample("Tiga")])
        _ = try ArticleExport.write(replica, to: target)
        let path = { (article: Article) in self.target + "/" + article.idString + ".txt" }
        let edited = try String(contentsOfFile: path(added[0]), encoding: .utf8).replacingOccurrences(of: "Satu", with: "Satu, disunting")
        try edited.write(toFile: path(added[0]), atomically: true, encoding: .utf8)
        try "not an article any more".write(toFile: path(added[1]), atomically: true, encoding: .utf8)
        for article in added { try replica.update(article.idString) { $0.tags = ["baru"] } }

        for _ in 1...2 {
            let outcome = try ArticleExport.write(replica, to: target)

            #expect(outcome.exported == 1)
            #expect(outcome.kept.map(\.path) == [added[0], added[1]].sorted { $0.idString < $1.idString }.map(path))
            #expect(outcome.kept.map(\.changedSinceWritten) == [true, true])
            #expect(try String(contentsOfFile: path(added[0]), encoding: .utf8) == edited)
            #expect(try String(contentsOfFile: path(added[2]), encoding: .utf8).contains("baru"), "the unedited file is replaced")
            // So `edit --file` still knows the kept file was written before the article changed.
            #expect(try replica.fileOrigin(of: path(added[0]))?.contentHash == added[0].contentHash)
        }
    }

    /// A file the replica has no note of writing (another replica's export, say) is replaced only
    /// when it already holds the article's text.
    @Test func aFileNotWrittenByThisReplicaIsKeptUnlessItHoldsTheArticle() throws {
        defer { cleanUp() }
        let added = try replica.add([sample("Satu"), sample("Dua")])
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        let foreign = target + "/" + added[0].idString + ".txt"
        try ArticleText.print(sample("Lain")).write(toFile: foreign, atomically: true, encoding: .utf8)
        let same = target + "/" + added[1].idString + ".txt"
        try ArticleText.print(added[1]).write(toFile: same, atomically: true, encoding: .utf8)

        let outcome = try ArticleExport.write(replica, to: target)

        #expect(outcome.exported == 1)
        #expect(outcome.kept.map(\.path) == [foreign])
        #expect(outcome.kept.map(\.changedSinceWritten) == [false])
        #expect(try String(contentsOfFile: foreign, encoding: .utf8).contains("Lain"))
        #expect(try replica.fileOrigin(of: foreign) == nil)
        #expect(try replica.fileOrigin(of: same)?.articleID == added[1].idString)
    }

    /// A file that cannot be put in place stops the export with its name, and leaves no temporary
    /// file behind.
    @Test func aFileThatCannotBeReplacedIsNamedInTheError() throws {
        defer { cleanUp() }
        let article = try replica.add([sample()])[0]
        let blocker = target + "/" + article.idString + ".txt"
        try FileManager.default.createDirectory(atPath: blocker + "/inside", withIntermediateDirectories: true)

        let error = try #require(throws: ReplicaError.self) { try ArticleExport.write(replica, to: target) }

        #expect(error.description.contains(blocker), "\(error)")
        #expect(try files() == [article.idString + ".txt"], "the blocking directory, and no temporary file")
    }

    @Test func aTargetThatIsAFileIsRefused() throws {
        defer { cleanUp() }
        try replica.add([sample()])
        #expect(FileManager.default.createFile(atPath: target, contents: Data("not a directory".utf8)))

        let error = try #require(throws: ReplicaError.self) { try ArticleExport.write(replica, to: target) }

        #expect(error.description.contains("\(target) is a file, not a directory"), "\(error)")
    }
}
