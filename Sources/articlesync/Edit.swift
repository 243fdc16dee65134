import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared
import Foundation

extension ArticleSyncCommand {
    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "edit",
            abstract: "Edit an article in $VISUAL or $EDITOR (plain-text format); saving an unchanged file changes nothing.",
            discussion: """
                If the article changes while the editor is open (a `sync --watch`, another command), your edit is merged \
                with that change as a sync merges; where the two overlap the editor opens again with both versions marked; \
                if it was deleted meanwhile, nothing is saved (`restore` brings it back). \
                Text that cannot be saved is kept in the replica's .articlesync/unsaved/ for --file; so is text that no longer \
                ends with the article's closing {source | tags: …} tag (end it with {} to clear them). If the article changed after \
                the file was written, --file merges an export, text edit kept, or a file it saved before, with that change as \
                above; it refuses a file add read (saving it would undo that change), and a file written from another article, \
                or named after one (<id>.txt).
                """)

        @OptionGroup var options: ReplicaOptions
        @Argument(help: "The article id or a unique prefix of it.") var id: String
        @Option(help: ArgumentHelp("Save the article in FILE instead of opening the editor (text kept from an edit that could not be saved, say; - reads standard input).",
                                   valueName: "FILE"))
        var file: String?
        @Flag(help: """
            With --file: save the file even if the article changed after the file was written from it (undoing that change), \
            or if the file was written from another article.
            """)
        var force = false

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
            try replica.refuseIfConflicted(fullID)
            // Bytes, not a String: text that is not valid UTF-8 is refused by the parser with its line,
            // and kept as it is, instead of being saved with U+FFFD in place of each bad byte.
            var text: [UInt8]
            // Whether `opened` is the article as it was when `file` was written, not as it is now.
            var changedSinceFile = false
            if let file {
                // Looked at before reading: a file saved in between then counts as older, not newer.
                let written = InputFile.modificationDate(file)
                guard let data = try InputFile.contents(orStandardInput: file, holding: "the article") else {
                    throw ValidationError("cannot read \(file): \(InputFile.whyUnreadable(file))")
                }
                text = Array(data)
                let origin = try replica.fileOrigin(of: file)
                if !force, let other = try replica.otherArticle(heldBy: file, writtenFrom: origin, than: fullID) {
                    throw Self.anotherArticlesFile(file, holding: other, not: short)
                }
                if !force, origin == nil, let written, let changed = try replica.textChangedAt(fullID) {
                    try Self.refuse(file, writtenAt: written, ifOlderThan: changed, short)
                }
                // An export, or text kept here, holds the article as it was then: saved over a later
                // change (another machine's edit that a sync brought), it would undo it unseen. A
                // file noted with the article as it was is an edit of that version, and is merged
                // with what changed since as an editor's text is; the others (files `add` read) are refused.
                if !force, let origin, origin.articleID == fullID, origin.contentHash != opened.contentHash {
                    guard let writtenFrom = origin.article else {
                        throw ReplicaError("article \(short) changed after \(file) was written from it (a sync, or another edit); saving the file "
                            + "as it is would undo that change, and this replica holds no copy of the version the file was written from to merge "
                            + "it with (it keeps none for files `add` read). Run `articlesync edit \(short)` and bring the file's changes over, or pass --force "
                            + "to save the file as it is.")
                    }
                    opened = writtenFrom
                    changedSinceFile = true
                }
            } else {
                let unsaved = unsaved(short, from: opened, replica)
                unsaved.noteWaiting()
                text = try TextEditor.edit(ArticleText.print(opened), fileName: "\(short).txt", unsaved: unsaved)
            }
            // Each round that meets an overlapping change shows it in the editor; a person settles it.
            for _ in 0..<10 {
                let outcome: EditOutcome
                do {
                    let parsed = try TextEditor.parseArticle(text, file: file.map(InputFile.label) ?? "edited article", id: opened.id, replacing: [opened])
                    outcome = try replica.saveEdit(fullID, from: opened, to: parsed)
                } catch {
                    throw ReplicaError("\(error); nothing was saved. \(try keep(text, short, from: opened, replica))")
                }
                switch outcome {
                case .unchanged(let edit):
                    try noteSaved(edit, replica)
                    print(edit.hasSameContent(as: opened) ? "no changes" : "no changes: the article already holds what \(file ?? "your edit") changes")
                    return
                case .saved(_, let edit, let merged):
                    try noteSaved(edit, replica)
                    let since = changedSinceFile ? "after \(file ?? "the file") was written from it" : "while you edited"
                    printMessage("saved \(short)\(merged ? ", merged with the changes made to it \(since)" : ""); `articlesync sync` sends it")
                    return
                case .overlapping(let current, _) where current.isDeleted:
                    // There are no two versions to mark: saving the text would have brought the
                    // article back and undone the deletion without a word.
                    throw ReplicaError("article \(short) was deleted while you edited it (a sync, or another command); nothing was saved. "
                        + "To keep your edit, run `articlesync restore \(short)` first. \(try keep(text, short, from: opened, replica))")
                case .overlapping(let current, let conflicted):
                    opened = current
                    if let file {
                        let since = changedSinceFile ? "after \(file) was written from it" : "since it was read"
                        throw ReplicaError("article \(short) changed \(since), and the change overlaps the file's; nothing was saved. "
                            + "\(try keep(Array(conflicted.utf8), short, from: current, replica)) It holds both versions where they differ.")
                    }
                    printError("article \(short) changed while you edited it (a sync, or another command), where you edited it too: "
                        + "the editor opens again with both versions marked (<<<<<<< mine: yours, >>>>>>> theirs: the new one); keep one of each")
                    text = try TextEditor.edit(conflicted, fileName: "\(short).txt", unsaved: unsaved(short, from: current, replica))
                }
            }
            throw ReplicaError("article \(short) kept changing while you edited it; nothing was saved. \(try keep(text, short, from: opened, replica))")
        }

        func keep(_ text: [UInt8], _ short: String, from article: Article, _ replica: Replica) throws -> String {
            try unsaved(short, from: article, replica).keep(text)
        }

        /// Kept text is noted as written from `article`, as it was then (see `FileOrigin`).
        func unsaved(_ short: String, from article: Article, _ replica: Replica) -> UnsavedText {
            UnsavedText(replica: options.replicaDirectory, name: "\(short).txt", rerun: "articlesync edit \(short) --file") { path in
                try replica.noteFilesWritten([FileOrigin(path: path, writtenFrom: article)])
            }
        }

        /// After `--file` the file holds `edit`, the article as it is now unless merged with changes made
        /// since: saving it again is no undoing, and what changes next merges from it as its base
        /// (as git merges a branch again from the commit it merged last). A kept text is removed
        /// instead: it is saved. Its note goes with it, copy and all, once the file is gone (one
        /// that could not be removed stays noted, so it is still merged, not saved over later changes).
        func noteSaved(_ edit: Article, _ replica: Replica) throws {
            guard let file, file != "-" else { return }
            // The key is spelled while the file is there: a path to a removed file no longer resolves.
            let origin = FileOrigin(path: file, writtenFrom: edit)
            try replica.noteFilesWritten([origin])
            if UnsavedText.removeIfKept(file, in: options.replicaDirectory) { try replica.forgetFiles(keys: [origin.path]) }
        }

        /// A file nothing here wrote (not an export, not `show ID > FILE`, not text `edit` kept or a
        /// file it saved) says nothing of the version it was written from. One written before the
        /// article last changed (a sync brought another machine's edit, or another command changed
        /// it) would undo that change: before, `edit --file` saved it so, on every replica, without a
        /// word. `resolve --file` checks its file the same way (`Resolve.refuseIfOlder`).
        static func refuse(_ file: String, writtenAt written: Date, ifOlderThan changed: Date, _ short: String) throws {
            guard InputFile.wasWritten(written, before: changed) else { return }
            throw ReplicaError("article \(short) changed after \(file) was last written (it changed at \(changed.formatted(.iso8601)): "
                + "a sync brought another machine's edit, or another command changed it), and nothing here wrote the file, so saving it "
                + "as it is would undo that change; nothing was saved. Write the article as it is now to another file "
                + "(`articlesync show \(short) > \(short).new.txt`), bring your changes over and save it with `articlesync edit \(short) "
                + "--file \(short).new.txt`, or pass --force to save \(file) as it is.")
        }

        /// `edit ID --file` and `resolve ID --file` with the file of another article.
        static func anotherArticlesFile(_ file: String, holding other: Article, not short: String) -> ReplicaError {
            let otherShort = other.idString.prefix(8)
            return ReplicaError("\(file) holds article \(otherShort) (\"\(other.title)\"), not \(short): it was written from that article or is "
                + "named after it, and saving it would replace \(short)'s whole text with it. `articlesync edit \(otherShort) --file \(ShellWord.quoted(file))` "
                + "saves it to its own article; pass --force to use it for \(short) anyway. Nothing was saved.")
        }
    }
}
