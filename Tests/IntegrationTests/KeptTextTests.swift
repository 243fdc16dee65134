import ArticleSyncStress
import Foundation
import Testing

/// Text a person wrote that `edit` could not save: kept in `.articlesync/unsaved/`, named by the
/// error and by `status`, never written over, until `edit --file` saves it.
@Suite(.timeLimit(.minutes(5))) struct KeptTextTests {
    @Test func textThatCannotBeSavedIsKeptForEditFile() throws {
        let setup = try EditSessionTests.Setup()
        let emptying = try setup.editor("empty.sh", ": > \"$1\"")
        let refused = try setup.edit(with: emptying)
        #expect(refused.status == 1)
        let kept = setup.kept
        #expect(refused.stderr.contains("nothing was saved. Your text is kept in \(kept)"), "\(refused.stderr)")
        #expect(FileManager.default.fileExists(atPath: kept))

        let fixed = try setup.workspace.write("fixed.txt", "News\n\nJudul dari berkas\n\nIsi yang diperbaiki. {viva}")
        #expect(try setup.replica.ok(["edit", setup.id, "--file", fixed]).contains("saved \(setup.id)"))
        #expect(try setup.article.title == "Judul dari berkas")
    }

    /// A path with a space in the commands the messages suggest is quoted, so that they can be
    /// pasted: before, "`articlesync edit 3f2a --file my articles/.articlesync/unsaved/3f2a.txt`".
    @Test func pathsInSuggestedCommandsAreQuotedForTheShell() throws {
        let workspace = try Workspace()
        let spaced = workspace.root + "/my articles"
        let initialized = try runProgram(Products.client, ["init", spaced, "--server", workspace.server.address, "--token",
                                                           try workspace.server.makeToken(access: "write"), "--fingerprint", workspace.server.fingerprint])
        #expect(initialized.stdout.contains("next: articlesync -C '\(spaced)' sync"), "\(initialized.stdout)")
        let replica = ReplicaCLI(path: spaced)
        try replica.ok(["add", workspace.seedFiles[0]])
        let id = String(try replica.list()[0].id.prefix(8))
        let refused = try replica.run(["edit", id], environment: ["EDITOR": "sh -c ': > \"$1\"' editor"])
        let kept = "'\(spaced)/.articlesync/unsaved/\(id).txt'"
        #expect(refused.stderr.contains("run `\(replica.program) edit \(id) --file \(kept)`"), "\(refused.stderr)")
        #expect(try replica.ok(["status"]).contains("`\(replica.program) edit \(id) --file \(kept)` saves it"))
    }

    /// Before, a second edit of an article that could not be saved wrote over the text the first
    /// one kept: the first text was lost.
    @Test func aSecondTextKeptForOneArticleDoesNotReplaceTheFirst() throws {
        let setup = try EditSessionTests.Setup()
        let breaking = try setup.editor("break.sh", #"printf '%s\n' "$MARK" > "$1""#)
        func edit(_ mark: String) throws -> CommandResult {
            try setup.replica.run(["edit", setup.id], environment: ["EDITOR": breaking, "MARK": mark])
        }
        let first = try edit("kerja panjang pertama")
        #expect(first.status == 1 && first.stderr.contains("Your text is kept in \(setup.kept)"), "\(first.stderr)")

        let second = try edit("kedua")
        let secondKept = setup.replica.path + "/.articlesync/unsaved/\(setup.id).2.txt"
        #expect(second.status == 1)
        #expect(second.stderr.hasPrefix("note: text kept from an earlier edit waits in \(setup.kept); `\(setup.replica.program) edit \(setup.id) --file \(setup.kept)` saves it"),
                "\(second.stderr)")
        #expect(second.stderr.contains("Your text is kept in \(secondKept)"), "\(second.stderr)")
        #expect(try String(contentsOfFile: setup.kept, encoding: .utf8) == "kerja panjang pertama\n")
        #expect(try String(contentsOfFile: secondKept, encoding: .utf8) == "kedua\n")
        let status = try setup.replica.ok(["status"])
        #expect(status.contains("2 text(s) kept") && status.contains("`\(setup.replica.program) edit \(setup.id) --file \(secondKept)` saves it"), "\(status)")
        let firstListed = try #require(status.range(of: "\(setup.kept)  `")), secondListed = try #require(status.range(of: "\(secondKept)  `"))
        #expect(firstListed.lowerBound < secondListed.lowerBound, "in the order they were kept: \(status)")

        // Saving a kept text that is still refused keeps it where it is, not under a third name.
        #expect(try setup.replica.run(["edit", setup.id, "--file", secondKept]).stderr.contains("Your text is kept in \(secondKept)"))
        let waiting = try FileManager.default.contentsOfDirectory(atPath: setup.replica.path + "/.articlesync/unsaved").sorted()
        #expect(waiting == ["\(setup.id).2.txt", "\(setup.id).txt"])
    }
}
