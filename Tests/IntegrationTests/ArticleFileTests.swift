import ArticleSyncClient
import ArticleSyncShared
import ArticleSyncStress
import Foundation
import Testing

/// Articles as files, through the real `articlesync` CLI against a real server: `add` imports
/// files and folders (and notices files it added before), `export` writes them (and keeps files
/// edited since), `edit --file` and `resolve --file` save them (and refuse another article's).
@Suite(.timeLimit(.minutes(5))) struct ArticleFileTests {
    /// `add DIR` imports the .txt files directly in DIR, in name order: what `export` wrote, or a
    /// folder of thousands of articles that would not fit on a command line. Its subdirectories are
    /// not read, and it says so (before, a folder of folders was "a directory with no .txt files"), as
    /// it does of a link to a file that is gone (before, skipped without a word).
    @Test func aDirectoryImportsItsTextFiles() throws {
        let workspace = try Workspace()
        let token = try workspace.server.makeToken(access: "write")
        let source = try workspace.replica("source", token: token)
        try source.ok(["add"] + workspace.seedFiles)
        let folder = workspace.root + "/folder"
        _ = try source.ok(["export", folder])
        // Not articles: another extension, a hidden file, a directory named like an article, a link to a file that is gone.
        try Data("not an article".utf8).write(to: URL(fileURLWithPath: folder + "/README.md"))
        try Data("not an article".utf8).write(to: URL(fileURLWithPath: folder + "/.draft.txt"))
        try FileManager.default.createDirectory(atPath: folder + "/old.txt", withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: folder + "/moved.txt", withDestinationPath: workspace.root + "/nowhere.txt")

        let target = try workspace.replica("target", token: token)
        let imported = try target.run(["add", folder])
        #expect(imported.status == 0, "\(imported.stderr)")
        let printed = imported.stdout.split(separator: "\n")
        #expect(printed.count == workspace.seedFiles.count)
        #expect(imported.stderr.contains("note: importing the .txt files directly in \(folder); its 1 subdirectory is not read"), "\(imported.stderr)")
        #expect(imported.stderr.contains("note: skipping \(folder)/moved.txt: a symbolic link to a file that does not exist"), "\(imported.stderr)")
        #expect(try target.list().map(\.title).sorted() == (try source.list().map(\.title).sorted()))

        // The plain list: short id, * for not yet synced, category, tab, title; deleted ones only with --all.
        let listed = try target.list()
        let lines = try target.ok(["list"]).split(separator: "\n").map(String.init)
        #expect(lines.count == listed.count)
        for article in listed {
            #expect(lines.contains { $0.hasPrefix("\(article.id.prefix(8)) * ") && $0.hasSuffix("\t\(article.title)") }, "\(lines)")
        }
        _ = try target.ok(["delete", String(listed[0].id.prefix(8))])
        #expect(try target.ok(["list"]).split(separator: "\n").count == listed.count - 1)
        #expect(try target.ok(["list", "--all"]).contains("\t\(listed[0].title) (deleted)"))

        let empty = workspace.root + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
        let refused = try target.run(["add", empty])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("no .txt files"), "\(refused.stderr)")
        #expect(try target.list().count == workspace.seedFiles.count, "the refused import added nothing")

        // A folder of folders (an archive by year): refused, naming the command that reads them.
        let archive = workspace.root + "/archive"
        try FileManager.default.createDirectory(atPath: archive + "/2020", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: workspace.seedFiles[0], toPath: archive + "/2020/a.txt")
        let nested = try target.run(["add", archive])
        #expect(nested.status == 64)
        #expect(nested.stderr.contains("\(archive) is a directory with no .txt files directly in it (its 1 subdirectory is not read; "
            + "`find \(archive) -name '*.txt' | articlesync add --files-from -` imports the .txt files in them too); nothing to import"),
            "\(nested.stderr)")
        #expect(try target.list().count == workspace.seedFiles.count)
    }

    /// `add --files-from` imports what a list names (files and directories, one per line, from a
    /// file or from standard input), for more files than a command line parses quickly.
    @Test func aFileListImportsTheFilesItNames() throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        let seeds = workspace.seedFiles
        let folder = workspace.root + "/folder"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: seeds[0], toPath: folder + "/copy.txt")
        let list = try workspace.write("list.txt", seeds[1] + "\r\n\n" + folder + "\n")

        #expect(try replica.ok(["add", "--files-from", list]).split(separator: "\n").count == 2)
        #expect(try replica.ok(["add", seeds[2], "--files-from", "-"], input: seeds[0] + "\n").split(separator: "\n").count == 2,
                "arguments and a list together")
        #expect(try replica.list().count == 4)

        let missing = try replica.run(["add", "--files-from", workspace.root + "/no-such-list"])
        #expect(missing.status != 0 && missing.stderr.contains("cannot read the file list"), "\(missing.stderr)")
        let empty = try replica.run(["add", "--files-from", "-"], input: "\n")
        #expect(empty.status != 0 && empty.stderr.contains("names no files"), "\(empty.stderr)")
        let nothing = try replica.run(["add"])
        #expect(nothing.status != 0 && nothing.stderr.contains("--files-from"), "\(nothing.stderr)")
        let bad = try replica.run(["add", "--files-from", "-"], input: seeds[3] + "\n" + workspace.root + "/no-such-article.txt\n")
        #expect(bad.status != 0 && bad.stderr.contains("cannot read \(workspace.root)/no-such-article.txt"), "\(bad.stderr)")
        #expect(bad.stderr.contains("none of the 2 files was imported"), "\(bad.stderr)")
        #expect(try replica.list().count == 4, "the refused imports added nothing")

        // `find -print0`: before, only the first name was read (C cut the line at its NUL).
        let oddName = folder + "/two\nlines.txt"
        try FileManager.default.copyItem(atPath: seeds[4], toPath: oddName)
        let nulSeparated = try replica.ok(["add", "--files-from", "-"], input: seeds[3] + "\0" + oddName + "\0")
        #expect(nulSeparated.split(separator: "\n").count == 2, "\(nulSeparated)")
        #expect(try replica.list().count == 6)
        // A list in a pipe (`--files-from <(find …)`); before, "cannot read the file list".
        let fresh = try workspace.write("fresh.txt", "News\n\nJudul dari daftar dalam pipa\n\nIsi.\n")
        let piped = try runProgram("/bin/sh", ["-c", #"printf '%s\n' "$1" | "$2" -C "$3" add --files-from /dev/stdin"#, "sh",
                                               fresh, Products.client, replica.path])
        #expect(piped.status == 0 && piped.stdout.split(separator: "\n").count == 1, "\(piped.stdout)\(piped.stderr)")
    }

    /// Before, `add a` (any one-character file name) crashed in Foundation's
    /// deletingLastPathComponent; `add -` crashed the same way instead of reading standard input;
    /// and a pipe (`<(…)`, /dev/stdin) was "not readable".
    @Test func oneLetterNamesStandardInputAndPipesAreAdded() throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        let folder = workspace.root + "/drafts"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: workspace.seedFiles[0], toPath: folder + "/a")
        let article = { (title: String) in "News\n\n\(title)\n\nIsi artikel.\n" }
        // In the folder, so that the file's name is the one letter: $1 is the folder, $2 articlesync,
        // $3 the replica, $4 on whatever else the script needs.
        func shell(_ script: String, _ more: [String] = [], input: String? = nil) throws -> CommandResult {
            try runProgram("/bin/sh", ["-c", "cd \"$1\" && " + script, "sh", folder, Products.client, replica.path] + more, input: input, timeout: 60)
        }

        let added = try shell(#""$2" -C "$3" add a -"#, input: article("Dari masukan standar"))
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.split(separator: "\n").count == 2, "\(added.stdout)")
        // Each text a pipe brings is a new article, not "the same file, changed since".
        for title in ["Dari pipa satu", "Dari pipa dua"] {
            let piped = try shell(#"printf '%s' "$4" | "$2" -C "$3" add /dev/stdin"#, [article(title)])
            #expect(piped.status == 0 && piped.stdout.hasSuffix("\t\(title)\n"), "\(piped.stdout)\(piped.stderr)")
        }
        #expect(try replica.list().count == 4)
        #expect(try shell(#""$2" -C "$3" add a"#).stderr.contains("skipped 1 file(s) this replica added before"))
        let twice = try shell(#""$2" -C "$3" add - --files-from -"#, input: "a\n")
        #expect(twice.status == 64 && twice.stderr.contains("standard input can be read once"), "\(twice.stderr)")
    }

    /// A file that cannot be read is named with the system's reason. Before, a directory named by
    /// mistake was "no such file, or it is not readable" for `edit --file`, and plain "cannot read"
    /// for `set --body-file` and `resolve --file`.
    @Test func anUnreadableFileIsNamedWithWhy() throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        try replica.ok(["add", workspace.seedFiles[0]])
        let id = String(try replica.list()[0].id.prefix(8))
        let folder = workspace.root + "/a-folder"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for arguments in [["edit", id, "--file", folder], ["set", id, "--body-file", folder], ["add", "--files-from", folder]] {
            let refused = try replica.run(arguments)
            #expect(refused.status != 0 && refused.stderr.contains("\(folder): Is a directory"), "\(arguments): \(refused.stderr)")
        }
        let missing = try replica.run(["set", id, "--body-file", workspace.root + "/no-such-body.txt"])
        #expect(missing.stderr.contains("cannot read \(workspace.root)/no-such-body.txt: No such file or directory"), "\(missing.stderr)")
    }

    /// `set --body-file` with a whole article's file, a slip for `edit --file`: before, the category
    /// and title lines went into the body, and the closing `{viva}` tag became body text (shown by
    /// hand: the body then began "News\n\nJudul…" and `show` ended "{viva} {viva}").
    @Test func aWholeArticleIsNotTakenForABody() throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        try replica.ok(["add", workspace.seedFiles[0]])
        let id = String(try replica.list()[0].id.prefix(8))
        let before = try replica.ok(["show", id])
        let exported = workspace.root + "/exported"
        try replica.ok(["export", exported])
        let exportedFile = exported + "/\(try replica.list()[0].id).txt"
        let shown = try workspace.write("shown.txt", before)
        for (file, input) in [(exportedFile, nil), (shown, nil), ("-", before)] as [(String, String?)] {
            let refused = try replica.run(["set", id, "--body-file", file], input: input)
            #expect(refused.status == 1, "\(file): \(refused.stderr)")
            #expect(refused.stderr.contains("holds a whole article (category, title, body and closing tag), not a body"), "\(refused.stderr)")
            #expect(refused.stderr.contains("`\(replica.program) edit \(id) --file \(file == "-" ? "-" : file)` saves an article file"), "\(refused.stderr)")
        }
        #expect(try replica.ok(["show", id]) == before, "nothing was saved")

        // A body, even one that names the category first, is still a body.
        let body = try workspace.write("body.txt", "News\n\nBadan baru yang dimulai dengan nama kategori.\n")
        try replica.ok(["set", id, "--body-file", body])
        #expect(try replica.ok(["show", id]).contains("\n\nNews\n\nBadan baru yang dimulai dengan nama kategori."))
    }

    /// `edit --file -`, `set --body-file -`, `resolve --file -` and `--token-file -` read standard
    /// input, and a pipe (/dev/stdin here, `<(…)` in bash) is read where a file is named: before,
    /// `--token-file <(pass show articlesync)` was "cannot read the token file /dev/fd/63".
    @Test func standardInputAndPipesServeWhereAFileIsNamed() throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        try replica.ok(["add", workspace.seedFiles[0]])
        let id = String(try replica.list()[0].id.prefix(8))
        let edited = try replica.ok(["show", id]).replacingOccurrences(of: "Pertempuran", with: "Pertempuran sengit")
        #expect(try replica.ok(["edit", id, "--file", "-"], input: edited).hasPrefix("saved \(id)"))
        #expect(try replica.ok(["show", id]).contains("Pertempuran sengit"))
        try replica.ok(["set", id, "--body-file", "-"], input: "Badan baru.\n")
        #expect(try replica.ok(["show", id]).contains("\n\nBadan baru."))
        let broken = try replica.run(["edit", id, "--file", "-"], input: "News\n")
        #expect(broken.status == 1 && broken.stderr.hasPrefix("Error: standard input:"), "\(broken.stderr)")

        let token = try workspace.server.makeToken(access: "write")
        let piped = try runProgram("/bin/sh", ["-c", #"printf '%s' "$1" | "$2" init "$3" --server "$4" --fingerprint "$5" --token-file /dev/stdin"#, "sh",
                                               token, Products.client, workspace.root + "/piped", workspace.server.address, workspace.server.fingerprint])
        #expect(piped.status == 0, "\(piped.stderr)")
        let fromInput = try runProgram(Products.client, ["init", workspace.root + "/input", "--server", workspace.server.address,
                                                         "--fingerprint", workspace.server.fingerprint, "--token-file", "-"], input: token + "\n")
        #expect(fromInput.status == 0, "\(fromInput.stderr)")
        for name in ["piped", "input"] {
            let other = ReplicaCLI(path: workspace.root + "/" + name)
            try replica.ok(["sync"])
            try other.ok(["sync"])
            #expect(try other.list().map(\.id) == replica.list().map(\.id), "\(name): the token read works")
        }
    }

    /// Exported files edited and added back became copies under new ids, beside the articles they
    /// came from. Now `add` refuses them and names the command that changes an article from its file.
    @Test func exportedFilesAreNotAddedBackAsCopiesUnasked() throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        try replica.ok(["add", workspace.seedFiles[0], workspace.seedFiles[1]])
        let exported = workspace.root + "/exported"
        try replica.ok(["export", exported])
        let id = try replica.list()[0].id
        let file = exported + "/\(id).txt"
        try Self.insertFirstParagraph(into: file)

        let refused = try replica.run(["add", exported])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("2 of the files are this replica's own articles"), "\(refused.stderr)")
        #expect(refused.stderr.contains("\(replica.program) edit"), "\(refused.stderr)")
        #expect(try replica.list().count == 2, "nothing was imported")

        let title = try replica.list()[0].title
        try replica.ok(["edit", String(id.prefix(8)), "--file", file])
        #expect(try replica.ok(["show", String(id.prefix(8))]).contains("\(title)\n\nParagraf baru dari berkas.\n\n"))
        #expect(try replica.ok(["add", "--as-new", exported]).split(separator: "\n").count == 2)
        #expect(try replica.list().count == 4)
    }

    /// Before, `add DIR` run again after new files were put in DIR added every earlier file a second
    /// time, as copies under new ids (and `add DIR DIR/a.txt` added a.txt twice). Now files added
    /// before are skipped while unchanged, a changed one is refused naming `edit --file`, and
    /// --as-new still makes copies.
    @Test func addingTheSameFilesAgainImportsOnlyWhatIsNew() throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        let folder = workspace.root + "/incoming"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (index, name) in ["a.txt", "b.txt"].enumerated() { try FileManager.default.copyItem(atPath: workspace.seedFiles[index], toPath: folder + "/" + name) }
        // `add` prints "id<TAB>title" for each new article, in file name order.
        func shortIDs(_ printed: String) -> [String] { printed.split(separator: "\n").map { String($0.prefix(8)) } }
        let first = shortIDs(try replica.ok(["add", folder, folder + "/a.txt"]))
        #expect(first.count == 2)

        try FileManager.default.copyItem(atPath: workspace.seedFiles[2], toPath: folder + "/c.txt")
        let again = try replica.run(["add", folder])
        #expect(again.status == 0 && shortIDs(again.stdout).count == 1, "\(again.stdout)")
        #expect(again.stderr.contains("skipped 2 file(s) this replica added before and that have not changed since"), "\(again.stderr)")
        #expect(try replica.list().count == 3)
        let nothing = try replica.run(["add", folder])
        #expect(nothing.status == 0 && nothing.stdout.isEmpty && nothing.stderr.contains("nothing new to add"), "\(nothing.stderr)")

        let fileA = folder + "/a.txt", id = first[0]
        try Self.insertFirstParagraph(into: fileA)
        let refused = try replica.run(["add", folder])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("\(fileA) was added to this replica before (or written from it) as article \(id)"), "\(refused.stderr)")
        #expect(refused.stderr.contains("`\(replica.program) edit \(id) --file \(fileA)` saves its changes"), "\(refused.stderr)")
        #expect(try replica.list().count == 3, "nothing was imported")

        #expect(try replica.ok(["edit", id, "--file", fileA]).contains("saved \(id)"))
        #expect(try replica.run(["add", folder]).stderr.contains("skipped 3 file(s)"))
        let copies = shortIDs(try replica.ok(["add", "--as-new", folder]))
        #expect(copies.count == 3)
        #expect(try replica.list().count == 6)

        // The file of an article deleted since is added again as a new one, as before. c.txt's
        // origin is now its copy.
        try replica.ok(["delete", copies[2]])
        #expect(try shortIDs(replica.ok(["add", folder + "/c.txt"])).count == 1)
    }

    /// A new first paragraph, after the category and the title, as a person adds one in the file.
    static func insertFirstParagraph(into file: String) throws {
        var blocks = try String(contentsOfFile: file, encoding: .utf8).components(separatedBy: "\n\n")
        blocks.insert("Paragraf baru dari berkas.", at: 2)
        try blocks.joined(separator: "\n\n").write(toFile: file, atomically: true, encoding: .utf8)
    }

    /// Before, a second export replaced every file: an edit made in an exported file, not yet saved
    /// with `edit --file`, was lost without a word, and the command exited 0.
    @Test func exportKeepsAFileEditedSinceItWasWrittenAndSaysHowToSaveIt() throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        try replica.ok(["add", workspace.seedFiles[0], workspace.seedFiles[1]])
        let exported = workspace.root + "/exported"
        try replica.ok(["export", exported])
        let id = String(try replica.list()[0].id)
        let file = exported + "/\(id).txt"
        try Self.insertFirstParagraph(into: file)

        let again = try replica.run(["export", exported])

        #expect(again.status == 1)
        #expect(again.stdout == "exported 1 articles to \(exported)\n")
        #expect(again.stderr.contains("kept 1 file(s) that hold changes this replica does not have"), "\(again.stderr)")
        #expect(again.stderr.contains("\(file): edited since this replica wrote it; `\(replica.program) edit \(id.prefix(8)) --file \(file)` saves it"),
                "\(again.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("Paragraf baru dari berkas."))

        try replica.ok(["edit", String(id.prefix(8)), "--file", file])
        #expect(try replica.ok(["export", exported]) == "exported 2 articles to \(exported)\n")
    }

    /// Before, `edit A --file` with B's exported file (a slip of the id or of the file name)
    /// replaced A's whole text with B's without a word; `resolve A --file` did the same.
    @Test func anotherArticlesFileIsRefusedByEditAndResolveUnlessForced() throws {
        let workspace = try Workspace()
        let (a, b, ids) = try workspace.twoReplicasSharing(seeds: 2)
        let (first, second) = (String(ids[0].prefix(8)), String(ids[1].prefix(8)))
        let exported = workspace.root + "/exported"
        try b.ok(["export", exported])
        let secondsFile = exported + "/\(ids[1]).txt"
        let unnoted = workspace.root + "/copied/\(ids[1]).txt"
        try FileManager.default.createDirectory(atPath: workspace.root + "/copied", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: secondsFile, toPath: unnoted)
        let before = try b.ok(["show", first])

        for file in [secondsFile, unnoted] {
            let refused = try b.run(["edit", first, "--file", file])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("\(file) holds article \(second) (\"\(try b.list()[1].title)\"), not \(first)"), "\(refused.stderr)")
            #expect(refused.stderr.contains("`\(b.program) edit \(second) --file \(file)` saves it to its own article"), "\(refused.stderr)")
            #expect(try b.ok(["show", first]) == before)
        }

        try a.ok(["set", first, "--title", "Judul dari A"])
        try b.ok(["set", first, "--title", "Judul dari B"])
        try a.ok(["sync"])
        #expect(try b.run(["sync"]).status == 3, "a conflict on \(first)")
        let refused = try b.run(["resolve", first, "--file", secondsFile])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("holds article \(second)"), "\(refused.stderr)")
        #expect(try b.ok(["conflicts"]).contains(first))
        try b.ok(["resolve", first, "--file", secondsFile, "--force"])
        #expect(try b.ok(["show", first]) == b.ok(["show", second]))
    }
}
