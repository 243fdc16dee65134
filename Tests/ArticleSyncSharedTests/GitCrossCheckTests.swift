import ArticleSyncShared
import Foundation
import Testing

/// Our body merge against the real `git merge-file`, on random concurrent edits of the seed article.
@Suite struct GitCrossCheckTests {
    static let gitAvailable: Bool = (try? runGit(["--version"]).status) == 0

    struct GitMerge {
        var output: String
        var conflicts: Int32
    }

    static func runGit(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// `git merge-file -p mine base theirs`; files end in a newline so the last line is a line.
    static func gitMerge(base: String, mine: String, theirs: String, in directory: URL) throws -> GitMerge {
        let files = ["mine", "base", "theirs"].map { directory.appendingPathComponent($0) }
        for (file, text) in zip(files, [mine, base, theirs]) {
            try Data((text + "\n").utf8).write(to: file)
        }
        let result = try runGit(["merge-file", "-p", "-L", "mine", "-L", "base", "-L", "theirs"] + files.map(\.path))
        return GitMerge(output: result.output, conflicts: result.status)
    }

    /// One side respells a word in another Unicode form (é as e + U+0301), the other edits another
    /// line. Git compares bytes, so it keeps the respelling; String's `==` calls the two forms equal,
    /// and the merge once kept the old bytes (found by TextMergeFuzzer). Bytes are compared here too.
    @Test(.enabled(if: gitAvailable, "git is not installed"))
    func respellingInAnotherUnicodeFormIsKeptAsGitKeepsIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crosscheck-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let base = "Kopi di kafe caf\u{E9}.\n\nHarga naik.\n\nAntre panjang."
        let respelled = "Kopi di kafe cafe\u{301}.\n\nHarga naik.\n\nAntre panjang."
        let edited = "Kopi di kafe caf\u{E9}.\n\nHarga naik.\n\nAntre pendek."
        #expect(base == respelled, "the two spellings are canonically equivalent, which is the point")
        for (mine, theirs) in [(respelled, edited), (edited, respelled), (respelled, base), (base, respelled)] {
            let git = try Self.gitMerge(base: base, mine: mine, theirs: theirs, in: directory)
            let ours = TextMerge.merge(base: base, mine: mine, theirs: theirs)
            #expect(git.conflicts == 0 && ours.isClean)
            #expect(Array((ours.text + "\n").utf8) == Array(git.output.utf8), "\(Array(ours.text.utf8)) against \(Array(git.output.utf8))")
        }
        // Word by word inside one line, where git would conflict: the respelling and the other
        // side's edit to another word both survive, byte for byte.
        let line = TextMerge.merge(base: "kopi caf\u{E9} enak", mine: "kopi cafe\u{301} enak", theirs: "kopi caf\u{E9} mahal")
        #expect(line.isClean && Array(line.text.utf8) == Array("kopi cafe\u{301} mahal".utf8))
    }

    @Test(.enabled(if: gitAvailable, "git is not installed"))
    func cleanGitMergesAreReproducedByteForByte() throws {
        let base = try ArticleText.parse(Array(ArticleFactory.seedText.utf8), file: "seed").body
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crosscheck-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        // CI runs 400; `CROSSCHECK_CASES=20000 swift test --filter GitCrossCheckTests` runs a long check.
        let cases = ProcessInfo.processInfo.environment["CROSSCHECK_CASES"].flatMap(Int.init) ?? 400
        var gitClean = 0, gitConflicted = 0, mergedWhereGitConflicted = 0, wordPassUsed = 0
        for seed in 0..<UInt64(cases) {
            var mineEditor = BodyEditor(seed: seed * 2 + 1)
            var theirsEditor = BodyEditor(seed: seed * 2 + 2)
            let mine = mineEditor.edit(base), theirs = theirsEditor.edit(base)
            let git = try Self.gitMerge(base: base, mine: mine, theirs: theirs, in: directory)
            let ours = TextMerge.merge(base: base, mine: mine, theirs: theirs)
            if ours.mergedByWords > 0 { wordPassUsed += 1 }
            if git.conflicts == 0 {
                gitClean += 1
                #expect(ours.isClean, "seed \(seed): git merged cleanly, we did not")
                #expect(Array((ours.text + "\n").utf8) == Array(git.output.utf8), "seed \(seed): clean results differ")
            } else {
                gitConflicted += 1
                if ours.isClean { mergedWhereGitConflicted += 1 }
            }
        }
        print("git cross-check: \(cases) random concurrent edits of the seed body; git clean in \(gitClean) (ours identical), "
              + "git conflicted in \(gitConflicted), of which our word pass merged \(mergedWhereGitConflicted) cleanly")
        #expect(gitClean > cases / 4, "the generator should produce plenty of clean merges")
        #expect(gitConflicted > 0, "the generator should produce some overlapping edits")
    }
}
