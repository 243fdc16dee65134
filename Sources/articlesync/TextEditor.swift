import ArticleSyncClient
import ArticleSyncShared
import Foundation

/// Runs `$VISUAL` (then `$EDITOR`, then `vi`, as git does) on a temporary file and returns what was saved.
enum TextEditor {
    /// Reads an article a person edited (`edit`, `resolve`) in place of `replacing`; conflict blocks
    /// left in it are refused, and so is text that lost the closing tag those articles had.
    static func parseArticle(_ bytes: [UInt8], file: String, id: UUID, replacing: [Article]) throws -> Article {
        if TextMerge.containsMarkers(String(decoding: bytes, as: UTF8.self)) {
            throw ReplicaError("\(file) still holds conflict markers (<<<<<<<, |||||||, =======, >>>>>>>); settle every block and try again")
        }
        let parsed = try ArticleText.parseNotingClosingTag(bytes, file: file, id: id)
        // A body alone (both top lines deleted, or a body file given to `edit --file`): its first
        // two lines became the category and the title, and that was saved as an edit. Checked
        // before the closing tag, whose message would not say what went wrong.
        if let replaced = replacing.first(where: { article in
            guard parsed.article.category != article.category else { return false }
            let bodyLines = Set(article.body.split(separator: "\n").map(ArticleText.trim))
            return bodyLines.contains(parsed.article.category) && bodyLines.contains(parsed.article.title)
        }) {
            let short = replaced.idString.prefix(8)
            throw ReplicaError("\(file) starts with lines of the article's body where its category and title belong (they were "
                + "\"\(replaced.category)\" and \"\(replaced.title)\"), so two body lines would become the category and the title; "
                + "an article's text begins with its category line and its title line (`articlesync show \(short)` prints it whole), and "
                + "`articlesync set \(short) --body-file FILE` replaces the body alone")
        }
        // A paragraph added below the `{viva}` that ends the last line turns the tag into body
        // text; saved as it is, that clears the source and tags on every replica without a word.
        if !parsed.hasClosingTag, let tagged = replacing.first(where: { $0.source != "" || !$0.tags.isEmpty || $0.publishedAt != nil }) {
            throw ReplicaError("\(file) does not end with a closing tag (it was \(ArticleText.closingTag(tagged))), so saving it would clear "
                + "the article's source, tags and publication time; put the tag at the end of the last line (text written after it "
                + "goes before it), or end the text with {} to clear them")
        }
        // The first line is the category and the next the title: with the category line deleted, the
        // title became the category and the first paragraph the title, and that was saved as an edit.
        if let shifted = replacing.first(where: { parsed.article.category == $0.title && parsed.article.category != $0.category }) {
            throw ReplicaError("\(file) starts with the article's title where its category belongs (it was \"\(shifted.category)\"), "
                + "so the title would become the category and the first paragraph the title; put the category line back above the "
                + "title (`articlesync set ID --category` sets a category on purpose)")
        }
        // Likewise with the title line deleted: the first paragraph became the title.
        if let shifted = replacing.first(where: { article in
            let firstParagraph = article.body.components(separatedBy: "\n\n").first ?? ""
            return parsed.article.title == firstParagraph && parsed.article.title != article.title
        }) {
            throw ReplicaError("\(file) has the article's first paragraph where its title belongs (it was \"\(shifted.title)\"), "
                + "so the first paragraph would become the title; put the title line back below the category (`articlesync set ID --title` "
                + "sets a title on purpose)")
        }
        return parsed.article
    }

    /// The bytes saved in the editor, as they are: an editor set to another encoding (Latin-1, say)
    /// saves bytes that are not UTF-8, which `parseArticle` refuses with their line, where decoding
    /// them here would have turned each into U+FFFD and saved that. When the editor fails after the
    /// text was changed (vim exits 1 when a command in the session failed, say), the text is kept in
    /// `unsaved` rather than lost with the temporary file.
    static func edit(_ text: String, fileName: String, unsaved: UnsavedText) throws -> [UInt8] {
        let environment = ProcessInfo.processInfo.environment
        // VISUAL first, as git and crontab read them: a person with VISUAL="code --wait" and
        // EDITOR=nano means the first where there is a screen. Set but empty counts as unset.
        let chosen = ["VISUAL", "EDITOR"].first { !(environment[$0] ?? "").isEmpty }
        let variable = chosen ?? "EDITOR"
        let editor = chosen.flatMap { environment[$0] } ?? "vi"
        // vi with no terminal (a script, cron, `env -i`) reads its commands from whatever stdin is,
        // or waits on it: git refuses there too ("Terminal is dumb, but EDITOR unset").
        if chosen == nil, (environment["TERM"] ?? "").isEmpty || environment["TERM"] == "dumb" || isatty(STDIN_FILENO) != 1 {
            throw ReplicaError("there is no editor to open: VISUAL and EDITOR are unset, and vi needs a terminal, which this is not; set "
                + "EDITOR (EDITOR=nano, say), or write the article to a file and save it with --file")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("articlesync-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent(fileName)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try Data(text.utf8).write(to: file)
        } catch {
            throw ReplicaError("cannot write the text for the editor to \(file.path) (\(FileFailure.reason(error))): set TMPDIR to a folder "
                + "you may write to; nothing was changed")
        }
        // Through the shell, so EDITOR may carry arguments ("code --wait"); `exec`, so that the editor
        // is the shell's process and nothing between it and this one dies of the terminal's Ctrl-C.
        let started = ContinuousClock.now
        let ending = try ForegroundProgram.run("/bin/sh", ["-c", "exec \(editor) \"$1\"", "editor", file.path])
        guard ending == .exited(0) else {
            // The shell exits 127 when it cannot find the command.
            guard ending != .exited(127) else {
                throw ReplicaError("the editor (\(editor)) was not found; nothing was saved. Set \(variable) to your editor's command "
                    + "(\(variable)=nano, say), or write the article to a file and save it with --file")
            }
            let how = switch ending {
            case .exited(let status): "exited with status \(status)"
            case .killed(let signal): "was killed by signal \(signal)"
            }
            let failed = "the editor (\(editor)) \(how); nothing was saved"
            guard let data = FileManager.default.contents(atPath: file.path), data != Data(text.utf8) else { throw ReplicaError(failed) }
            throw ReplicaError("\(failed), in case that meant to abandon the edit. \(try unsaved.keep(Array(data)))")
        }
        guard let data = FileManager.default.contents(atPath: file.path) else { throw ReplicaError("the edited file is gone; nothing was saved") }
        // An editor that opens a window and returns (code, subl, gvim without their wait flag) leaves
        // the text as it was, and what is typed in the window afterwards goes to a removed file. No
        // one opens, reads and closes an article in under 3 s, but `code` itself may take a second.
        if data == Data(text.utf8), ContinuousClock.now - started < .seconds(3) {
            printError("the editor (\(editor)) returned at once, leaving the text as it was; if it opens a window and returns, as "
                + "code, subl and gvim do, give it its wait flag: \(variable)=\"code --wait\", say")
        }
        return Array(data)
    }
}
