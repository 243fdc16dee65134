import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared
import Foundation

extension ArticleSyncCommand {
    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "edit",
            abstract: "Edit an article in $EDITOR (plain-text format); saving an unchanged file changes nothing.")

        @OptionGroup var options: ReplicaOptions
        @Argument(help: "The article id or a unique prefix of it.") var id: String

        func run() async throws {
            let replica = try options.open()
            let fullID = try replica.resolveID(id)
            guard let article = try replica.article(fullID) else { throw ReplicaError("there is no article \(fullID)") }
            let edited = try TextEditor.edit(ArticleText.print(article), fileName: "\(fullID.prefix(8)).txt")
            let parsed = try ArticleText.parse(Array(edited.utf8), file: "edited article", id: article.id)
            let saved = try replica.update(fullID) { current in
                current.title = parsed.title
                current.body = parsed.body
                current.category = parsed.category
                current.source = parsed.source
                current.tags = parsed.tags
                current.publishedAt = parsed.publishedAt
            }
            print(saved.hasSameContent(as: article) ? "no changes" : "saved \(fullID.prefix(8)); `articlesync sync` sends it")
        }
    }
}

/// Runs `$EDITOR` (then `$VISUAL`, then `vi`) on a temporary file and returns what was saved.
enum TextEditor {
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
