import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared
import Foundation

extension ArticleSyncCommand {
    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "edit",
            abstract: "Edit an article in $EDITOR (plain-text format); saving an unchanged file changes nothing.",
            discussion: """
                If the article changes while the editor is open (a `sync --watch`, another command), your edit is merged \
                with that change as a sync merges; where the two overlap the editor opens again with both versions marked. \
                Text that cannot be saved is kept in the replica's .articlesync/unsaved/ for --file; so is text that no longer \
                ends with the article's closing {source | tags: …} tag (end it with {} to clear them).
                """)

        @OptionGroup var options: ReplicaOptions
        @Argument(help: "The article id or a unique prefix of it.") var id: String
        @Option(help: ArgumentHelp("Save the article in FILE instead of opening $EDITOR (text kept from an edit that could not be saved, say).",
                                   valueName: "FILE"))
        var file: String?

        func run() async throws {
            let replica = try options.open()
            let fullID = try replica.resolveID(id)
            guard var opened = try replica.article(fullID) else { throw ReplicaError("there is no article \(fullID)") }
            let short = String(fullID.prefix(8))
            // The article text cannot say "deleted", so saving it, even unchanged, brought the
            // article back without a word.
            guard !opened.isDeleted else {
                throw ReplicaError("article \(short) is deleted; `articlesync restore \(short)` brings it back, then edit it")
            }
            var text: String
            if let file {
                guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file): no such file, or it is not readable") }
                text = String(decoding: data, as: UTF8.self)
            } else {
                text = try TextEditor.edit(ArticleText.print(opened), fileName: "\(short).txt")
            }
            // Each round that meets an overlapping change shows it in the editor; a person settles it.
            for _ in 0..<10 {
                let outcome: EditOutcome
                do {
                    let parsed = try TextEditor.parseArticle(Array(text.utf8), file: "edited article", id: opened.id, replacing: [opened])
                    outcome = try replica.saveEdit(fullID, from: opened, to: parsed)
                } catch {
                    throw ReplicaError("\(error); nothing was saved. \(try keep(text, short))")
                }
                switch outcome {
                case .unchanged:
                    print("no changes")
                    return
                case .saved(_, let merged):
                    print("saved \(short)\(merged ? ", merged with the changes made to it while you edited" : ""); `articlesync sync` sends it")
                    return
                case .overlapping(let current, let conflicted):
                    opened = current
                    guard file == nil else {
                        throw ReplicaError("article \(short) changed since it was read, and the change overlaps yours; nothing was saved. "
                            + "\(try keep(conflicted, short)) It holds both versions where they differ.")
                    }
                    printError("article \(short) changed while you edited it (a sync, or another command), where you edited it too: "
                        + "the editor opens again with both versions marked (<<<<<<< mine: yours, >>>>>>> theirs: the new one); keep one of each")
                    text = try TextEditor.edit(conflicted, fileName: "\(short).txt")
                }
            }
            throw ReplicaError("article \(short) kept changing while you edited it; nothing was saved. \(try keep(text, short))")
        }

        func keep(_ text: String, _ short: String) throws -> String {
            try TextEditor.keep(text, as: "\(short).txt", in: options.replicaDirectory, rerun: "articlesync edit \(short) --file")
        }
    }
}

/// Runs `$EDITOR` (then `$VISUAL`, then `vi`) on a temporary file and returns what was saved.
enum TextEditor {
    /// Writes text a person wrote that could not be saved to the replica's `.articlesync/unsaved/`,
    /// and returns the sentence that says where, and which command (`rerun` + the path) saves it.
    static func keep(_ text: String, as name: String, in replica: ReplicaDirectory, rerun: String) throws -> String {
        let directory = replica.metadataPath + "/unsaved"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = directory + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return "Your text is kept in \(path): fix it and run `\(rerun) \(path)`."
    }

    /// Reads an article a person edited (`edit`, `resolve`) in place of `replacing`; conflict blocks
    /// left in it are refused, and so is text that lost the closing tag those articles had.
    static func parseArticle(_ bytes: [UInt8], file: String, id: UUID, replacing: [Article]) throws -> Article {
        if TextMerge.containsMarkers(String(decoding: bytes, as: UTF8.self)) {
            throw ReplicaError("\(file) still holds conflict markers (<<<<<<<, |||||||, =======, >>>>>>>); settle every block and try again")
        }
        let parsed = try ArticleText.parseNotingClosingTag(bytes, file: file, id: id)
        // A paragraph added below the `{viva}` that ends the last line turns the tag into body
        // text; saved as it is, that clears the source and tags on every replica without a word.
        if !parsed.hasClosingTag, let tagged = replacing.first(where: { $0.source != "" || !$0.tags.isEmpty || $0.publishedAt != nil }) {
            throw ReplicaError("\(file) does not end with a closing tag (it was \(ArticleText.closingTag(tagged))), so saving it would clear "
                + "the article's source, tags and publication time; put the tag at the end of the last line (text written after it "
                + "goes before it), or end the text with {} to clear them")
        }
        return parsed.article
    }

    static func edit(_ text: String, fileName: String) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let editor = environment["EDITOR"] ?? environment["VISUAL"] ?? "vi"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("articlesync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent(fileName)
        try Data(text.utf8).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // Through the shell, so EDITOR may carry arguments ("code --wait").
        process.arguments = ["-c", "\(editor) \"$1\"", "editor", file.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ReplicaError("the editor (\(editor)) exited with status \(process.terminationStatus); nothing was saved")
        }
        guard let data = FileManager.default.contents(atPath: file.path) else { throw ReplicaError("the edited file is gone; nothing was saved") }
        return String(decoding: data, as: UTF8.self)
    }
}
