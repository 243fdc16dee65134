import ArticleSyncShared
import ArticleSyncStress
import Foundation
import Testing
@testable import articlesync

/// The commands messages suggest carry the `-C DIR` the command was given. Before, after
/// `articlesync -C notes delete 3f2a` the message said "`articlesync restore 3f2a` brings it back",
/// which, pasted into the same shell, failed with "not an ArticleSync replica" (or restored nothing
/// in whatever replica the current directory was).
@Suite(.timeLimit(.minutes(5))) struct SuggestedCommandTests {
    /// Each suggested command is pasted into a shell in the directory the command ran in, with a
    /// relative `-C` that needs quoting, and must do what the message says.
    @Test func commandsPastedFromMessagesWorkOnTheSameReplica() throws {
        let workspace = try Workspace()
        let replica = try workspace.replica("my articles", token: try workspace.server.makeToken(access: "write"))
        try replica.ok(["add", workspace.seedFiles[0]])
        let id = String(try replica.list()[0].id.prefix(8))

        /// Runs `articlesync ARGUMENTS` in the workspace with -C "my articles", as a person would.
        func runThere(_ arguments: [String]) throws -> CommandResult {
            try runProgram("/bin/sh", ["-c", #"cd "$1" && shift && exec "$0" "$@""#, Products.client, workspace.root, "-C", "my articles"] + arguments)
        }
        /// Pastes the first command in backticks of `message` into a shell in the same directory.
        func paste(from message: String) throws -> CommandResult {
            let parts = message.split(separator: "`", omittingEmptySubsequences: false)
            try #require(parts.count >= 3, "no command in \(message)")
            let command = String(parts[1])
            #expect(command.hasPrefix("articlesync -C 'my articles' "), "\(command)")
            return try runProgram("/bin/sh", ["-c", #"cd "$1" && PATH="$2:$PATH" && eval "$3""#, "sh", workspace.root,
                                              Products.directory.path, command])
        }

        let deleted = try runThere(["delete", id])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        let restored = try paste(from: deleted.stdout)
        #expect(restored.status == 0 && restored.stdout.hasPrefix("restored \(id)"), "\(restored.stdout)\(restored.stderr)")
        #expect(try !replica.list()[0].deleted)

        // An error (thrown by the Client library) and a note on stderr carry it too.
        let unknown = try runThere(["show", "zzzz"])
        #expect(unknown.status != 0)
        let listed = try paste(from: unknown.stderr)
        #expect(listed.status == 0 && listed.stdout.contains(id), "\(listed.stdout)\(listed.stderr)")

        // Without -C the messages stay as they were, and a -C of the current directory adds nothing.
        for directory in [".", ""] {
            let here = try runProgram("/bin/sh", ["-c", #"cd "$1" && shift && exec "$0" "$@""#, Products.client, replica.path, "-C", directory, "delete", id])
            #expect(here.stdout == "deleted \(id); `articlesync restore \(id)` brings it back\n", "\(here.stdout)\(here.stderr)")
            try replica.ok(["restore", id])
        }
    }

    /// Only what names a command on a replica is changed: not the word in a sentence, not `init`
    /// (whose directory is its argument) or the server's program.
    /// The server's admin errors carry `--data DIR` likewise: before, "make it with
    /// `articlesync-server collection create news`", pasted, made the collection in
    /// ./articlesync-data (or failed there with "no change log"), not in the server's data directory.
    @Test func adminCommandsPastedFromServerErrorsWorkOnTheSameDataDirectory() throws {
        let workspace = try Workspace()
        let missing = try workspace.server.admin(["token", "create", "--collection", "news", "--access", "write"])
        #expect(missing.status == 1)
        let parts = missing.stderr.split(separator: "`", omittingEmptySubsequences: false)
        try #require(parts.count >= 3, "no command in \(missing.stderr)")
        let command = String(parts[1])
        #expect(command == "articlesync-server collection create news --data \(ShellWord.quoted(workspace.server.dataDirectory))", "\(command)")
        // Pasted into a shell elsewhere, it makes the collection where the server keeps its change log.
        let pasted = try runProgram("/bin/sh", ["-c", #"cd / && PATH="$1:$PATH" && eval "$2""#, "sh", Products.directory.path, command])
        #expect(pasted.status == 0, "\(pasted.stderr)")
        #expect(try workspace.server.admin(["collection", "list"]).stdout.contains("news\t"))
        #expect(try workspace.server.admin(["token", "create", "--collection", "news", "--access", "write"]).status == 0)

        let unknownToken = try workspace.server.admin(["token", "revoke", "000000000000"])
        #expect(unknownToken.stderr.contains("(`articlesync-server token list --data \(ShellWord.quoted(workspace.server.dataDirectory))` shows them)"),
                "\(unknownToken.stderr)")
    }

    @Test func onlyCommandsOnAReplicaTakeTheOption() {
        let option = "-C 'my dir'"
        for (text, expected) in [
            ("run `articlesync sync` again", "run `articlesync -C 'my dir' sync` again"),
            ("`articlesync resolve 3f2a --edit` (or --mine); `articlesync show 3f2a --conflict` shows both",
             "`articlesync -C 'my dir' resolve 3f2a --edit` (or --mine); `articlesync -C 'my dir' show 3f2a --conflict` shows both"),
            ("`find x -name '*.txt' | articlesync add --files-from -` imports them", "`find x -name '*.txt' | articlesync -C 'my dir' add --files-from -` imports them"),
            ("then `articlesync remote token --token-file FILE`", "then `articlesync -C 'my dir' remote token --token-file FILE`"),
            ("  3f2a  Title  [title]  articlesync show 3f2a --conflict", "  3f2a  Title  [title]  articlesync -C 'my dir' show 3f2a --conflict"),
            ("x is not an articlesync replica; another articlesync command is writing", "x is not an articlesync replica; another articlesync command is writing"),
            ("make one with `articlesync init x --server …`", "make one with `articlesync init x --server …`"),
            ("is the server running (`articlesync-server serve`)?", "is the server running (`articlesync-server serve`)?"),
            ("articlesync syncing; my-articlesync sync; /opt/bin/articlesync sync", "articlesync syncing; my-articlesync sync; /opt/bin/articlesync sync"),
            ("articlesync status", "articlesync -C 'my dir' status"),
            ("ends with articlesync ", "ends with articlesync "),
        ] {
            #expect(SuggestedCommands.carrying(option, in: text) == expected)
        }
    }
}
