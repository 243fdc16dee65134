import ArticleSyncStress
import Foundation
import Testing

/// What a person or a script types wrong, or twice, at the command line: each gets a message that
/// says what happened or what to give instead, and the article is left as it was.
@Suite(.timeLimit(.minutes(5))) struct CommandLineTests {
    /// Before, `--tag ""` (a script's `--tag "$TAG"` with TAG unset) cleared every tag, `--tag` with
    /// `--clear-tags` cleared them too, and `set ID` alone said "saved".
    @Test func setRefusesAnEmptyTagAndNothingToChange() throws {
        let workspace = try Workspace()
        let replica = try workspace.replica("r", token: try workspace.server.makeToken(access: "write"))
        try replica.ok(["add", workspace.seedFiles[0]])
        let id = String(try replica.list()[0].id.prefix(8))
        try replica.ok(["set", id, "--tag", "perang", "--tag", "armenia"])
        let before = try replica.list()[0]

        for (arguments, expected) in [
            (["--tag", ""], "--tag needs a non-empty tag"),
            (["--tag", "  "], "--tag needs a non-empty tag"),
            (["--tag", "perang", "--clear-tags"], "give one of the two"),
            ([], "nothing to change"),
        ] {
            let result = try replica.run(["set", id] + arguments)
            #expect(result.status == 64, "set \(arguments)")
            #expect(result.stderr.contains(expected), "set \(arguments): \(result.stderr)")
        }
        #expect(try replica.list()[0] == before)
        #expect(try replica.list()[0].tags.sorted() == ["armenia", "perang"])

        try replica.ok(["set", id, "--clear-tags"])
        #expect(try replica.list()[0].tags.isEmpty)
    }

    /// Before, a second `delete` said "deleted" again, as if it had done something.
    @Test func deletingADeletedArticleSaysSoAndQueuesNothing() throws {
        let workspace = try Workspace()
        let replica = try workspace.replica("r", token: try workspace.server.makeToken(access: "write"))
        try replica.ok(["add", workspace.seedFiles[0]])
        let id = String(try replica.list()[0].id.prefix(8))
        try replica.ok(["sync"])

        #expect(try replica.ok(["delete", id]).contains("restore \(id)"))
        try replica.ok(["sync"])
        #expect(try replica.ok(["delete", id]) == "\(id) is already deleted; nothing to do\n")
        #expect(try replica.ok(["status"]).contains("no local changes waiting"))
        #expect(try replica.list()[0].deleted)
    }
}
