import ArticleSyncClient
import ArticleSyncStress
import Foundation
import Testing

/// `articlesync edit` while the article changes under it (as `sync --watch` changes it): the "editor"
/// scripts below change the article through another `articlesync` command, then edit the file.
@Suite(.timeLimit(.minutes(5))) struct EditSessionTests {
    struct Setup {
        let workspace: Workspace
        let replica: ReplicaCLI
        let id: String

        init() throws {
            workspace = try Workspace()
            replica = try workspace.replica("r", token: try workspace.server.makeToken(access: "write"))
            try replica.ok(["add", workspace.seedFiles[0]])
            id = String(try replica.list()[0].id.prefix(8))
        }

        /// An executable shell script; it gets the client, the replica and the id in its environment.
        func editor(_ name: String, _ body: String) throws -> String {
            let path = try workspace.write(name, "#!/bin/sh\nset -e\n" + body + "\n")
            chmod(path, 0o755)
            return path
        }

        func edit(with editor: String, _ arguments: [String] = []) throws -> CommandResult {
            try replica.run(["edit", id] + arguments, environment: ["EDITOR": editor, "ARTICLESYNC": Products.client, "REPLICA": replica.path, "ID": id])
        }

        var article: ReplicaCLI.Listed { get throws { try replica.list()[0] } }
        /// Where `edit` keeps text it could not save.
        var kept: String { replica.path + "/.articlesync/unsaved/\(id).txt" }
        var body: String { get throws { try replica.ok(["show", id]) } }
    }

    /// Before, the editor's text was written over the article: the title set meanwhile went back.
    @Test func aChangeMadeWhileTheEditorIsOpenIsMergedWithTheEdit() throws {
        let setup = try Setup()
        let editor = try setup.editor("merge.sh", """
            "$ARTICLESYNC" -C "$REPLICA" set "$ID" --title "Judul dari sync" > /dev/null
            awk 'NR == 5 { print "Paragraf baru dari editor."; print "" } { print }' "$1" > "$1.tmp" && mv "$1.tmp" "$1"
            """)
        let result = try setup.edit(with: editor)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("merged with the changes made to it while you edited"), "\(result.stdout)")
        #expect(try setup.article.title == "Judul dari sync")
        #expect(try setup.body.contains("Paragraf baru dari editor."))
    }

    @Test func anOverlappingChangeReopensTheEditorWithBothVersions() throws {
        let setup = try Setup()
        // First round: the title changes meanwhile, and the editor changes it too. Second round: the
        // file must hold both titles in conflict blocks; the script keeps its own (the mine side).
        let editor = try setup.editor("overlap.sh", """
            if [ ! -f "$REPLICA.second" ]; then
              touch "$REPLICA.second"
              "$ARTICLESYNC" -C "$REPLICA" set "$ID" --title "Judul dari sync" > /dev/null
              awk 'NR == 3 { print "Judul dari editor"; next } { print }' "$1" > "$1.tmp" && mv "$1.tmp" "$1"
            else
              grep -q "^<<<<<<< mine" "$1" && grep -q "Judul dari sync" "$1" && grep -q "Judul dari editor" "$1"
              awk '/^<<<<<<< mine/ { m = 1; next } /^\\|\\|\\|\\|\\|\\|\\| base/ { m = 2; next } /^=======/ && m == 2 { m = 3; next }
                   /^>>>>>>> theirs/ { m = 0; next } m == 2 || m == 3 { next } { print }' "$1" > "$1.tmp" && mv "$1.tmp" "$1"
            fi
            """)
        let result = try setup.edit(with: editor)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("changed while you edited it"), "\(result.stderr)")
        #expect(try setup.article.title == "Judul dari editor")
    }

    /// Replicas a and b with a title conflict on b; b's person runs `resolve --edit`, and while the
    /// editor is open a runs `articlesync <command>` on the article (with $ID set) and syncs, and
    /// b syncs (as its watch would). The editor then settles the title as "Judul gabungan".
    static func resolveOnB(in workspace: Workspace, whileAChangesIt command: String) throws -> (a: ReplicaCLI, b: ReplicaCLI, id: String, resolve: CommandResult) {
        let (a, b, id, synced) = try workspace.replicasWithAConflict()
        #expect(synced.status == 3, "b has the conflict")
        let settle = try workspace.write("settle.sh", """
            #!/bin/sh
            set -e
            "$ARTICLESYNC" -C "$A" \(command) > /dev/null
            "$ARTICLESYNC" -C "$A" sync > /dev/null
            "$ARTICLESYNC" -C "$B" sync > /dev/null || true
            awk '/^<<<<<<< mine/ { skip = 1; print "Judul gabungan"; next } /^>>>>>>> theirs/ { skip = 0; next } !skip' "$1" > "$1.tmp" && mv "$1.tmp" "$1"
            """)
        chmod(settle, 0o755)
        let resolve = try b.run(["resolve", id, "--edit"], environment: ["EDITOR": settle, "ARTICLESYNC": Products.client, "A": a.path, "B": b.path, "ID": id])
        return (a, b, id, resolve)
    }

    /// `resolve --edit` while a sync brings a newer server version: before, the resolution was
    /// adopted over that version and undid its change (here a tag a added meanwhile).
    @Test func aResolutionWrittenWhileASyncBringsANewerVersionKeepsThatVersionsChange() throws {
        // While b's person settles the title, a tags the article and b's watch would pull it.
        let workspace = try Workspace()
        let (a, b, _, resolved) = try Self.resolveOnB(in: workspace, whileAChangesIt: #"set "$ID" --tag "dari-a-kemudian""#)
        #expect(resolved.status == 0, "\(resolved.stderr)")
        let article = try b.list()[0]
        #expect(article.title == "Judul gabungan")
        #expect(article.tags.contains("dari-a-kemudian"), "the tag a added while b resolved was undone: \(article.tags)")
        try b.ok(["sync"])
        try a.ok(["sync"])
        #expect(try a.hashes() == b.hashes())
    }

    /// Before, the editor opened again "with both versions marked", showing only the person's own
    /// text, and saving it brought the article back: the deletion was undone without a word.
    @Test func anArticleDeletedWhileTheEditorIsOpenStaysDeletedAndTheTextIsKept() throws {
        let setup = try Setup()
        let editor = try setup.editor("delete.sh", """
            "$ARTICLESYNC" -C "$REPLICA" delete "$ID" > /dev/null
            sed -i 's/Pertempuran/Pertempuran sengit/' "$1"
            """)
        let result = try setup.edit(with: editor)
        #expect(result.status == 1)
        #expect(result.stderr.contains("was deleted while you edited it"), "\(result.stderr)")
        #expect(result.stderr.contains("run `\(setup.replica.program) restore \(setup.id)` first"), "\(result.stderr)")
        #expect(try setup.article.deleted, "still deleted")
        let kept = setup.kept
        try setup.replica.ok(["restore", setup.id])
        try setup.replica.ok(["edit", setup.id, "--file", kept])
        #expect(try setup.body.contains("Pertempuran sengit"))
    }

    /// `resolve --edit` while a sync brings the other side's deletion: the resolution is kept, and
    /// the person chooses between bringing the article back with it and keeping it deleted.
    @Test func aResolutionWrittenWhileTheArticleIsDeletedIsKeptNotAdoptedUnasked() throws {
        let workspace = try Workspace()
        let (a, b, id, refused) = try Self.resolveOnB(in: workspace, whileAChangesIt: #"delete "$ID""#)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("was deleted while you edited (a sync); nothing was saved"), "\(refused.stderr)")
        #expect(refused.stderr.contains("`\(b.program) resolve \(id) --theirs` keeps it deleted"), "\(refused.stderr)")
        #expect(try b.ok(["conflicts"]).contains(id), "still a conflict, for the person to settle")

        let kept = b.path + "/.articlesync/unsaved/\(id)-resolution.txt"
        #expect(try b.ok(["status"]).contains("  \(kept)  `\(b.program) resolve \(id) --file \(kept)` saves it"))
        try b.ok(["resolve", id, "--file", kept])
        #expect(!FileManager.default.fileExists(atPath: kept), "a kept text is removed once saved")
        #expect(try b.list()[0].title == "Judul gabungan")
        #expect(try !b.list()[0].deleted)
        try b.ok(["sync"])
        try a.ok(["sync"])
        #expect(try a.hashes() == b.hashes())
    }

    /// Delete against edit: `resolve --edit` opens on the surviving edit, where nothing shows the
    /// deletion. Before, saving it unchanged (or `code` without --wait, returning at once) brought the
    /// article back without a word. Now it says which side deleted it first, an unchanged save
    /// resolves nothing, and a changed one keeps the article.
    @Test func aDeleteAgainstAnEditIsNotUndoneByAnUnchangedSave() throws {
        let workspace = try Workspace()
        let (a, b, id, synced) = try workspace.replicasWithADeleteConflict()
        #expect(synced.status == 3)

        let unchanged = try b.run(["resolve", id, "--edit"], environment: ["EDITOR": "true"])
        #expect(unchanged.status == 1)
        #expect(unchanged.stderr.contains("the server's version deletes \(id) and this replica edited it"), "\(unchanged.stderr)")
        #expect(unchanged.stderr.contains("nothing was resolved. `\(b.program) resolve \(id) --mine` keeps the article"), "\(unchanged.stderr)")
        #expect(unchanged.stderr.contains("`\(b.program) resolve \(id) --theirs` keeps it deleted"), "\(unchanged.stderr)")
        #expect(try b.ok(["conflicts"]).contains(id), "still a conflict, for the person to settle")

        let retitling = try workspace.write("retitle.sh", "#!/bin/sh\nsed -i '3s/.*/Judul yang disimpan/' \"$1\"\n")
        chmod(retitling, 0o755)
        #expect(try b.ok(["resolve", id, "--edit"], environment: ["EDITOR": retitling]).contains("resolved \(id)"))
        #expect(try b.list()[0].title == "Judul yang disimpan" && !b.list()[0].deleted)
        try b.ok(["sync"])
        try a.ok(["sync"])
        #expect(try a.hashes() == b.hashes())
    }

    /// Before, `edit` on an article in conflict opened the editor, let the person write the whole
    /// edit, and only then refused it. Now it refuses before the editor opens, naming `resolve`.
    @Test func anArticleInConflictIsRefusedBeforeTheEditorOpens() throws {
        let workspace = try Workspace()
        let (_, b, id, synced) = try workspace.replicasWithAConflict()
        #expect(synced.status == 3)
        let opened = workspace.root + "/editor-opened"
        let editor = try workspace.write("marks.sh", "#!/bin/sh\ntouch '\(opened)'\n")
        chmod(editor, 0o755)
        let refused = try b.run(["edit", id], environment: ["EDITOR": editor])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("article \(id) has an unresolved conflict: settle it first with `\(b.program) resolve \(id) --edit`"),
                "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: opened), "the editor was not opened")
        #expect(!FileManager.default.fileExists(atPath: b.path + "/.articlesync/unsaved/\(id).txt"))
    }

    /// Before, `edit --file` with a file written before the article changed (an export, kept text)
    /// (here by `set`; a sync bringing another machine's edit does the same) undid that change
    /// without a word. Files this replica wrote are now merged (next tests); a file `add` read, of
    /// which it keeps no copy as it was, is refused unless --force.
    @Test func aFileWrittenBeforeTheArticleChangedIsNotSavedOverTheChange() throws {
        let setup = try Setup()
        let seed = try String(contentsOfFile: setup.workspace.seedFiles[0], encoding: .utf8)
        let file = try setup.workspace.write("own.txt", seed.replacingOccurrences(of: "Dibombardir Azerbaijan", with: "Berkas sendiri"))
        try setup.replica.ok(["add", file])
        let id = try #require(try setup.replica.list().first { $0.title.hasPrefix("Berkas sendiri") }).id
        let article = { try #require(try setup.replica.list().first { $0.id == id }) }
        try setup.replica.ok(["set", id, "--title", "Judul yang diubah kemudian"])
        try seed.replacingOccurrences(of: "Dibombardir Azerbaijan", with: "Berkas sendiri").replacingOccurrences(of: "Pertempuran", with: "Pertempuran sengit")
            .write(toFile: file, atomically: true, encoding: .utf8)

        let refused = try setup.replica.run(["edit", id, "--file", file])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("changed after \(file) was written from it"), "\(refused.stderr)")
        #expect(refused.stderr.contains("it keeps none for files `add` read"), "\(refused.stderr)")
        #expect(try article().title == "Judul yang diubah kemudian")
        #expect(try !setup.replica.ok(["show", id]).contains("Pertempuran sengit"))

        // --force saves the file as it is, and then the file holds the article as it is.
        #expect(try setup.replica.ok(["edit", id, "--file", file, "--force"]).contains("saved \(id.prefix(8))"))
        #expect(try setup.replica.ok(["show", id]).contains("Pertempuran sengit"))
        #expect(try setup.replica.ok(["edit", id, "--file", file]).contains("no changes"))
    }

    /// An exported file edited over days, while syncs bring other machines' changes: the replica
    /// keeps the exported version when the article first changes, and `edit --file` merges the file
    /// with the changes, also after a second export into the folder kept the edited file.
    @Test func anExportedFileIsMergedWithChangesMadeAfterTheExport() throws {
        let setup = try Setup()
        let other = try setup.workspace.replica("other", token: try setup.workspace.server.makeToken(access: "write"))
        try setup.replica.ok(["sync"])
        try other.ok(["sync"])
        let exported = setup.workspace.root + "/exported"
        try setup.replica.ok(["export", exported])
        let file = exported + "/\(try setup.article.id).txt"
        try other.ok(["set", setup.id, "--title", "Judul dari mesin lain"])
        try other.ok(["sync"])
        try setup.replica.ok(["sync"])
        try setup.replica.ok(["set", setup.id, "--tag", "kemudian"])
        try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "Pertempuran", with: "Pertempuran sengit")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let again = try setup.replica.run(["export", exported])
        #expect(again.status == 1 && again.stderr.contains(file), "the edited file is kept: \(again.stderr)")

        let merged = try setup.replica.run(["edit", setup.id, "--file", file])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout.contains("merged with the changes made to it after \(file) was written from it"), "\(merged.stdout)")
        #expect(try setup.article.title == "Judul dari mesin lain")
        #expect(try setup.article.tags.contains("kemudian"))
        #expect(try setup.body.contains("Pertempuran sengit"))

        // The file's change made on the other machine too: nothing is new, and "saved" would say otherwise.
        try setup.replica.ok(["sync"])
        try other.ok(["sync"])
        try setup.replica.ok(["export", exported])
        try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "berkecamuk", with: "berkecamuk hebat")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let sameChange = try setup.editor("same-change.sh", "sed -i 's/berkecamuk/berkecamuk hebat/' \"$1\"")
        #expect(try other.run(["edit", setup.id], environment: ["EDITOR": sameChange]).stdout.contains("saved"))
        try other.ok(["sync"])
        try setup.replica.ok(["sync"])
        let nothingNew = try setup.replica.run(["edit", setup.id, "--file", file])
        #expect(nothingNew.status == 0, "\(nothingNew.stderr)")
        #expect(nothingNew.stdout == "no changes: the article already holds what \(file) changes\n", "\(nothingNew.stdout)")
    }

    /// Text `edit` kept, and a file `edit --file` saved before, are edits of the article as it was
    /// when they were written. Before, `edit --file` refused them once a sync had brought another
    /// machine's change, and the person brought the file's changes over by hand; now they are merged
    /// with that change, and an overlap saves nothing and keeps both versions.
    @Test func keptTextAndFilesSavedBeforeAreMergedWithLaterChanges() throws {
        let setup = try Setup()
        let other = try setup.workspace.replica("other", token: try setup.workspace.server.makeToken(access: "write"))
        try setup.replica.ok(["sync"])
        try other.ok(["sync"])
        let fromOtherMachine = { (change: [String]) in
            try other.ok(["set", setup.id] + change)
            try other.ok(["sync"])
            try setup.replica.ok(["sync"])
        }

        // Text kept: a paragraph written below the closing tag is refused, and the text kept.
        let belowTheTag = try setup.editor("below.sh", """
            sed -i 's/Pertempuran/Pertempuran sengit/' "$1"
            printf '\\nParagraf di bawah tag.\\n' >> "$1"
            """)
        let refused = try setup.edit(with: belowTheTag)
        #expect(refused.status == 1 && refused.stderr.contains("does not end with a closing tag"), "\(refused.stderr)")
        try fromOtherMachine(["--title", "Judul dari mesin lain"])
        let kept = setup.kept
        let keptKey = FileOrigin.key(kept)
        let keptText = try String(contentsOfFile: kept, encoding: .utf8)
        #expect(keptText.contains("\nParagraf di bawah tag.\n"), "\(keptText)")
        try keptText.replacingOccurrences(of: "\nParagraf di bawah tag.\n", with: "").write(toFile: kept, atomically: true, encoding: .utf8)
        let merged = try setup.replica.run(["edit", setup.id, "--file", kept])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout.contains("merged with the changes made to it after \(kept) was written from it"), "\(merged.stdout)")
        #expect(try setup.article.title == "Judul dari mesin lain")
        #expect(try setup.body.contains("Pertempuran sengit"))
        #expect(!FileManager.default.fileExists(atPath: kept), "a kept text is removed once saved")
        let noteOfKept = try ReplicaDirectory(path: setup.replica.path).open().fileOrigins(inFolder: (keptKey as NSString).deletingLastPathComponent)
        #expect(noteOfKept.isEmpty, "and its note with its copy: \(noteOfKept.keys)")

        // A file of the person's own, saved with --file, then edited again after a sync.
        let draft = try setup.workspace.write("draft.txt", try setup.body.replacingOccurrences(of: "berkecamuk", with: "berkecamuk hebat"))
        #expect(try setup.replica.ok(["edit", setup.id, "--file", draft]).contains("saved \(setup.id); "))
        try fromOtherMachine(["--category", "Opini"])
        let edited = try String(contentsOfFile: draft, encoding: .utf8).replacingOccurrences(of: "Militer Armenia", with: "Militer Armenia sendiri")
        try edited.write(toFile: draft, atomically: true, encoding: .utf8)
        #expect(try setup.replica.ok(["edit", setup.id, "--file", draft]).contains("merged with the changes made to it after"))
        #expect(try setup.body.hasPrefix("Opini\n"))
        #expect(try setup.body.contains("berkecamuk hebat") && setup.body.contains("Militer Armenia sendiri"))
        // Saved again unchanged, it is the base of the next merge: nothing to do.
        #expect(try setup.replica.ok(["edit", setup.id, "--file", draft]) == "no changes\n")
        // What the file changed and another machine then took back stays taken back: the next merge
        // starts from the file as it was saved, not from the article it was first written from.
        try setup.replica.ok(["sync"])
        try other.ok(["sync"])
        let takeBack = try setup.editor("take-back.sh", "sed -i 's/berkecamuk hebat/berkecamuk/' \"$1\"")
        #expect(try other.run(["edit", setup.id], environment: ["EDITOR": takeBack]).stdout.contains("saved"))
        try other.ok(["sync"])
        try setup.replica.ok(["sync"])
        try String(contentsOfFile: draft, encoding: .utf8).replacingOccurrences(of: "tentara yang tewas", with: "prajurit yang tewas")
            .write(toFile: draft, atomically: true, encoding: .utf8)
        #expect(try setup.replica.ok(["edit", setup.id, "--file", draft]).contains("merged with the changes made to it after"))
        let afterTakingBack = try setup.body
        #expect(afterTakingBack.contains("prajurit yang tewas") && !afterTakingBack.contains("berkecamuk hebat"), "\(afterTakingBack)")

        // Both change the title: nothing is saved, and the text with both titles is kept.
        try fromOtherMachine(["--title", "Judul kedua dari mesin lain"])
        let lines = try String(contentsOfFile: draft, encoding: .utf8).components(separatedBy: "\n")
        try (lines.prefix(2) + ["Judul dari berkas"] + lines.dropFirst(3)).joined(separator: "\n").write(toFile: draft, atomically: true, encoding: .utf8)
        let overlapping = try setup.replica.run(["edit", setup.id, "--file", draft])
        #expect(overlapping.status == 1)
        #expect(overlapping.stderr.contains("changed after \(draft) was written from it, and the change overlaps the file's; nothing was saved"),
                "\(overlapping.stderr)")
        #expect(try setup.article.title == "Judul kedua dari mesin lain")
        let bothTitles = try String(contentsOfFile: kept, encoding: .utf8)
        #expect(bothTitles.contains("Judul dari berkas") && bothTitles.contains("Judul kedua dari mesin lain"), "\(bothTitles)")
        // --force saves the file as it is, over the other machine's title.
        #expect(try setup.replica.ok(["edit", setup.id, "--file", draft, "--force"]).contains("saved \(setup.id)"))
        #expect(try setup.article.title == "Judul dari berkas")
    }

    /// vim exits 1 when a command in the session failed, though the text was written. Before, the
    /// temporary file went with the text in it; an editor that fails on an unchanged file (`:cq`)
    /// still leaves nothing behind.
    @Test func textWrittenByAnEditorThatThenFailsIsKept() throws {
        let setup = try Setup()
        let failing = try setup.editor("fails.sh", "sed -i 's/Pertempuran/Pertempuran sengit/' \"$1\"\nexit 1")
        let refused = try setup.edit(with: failing)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("exited with status 1; nothing was saved, in case that meant to abandon the edit."), "\(refused.stderr)")
        let kept = setup.kept
        #expect(refused.stderr.contains("Your text is kept in \(kept)"), "\(refused.stderr)")
        #expect(try !setup.body.contains("Pertempuran sengit"), "nothing was saved")
        #expect(try setup.replica.ok(["edit", setup.id, "--file", kept]).contains("saved \(setup.id)"))
        #expect(try setup.body.contains("Pertempuran sengit"))
        #expect(!FileManager.default.fileExists(atPath: kept), "a kept text is removed once saved")

        let abandoning = try setup.edit(with: try setup.editor("abandons.sh", "exit 1"))
        #expect(abandoning.status == 1 && !abandoning.stderr.contains("kept in"), "\(abandoning.stderr)")
        #expect(!FileManager.default.fileExists(atPath: kept))
    }

    /// `edit` on a terminal (`script` gives it one). Before, Foundation's Process started the editor
    /// in a process group of its own, outside the terminal's foreground: vim and nano were stopped
    /// (SIGTTIN) as soon as they read the terminal, and `edit` hung. Here the editor edits only when
    /// it is in the foreground, then does what Ctrl-C in vim does: SIGINT to the whole foreground
    /// group, which vim ignores and `edit` must survive to save the text.
    @Test func theEditorRunsInTheTerminalsForegroundAndCtrlCDoesNotEndTheEdit() throws {
        let setup = try Setup()
        let editor = try setup.editor("foreground.sh", """
            read pid name state parent group session terminal foreground rest < /proc/$$/stat
            [ "$group" = "$foreground" ] || exit 0
            trap '' INT
            kill -INT 0
            sed -i 's/Pertempuran/Pertempuran di latar depan/' "$1"
            """)
        // `exec`: script runs the command through $SHELL. bash execs a lone command, but dash (the
        // /bin/sh CI runs it with) stays as the session's leader in the foreground group, and the
        // editor's SIGINT ended dash (status 130) rather than anything of articlesync's.
        let command = "exec '\(Products.client)' -C '\(setup.replica.path)' edit \(setup.id)"
        let onTerminal = try runProgram("/usr/bin/script", ["-qec", command, "/dev/null"], environment: ["EDITOR": editor], timeout: 60)
        #expect(onTerminal.status == 0, "\(onTerminal.stdout)")
        #expect(onTerminal.stdout.contains("saved \(setup.id)"), "\(onTerminal.stdout)")
        #expect(try setup.body.contains("Pertempuran di latar depan"))
    }

    /// A terminal closed while the editor is open hangs up its whole process group. Before, that
    /// ended `edit` too, and text already saved in the editor stayed in a folder under /tmp that
    /// no message named. Now `edit` outlives the editor and keeps the text where it says.
    @Test func aHangUpWhileTheEditorIsOpenKeepsTheSavedText() throws {
        let setup = try Setup()
        let editor = try setup.editor("hangup.sh", """
            sed -i 's/Pertempuran/Pertempuran sebelum terputus/' "$1"
            kill -HUP 0
            sleep 5
            """)
        let cut = try setup.edit(with: editor)
        #expect(cut.status == 1, "\(cut.stderr)")
        #expect(cut.stderr.contains("was killed by signal \(SIGHUP); nothing was saved"), "\(cut.stderr)")
        #expect(cut.stderr.contains("Your text is kept in \(setup.kept)"), "\(cut.stderr)")
        #expect(try String(contentsOfFile: setup.kept, encoding: .utf8).contains("Pertempuran sebelum terputus"))
        #expect(try !setup.body.contains("sebelum terputus"), "nothing was saved")

        // The message went to a closed terminal: `status` names the kept text until it is saved.
        let status = try setup.replica.ok(["status"])
        #expect(status.contains("1 text(s) kept from edits that were not saved:\n  \(setup.kept)  `\(setup.replica.program) edit \(setup.id) --file \(setup.kept)` saves it"),
                "\(status)")
        let json = try #require(JSONSerialization.jsonObject(with: Data(try setup.replica.ok(["status", "--json"]).utf8)) as? [String: Any])
        #expect(json["articleCount"] as? Int == 1, "the status's own fields stay: \(json)")
        #expect(json["unsavedTexts"] as? [[String: String]] == [["path": setup.kept, "articleID": setup.id,
                                                                 "command": "articlesync edit \(setup.id) --file \(setup.kept)"]], "\(json)")
        #expect(try setup.replica.ok(["edit", setup.id, "--file", setup.kept]).contains("saved \(setup.id)"))
        #expect(try setup.body.contains("sebelum terputus"))
        #expect(!FileManager.default.fileExists(atPath: setup.kept), "a kept text is removed once saved")
        #expect(try !setup.replica.ok(["status"]).contains("kept from edits"))
        let after = try JSONSerialization.jsonObject(with: Data(try setup.replica.ok(["status", "--json"]).utf8)) as? [String: Any]
        #expect((after?["unsavedTexts"] as? [Any])?.isEmpty == true, "\(String(describing: after))")
    }

    /// The first line is the category and the next the title. Before, text that lost its category
    /// line was saved with the title as the category and the first paragraph as the title (and
    /// likewise without the title line, or without both), on every replica after the next sync.
    @Test func aDeletedCategoryOrTitleLineIsRefusedNotSavedAsShiftedFields() throws {
        let setup = try Setup()
        let before = try setup.article
        for (name, command, expected) in [
            ("no-category.sh", "sed -i '1,2d' \"$1\"", "starts with the article's title where its category belongs (it was \"News\")"),
            ("no-title.sh", "sed -i '3,4d' \"$1\"", "has the article's first paragraph where its title belongs"),
            // Both lines deleted: a body alone, whose first two lines passed both checks above.
            ("body-alone.sh", "sed -i '1,4d' \"$1\"", "starts with lines of the article's body where its category and title belong"),
            // The same without the closing tag: named as a body, not as a lost tag.
            ("body-alone-untagged.sh", "sed -i '1,4d; s/ *{viva}$//' \"$1\"", "--body-file FILE` replaces the body alone"),
        ] {
            let refused = try setup.edit(with: try setup.editor(name, command))
            #expect(refused.status == 1)
            #expect(refused.stderr.contains(expected), "\(refused.stderr)")
            #expect(refused.stderr.contains("nothing was saved. Your text is kept in"), "\(refused.stderr)")
            #expect(try setup.article == before)
        }
        // A category or title changed on purpose is saved as before.
        let retitled = try setup.editor("retitle.sh", "sed -i '1s/.*/Dunia/; 3s/.*/Judul yang baru/' \"$1\"")
        #expect(try setup.edit(with: retitled).status == 0)
        #expect(try setup.article.title == "Judul yang baru")
    }

    /// `code` without --wait opens a window and returns at once: "no changes", and what is typed in
    /// the window afterwards goes to a removed file. The person is told to give it its wait flag.
    @Test func anEditorThatReturnsAtOnceUnchangedIsToldItsWaitFlag() throws {
        let setup = try Setup()
        let returning = try setup.edit(with: "true")
        #expect(returning.status == 0 && returning.stdout == "no changes\n")
        #expect(returning.stderr.contains("returned at once, leaving the text as it was"), "\(returning.stderr)")
        #expect(returning.stderr.contains("EDITOR=\"code --wait\""), "\(returning.stderr)")
        let changing = try setup.edit(with: try setup.editor("quick.sh", "sed -i 's/Pertempuran/Pertempuran sengit/' \"$1\""))
        #expect(changing.status == 0 && changing.stderr.isEmpty, "\(changing.stderr)")
    }

    @Test func anEditorThatIsNotFoundIsNamedWithWhatToDo() throws {
        let setup = try Setup()
        let missing = try setup.edit(with: setup.workspace.root + "/no-such-editor")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("was not found; nothing was saved. Set EDITOR"), "\(missing.stderr)")
        // No editor named and no terminal: vi is not started on a pipe (it read its commands from it).
        let none = try setup.replica.run(["edit", setup.id], environment: ["EDITOR": ""])
        #expect(none.status == 1 && none.stderr.contains("there is no editor to open: VISUAL and EDITOR are unset, and vi needs a terminal"),
                "\(none.stderr)")
        // VISUAL comes before EDITOR, as in git; the message names the one that was used.
        let visual = try setup.replica.run(["edit", setup.id], environment: ["VISUAL": setup.workspace.root + "/no-such-visual", "EDITOR": "true"])
        #expect(visual.status == 1 && visual.stderr.contains("(\(setup.workspace.root)/no-such-visual) was not found; nothing was saved. Set VISUAL"),
                "\(visual.stderr)")
    }

    /// The seed's `{viva}` ends its last paragraph's line, so a paragraph added at the end of the
    /// file lands after it. Before, that was saved: the source and tags were cleared (and synced
    /// so everywhere) and "{viva}" became body text, without a word.
    @Test func aParagraphWrittenAfterTheClosingTagIsRefusedNotTakenAsClearingIt() throws {
        let setup = try Setup()
        try setup.replica.ok(["set", setup.id, "--tag", "perang"])
        let appending = try setup.editor("append.sh", "printf '\\n\\nParagraf penutup yang baru.\\n' >> \"$1\"")
        let refused = try setup.edit(with: appending)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("does not end with a closing tag (it was {viva | tags: perang})"), "\(refused.stderr)")
        let kept = setup.kept
        #expect(refused.stderr.contains("nothing was saved. Your text is kept in \(kept)"), "\(refused.stderr)")
        #expect(try setup.article.tags == ["perang"])
        #expect(try !setup.body.contains("Paragraf penutup yang baru."))

        // The kept text with the tag moved to its end saves the new paragraph and keeps the tag.
        let keptText = try String(contentsOfFile: kept, encoding: .utf8)
        let moved = keptText.replacingOccurrences(of: " {viva | tags: perang}", with: "").trimmingCharacters(in: .whitespacesAndNewlines) + " {viva | tags: perang}"
        let fixed = try setup.workspace.write("moved.txt", moved)
        #expect(try setup.replica.ok(["edit", setup.id, "--file", fixed]).contains("saved \(setup.id)"))
        #expect(try setup.article.tags == ["perang"])
        #expect(try setup.body.contains("Paragraf penutup yang baru. {viva | tags: perang}"))

        // `{}` at the end clears them on purpose.
        let clearing = try setup.editor("clear.sh", "sed -i 's/ {viva | tags: perang}$/ {}/' \"$1\"")
        #expect(try setup.edit(with: clearing).status == 0)
        #expect(try setup.article.tags.isEmpty)
        #expect(try setup.body.contains("Paragraf penutup yang baru. {}"))
    }

    /// An editor set to Latin-1 saves "é" as the one byte E9. Before, `edit` decoded the text with
    /// U+FFFD in place of each such byte and saved that; `add`, `set --body-file` and
    /// `resolve --file` refused the same text.
    @Test func textThatIsNotUTF8IsRefusedWithItsLineAndKeptByteForByte() throws {
        let setup = try Setup()
        let latin1 = try setup.editor("latin1.sh", #"sed -i 's/Pertempuran/Pertempuran di kaf\xe9/' "$1""#)
        let refused = try setup.edit(with: latin1)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("edited article:5: the file is not valid UTF-8"), "\(refused.stderr)")
        #expect(try !setup.body.contains("Pertempuran di kaf"), "nothing was saved")
        let kept = try Data(contentsOf: URL(fileURLWithPath: setup.kept))
        #expect(kept.firstRange(of: Data([0xEF, 0xBF, 0xBD])) == nil, "no U+FFFD in place of the byte")
        #expect(kept.firstRange(of: Data("Pertempuran di kaf".utf8) + [0xE9]) != nil, "the byte is kept as it was written")

        let file = try setup.workspace.write("latin1.txt", "")
        try (Data("News\n\nJudul di kaf".utf8) + [0xE9] + Data("\n\nIsi. {viva}".utf8)).write(to: URL(fileURLWithPath: file))
        let fromFile = try setup.replica.run(["edit", setup.id, "--file", file])
        #expect(fromFile.status == 1)
        #expect(fromFile.stderr.contains("\(file):3: the file is not valid UTF-8"), "\(fromFile.stderr)")
        #expect(try setup.article.title == "Dibombardir Azerbaijan, Tentara Armenia Nangis Di Medan Tempur Nagorno Karabakh")
    }
}
