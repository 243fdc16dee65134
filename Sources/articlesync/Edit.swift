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
                with that change as a sync merges; where the two overlap the editor opens again with both versions marked; \
                if it was deleted meanwhile, nothing is saved (`restore` brings it back). \
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
                text = try TextEditor.edit(ArticleText.print(opened), fileName: "\(short).txt", unsaved: unsaved(short))
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
                case .overlapping(let current, _) where current.isDeleted:
                    // There are no two versions to mark: saving the text would have brought the
                    // article back and undone the deletion without a word.
                    throw ReplicaError("article \(short) was deleted while you edited it (a sync, or another command); nothing was saved. "
                        + "To keep your edit, run `articlesync restore \(short)` first. \(try keep(text, short))")
                case .overlapping(let current, let conflicted):
                    opened = current
                    guard file == nil else {
                        throw ReplicaError("article \(short) changed since it was read, and the change overlaps yours; nothing was saved. "
                            + "\(try keep(conflicted, short)) It holds both versions where they differ.")
                    }
                    printError("article \(short) changed while you edited it (a sync, or another command), where you edited it too: "
                        + "the editor opens again with both versions marked (<<<<<<< mine: yours, >>>>>>> theirs: the new one); keep one of each")
                    text = try TextEditor.edit(conflicted, fileName: "\(short).txt", unsaved: unsaved(short))
                }
            }
            throw ReplicaError("article \(short) kept changing while you edited it; nothing was saved. \(try keep(text, short))")
        }

        func keep(_ text: String, _ short: String) throws -> String {
            try unsaved(short).keep(text)
        }

        func unsaved(_ short: String) -> UnsavedText {
            UnsavedText(replica: options.replicaDirectory, name: "\(short).txt", rerun: "articlesync edit \(short) --file")
        }
    }
}
