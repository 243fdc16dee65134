import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared
import Foundation

extension ArticleSyncCommand {
    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resolve",
            abstract: "Settle a conflict; the result is pushed by the next sync as an edit on top of the server's version.",
            discussion: "--mine keeps this replica's version, --theirs takes the server's (and keeps yours in .articlesync/discarded/: it never reached the server, so no history has it), --file reads a finished article, --edit opens $VISUAL or $EDITOR on the merge attempt (saving is refused while conflict markers remain; if the server's version is deleted meanwhile, nothing is saved and the text is kept for --file). When one side deleted the article and the other edited it, --edit opens on the edit and saving it changed keeps the article; --mine or --theirs settle it as it is.")

        @OptionGroup var options: ReplicaOptions
        @Argument(help: "The article id or a unique prefix of it.") var id: String
        @Flag(help: "Keep this replica's version.") var mine = false
        @Flag(help: "Take the server's version.") var theirs = false
        @Option(help: ArgumentHelp("Use this article file as the resolution (- reads standard input).", valueName: "FILE")) var file: String?
        @Flag(help: "Finish the merge attempt in $VISUAL or $EDITOR.") var edit = false
        @Flag(help: "With --file: use the file even if it was written from another article, or is named after one, or before the server's version in the conflict arrived.") var force = false

        func validate() throws {
            if [mine, theirs, file != nil, edit].filter({ $0 }).count != 1 {
                throw ValidationError("give exactly one of --mine, --theirs, --file FILE, --edit")
            }
            if force, file == nil { throw ValidationError("--force goes with --file") }
        }

        func run() async throws {
            let replica = try options.open()
            let fullID = try replica.resolveID(id)
            guard let conflict = try replica.conflicts().first(where: { $0.articleID == fullID }) else {
                throw ReplicaError("article \(fullID.prefix(8)) has no conflict (`articlesync conflicts` lists them)")
            }
            let resolution: Resolution
            if mine {
                resolution = .mine
            } else if theirs {
                resolution = .theirs
            } else if let file {
                // Looked at before reading: a file saved in between then counts as older, not newer.
                let written = InputFile.modificationDate(file)
                guard let data = try InputFile.contents(orStandardInput: file, holding: "the resolution") else { throw ValidationError("cannot read \(file): \(InputFile.whyUnreadable(file))") }
                if !force, let other = try replica.otherArticle(heldBy: file, writtenFrom: replica.fileOrigin(of: file), than: fullID) {
                    throw Edit.anotherArticlesFile(file, holding: other, not: String(fullID.prefix(8)))
                }
                if !force { try Self.refuseIfOlder(file, writtenAt: written, than: conflict) }
                resolution = .article(try TextEditor.parseArticle(Array(data), file: InputFile.label(file), id: conflict.mine.id, replacing: [conflict.mine, conflict.theirs]))
            } else {
                try Self.resolveInEditor(conflict, replica: replica, directory: options.replicaDirectory)
                return
            }
            // Kept before the conflict goes: if the copy cannot be written, nothing is resolved.
            let keptMine = theirs && !conflict.mine.isDeleted && !conflict.mine.hasSameContent(as: conflict.theirs)
                ? try DiscardedVersion.keep(conflict.mine, in: options.replicaDirectory) : nil
            let resolved: Article
            do {
                resolved = try replica.resolve(fullID, with: resolution)
            } catch {
                if let keptMine { try? FileManager.default.removeItem(atPath: keptMine) }
                throw error
            }
            if let file { UnsavedText.removeIfKept(file, in: options.replicaDirectory) }
            print(try Self.resolvedMessage(resolved, replica: replica))
            if let keptMine {
                // Noted as written from the resolved article, `edit --file` takes the copy as an edit
                // of it (unnoted, it would be refused as older than the resolution).
                try? replica.noteFilesWritten([FileOrigin(path: keptMine, writtenFrom: resolved)])
                let short = fullID.prefix(8)
                printMessage("your version, which never reached the server (so `history` does not have it), is kept in \(keptMine); "
                    + "`articlesync edit \(short) --file \(ShellWord.quoted(keptMine))` makes it the article's text after all")
            }
        }

        /// A file written before the server's version in the conflict arrived (a sync brought a
        /// newer one while the person wrote the resolution) was written against an older one, and
        /// adopting it would undo the newer change unseen: before, `resolve --file` did, and another
        /// machine's edit was reverted on every replica without a word. `--edit` merges such a
        /// change in (`Resolution.article`); a file cannot say which version it was written
        /// against, so it is refused.
        static func refuseIfOlder(_ file: String, writtenAt written: Date?, than conflict: ConflictRecord) throws {
            guard let written, let arrived = conflict.theirsArrivedAt, InputFile.wasWritten(written, before: arrived) else { return }
            let short = conflict.articleID.prefix(8)
            throw ReplicaError("the server's version of \(short) changed after \(file) was last written (a sync brought version "
                + "\(conflict.theirs.version) at \(conflict.createdAt)), so the file may undo that change; nothing was resolved. "
                + "`articlesync show \(short) --conflict` shows the versions as they are now: bring the change into the file and run "
                + "this again (or settle it with `articlesync resolve \(short) --edit`, which opens on the merge attempt as it is now), "
                + "or pass --force to use the file as it is.")
        }

        /// What `resolve` did. A resolution that is the server's version (`--theirs`, or a file
        /// holding it) queues nothing; before, that too said "`articlesync sync` sends it", and the
        /// next sync then pushed nothing.
        static func resolvedMessage(_ resolved: Article, replica: Replica) throws -> String {
            // A deletion kept (--theirs against a deletion on the server, --mine against one here) says so.
            let what = resolved.isDeleted ? "\(resolved.title), deleted" : resolved.title
            let short = resolved.idString.prefix(8)
            guard try replica.locallyModifiedIDs().contains(resolved.idString) else {
                return "resolved \(short) (\(what)): it is the server's version, so there is nothing to send"
            }
            return "resolved \(short) (\(what)); " + SuggestedCommands.carryingReplicaOption("`articlesync sync` sends it")
        }

        /// `--edit`: the editor opens on the merge attempt. When a sync brings a newer server version
        /// while it is open and that version's change overlaps the resolution, it opens again on the
        /// two, so that the newer change is not written over (`Resolution.article`).
        /// Text that cannot be saved is kept, as `edit` keeps it, for `resolve --file`.
        static func resolveInEditor(_ conflict: ConflictRecord, replica: Replica, directory: ReplicaDirectory) throws {
            let short = String(conflict.articleID.prefix(8))
            let unsaved = UnsavedText(replica: directory, name: "\(short)-resolution.txt", rerun: "articlesync resolve \(short) --file")
            unsaved.noteWaiting()
            var text = conflict.attempt
            var seen = conflict.theirs
            // Delete against edit: the text is the surviving edit, and nothing in it says the other
            // side deleted the article. Before, saving it unchanged (or an editor that returned at
            // once) brought the article back without a word; --mine and --theirs say it outright.
            let keep = conflict.mine.isDeleted ? "--theirs" : "--mine", stayDeleted = conflict.mine.isDeleted ? "--mine" : "--theirs"
            let deletion = conflict.fields.contains("deleted")
            if deletion {
                printError("\(conflict.mine.isDeleted ? "this replica deleted \(short) and the server's version edits it" : "the server's version deletes \(short) and this replica edited it"): "
                    + "the editor opens on the edit; saving it changed keeps the article with your changes")
            }
            for _ in 0..<10 {
                let edited = try TextEditor.edit(text, fileName: "\(short)-conflict.txt", unsaved: unsaved)
                if deletion, edited == Array(text.utf8) {
                    throw ReplicaError("the text came back unchanged; nothing was resolved. `articlesync resolve \(short) \(keep)` "
                        + "keeps the article as the edit left it; `articlesync resolve \(short) \(stayDeleted)` keeps it deleted")
                }
                do {
                    let article = try TextEditor.parseArticle(edited, file: "edited resolution", id: conflict.mine.id,
                                                             replacing: [conflict.mine, seen])
                    let resolved = try replica.resolve(conflict.articleID, with: .article(article, writtenAgainst: seen))
                    print(try resolvedMessage(resolved, replica: replica))
                    return
                } catch let overlap as ResolutionOverlap where overlap.theirs.isDeleted {
                    // There are no two versions to mark: saving would bring the article back unasked.
                    throw ReplicaError("the server's version of \(short) was deleted while you edited (a sync); nothing was saved. "
                        + "\(try unsaved.keep(edited)) That brings the article back with your resolution; "
                        + "`articlesync resolve \(short) --theirs` keeps it deleted.")
                } catch let overlap as ResolutionOverlap {
                    printError("the server's version of \(short) changed while you edited (a sync), where your resolution changes it too: "
                        + "the editor opens again with both marked (<<<<<<< mine: your resolution, >>>>>>> theirs: the new version)")
                    text = overlap.text
                    seen = overlap.theirs
                } catch {
                    throw ReplicaError("\(error); nothing was saved. \(try unsaved.keep(edited))")
                }
            }
            throw ReplicaError("the server's version of \(short) kept changing while you edited; nothing was saved")
        }
    }
}
