import ArticleSyncClient
import ArticleSyncShared
import ArticleSyncStress
import Foundation
import Testing

/// A real `articlesync-server` process over TLS on 127.0.0.1, driven through the real `articlesync` CLI.
@Suite(.timeLimit(.minutes(5))) struct EndToEndTests {
    @Test func twoReplicasConvergeThroughAddSyncAndEditsOnBothSides() throws {
        let workspace = try Workspace()
        let token = try workspace.server.makeToken(access: "write")
        let laptop = try workspace.replica("laptop", token: token)
        let desktop = try workspace.replica("desktop", token: token)

        let added = try laptop.ok(["add"] + workspace.seedFiles).split(separator: "\n")
        #expect(added.count == workspace.seedFiles.count)
        try laptop.ok(["sync"])
        try desktop.ok(["sync"])
        #expect(try desktop.hashes() == laptop.hashes())
        #expect(try desktop.list().count == workspace.seedFiles.count)

        let ids = try laptop.list().map(\.id).sorted()
        try laptop.ok(["set", String(ids[0].prefix(8)), "--title", "Judul baru dari laptop"])
        let body = try workspace.write("body.txt", "Paragraf baru dari desktop.\n\nDan satu lagi.")
        try desktop.ok(["set", String(ids[1].prefix(8)), "--body-file", body, "--tag", "desktop"])
        try desktop.ok(["delete", String(ids[2].prefix(8))])

        try laptop.ok(["sync"])
        try desktop.ok(["sync"])
        try laptop.ok(["sync"])

        let laptopHashes = try laptop.hashes()
        #expect(laptopHashes == (try desktop.hashes()))
        let seen = try laptop.list()
        #expect(seen.first { $0.id == ids[0] }?.title == "Judul baru dari laptop")
        #expect(seen.first { $0.id == ids[1] }?.tags == ["desktop"])
        #expect(seen.first { $0.id == ids[2] }?.deleted == true)
        #expect(seen.allSatisfy { !$0.modified })
        let shown = try laptop.ok(["show", String(ids[1].prefix(6))])
        #expect(shown.contains("Paragraf baru dari desktop.\n\nDan satu lagi. {"))
        let status = try laptop.ok(["status", "--json"])
        #expect(status.contains("\"pendingChanges\" : 0") && status.contains("\"conflicts\" : 0"))
    }

    /// The article text has no way to say "deleted": `edit` of a deleted article, saved even
    /// unchanged, used to bring it back (and push that). It refuses; `restore` brings one back.
    @Test func aDeletedArticleComesBackOnlyThroughRestore() throws {
        let workspace = try Workspace()
        let token = try workspace.server.makeToken(access: "write")
        let a = try workspace.replica("a", token: token)
        try a.ok(["add", workspace.seedFiles[0]])
        let id = String(try a.list()[0].id.prefix(8))
        try a.ok(["delete", id])
        try a.ok(["sync"])

        let edited = try a.run(["edit", id], environment: ["EDITOR": "true"])
        #expect(edited.status == 1)
        #expect(edited.stderr.contains("is deleted; `\(a.program) restore \(id)` brings it back"), "\(edited.stderr)")
        #expect(try a.list()[0].deleted && !a.list()[0].modified)
        #expect(try a.ok(["set", id, "--tag", "arsip"]).contains("it is deleted: `\(a.program) restore \(id)` brings it back"))

        #expect(try a.ok(["restore", id]).contains("restored \(id)"))
        #expect(try a.ok(["restore", id]).contains("not deleted; nothing to do"))
        try a.ok(["sync"])
        let b = try workspace.replica("b", token: token)
        try b.ok(["sync"])
        #expect(try b.list().map(\.deleted) == [false])
        #expect(try b.hashes() == a.hashes())
    }

    @Test func wrongFingerprintIsRefusedWithBothFingerprintsAndTheFix() throws {
        let workspace = try Workspace()
        let token = try workspace.server.makeToken(access: "write")
        let wrong = "sha256:" + String(repeating: "0", count: 64)
        let replica = try workspace.replica("r", token: token, fingerprint: wrong)
        let result = try replica.run(["sync"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("expected: \(wrong)"))
        #expect(result.stderr.contains("received: \(workspace.server.fingerprint)"))
        #expect(result.stderr.contains("\(replica.program) remote trust"))
        // Re-pinning the right fingerprint fixes it.
        try replica.ok(["remote", "trust", workspace.server.fingerprint])
        try replica.ok(["sync"])
    }

    @Test func wrongAndRevokedTokensAreRefused() throws {
        let workspace = try Workspace()
        let bogus = try workspace.replica("bogus", token: "ast_000000000000_" + String(repeating: "f", count: 64))
        let refused = try bogus.run(["sync"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("unauthorized"))
        #expect(refused.stderr.contains("token is not valid"))

        let token = try workspace.server.makeToken(access: "write")
        let replica = try workspace.replica("r", token: token)
        try replica.ok(["sync"])
        let tokenID = try #require(token.split(separator: "_").dropFirst().first)
        #expect(try workspace.server.admin(["token", "revoke", String(tokenID)]).status == 0)
        let revoked = try replica.run(["sync"])
        #expect(revoked.status == 1)
        #expect(revoked.stderr.contains("revoked"))
        // With the replica's -C DIR, as every command a message suggests (it was left out of this one).
        #expect(revoked.stderr.contains("then `\(replica.program) remote token --token-file FILE`"), "\(revoked.stderr)")
        #expect(!workspace.server.log.contains(token), "tokens are never logged")

        // The operator makes a new token; the replica takes it without being made again.
        try replica.ok(["add", workspace.seedFiles[0]])  // work goes on offline meanwhile
        let newToken = try workspace.write("new-token.txt", try workspace.server.makeToken(access: "write") + "\n")
        #expect(try replica.run(["remote", "token", "--token", " "]).stderr.contains("the token is empty"))
        #expect(try replica.ok(["remote", "token", "--token-file", newToken]).contains("token replaced"))
        let tokenPath = replica.path + "/.articlesync/token"
        #expect((try FileManager.default.attributesOfItem(atPath: tokenPath)[.posixPermissions] as? Int) == 0o600)
        #expect(try replica.ok(["sync"]).contains("pushed 1"))
    }

    /// Like git: a command run in a folder inside a replica works on that replica. Before, it said
    /// "not a replica; run `articlesync init .`", which would have made a replica inside the replica.
    @Test func aFolderInsideAReplicaWorksOnThatReplica() throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        try replica.ok(["add", workspace.seedFiles[0]])
        let inside = replica.path + "/export/deeper"
        try FileManager.default.createDirectory(atPath: inside, withIntermediateDirectories: true)
        let fromInside = ReplicaCLI(path: inside)
        #expect(try fromInside.ok(["list"]).contains("Dibombardir Azerbaijan"))
        #expect(try fromInside.ok(["sync"]).contains("pushed 1"))
        #expect(try ReplicaCLI(path: replica.path + "/.articlesync").ok(["status"]).contains("1 articles"))
        #expect(!FileManager.default.fileExists(atPath: inside + "/.articlesync"), "no second replica was made")
        let outside = try ReplicaCLI(path: workspace.root).run(["list"])
        #expect(outside.status == 1 && outside.stderr.contains("is not an ArticleSync replica"), "\(outside.stderr)")
        // A mistyped -C is named as a folder that does not exist.
        let mistyped = try ReplicaCLI(path: workspace.root + "/rr").run(["list"])
        #expect(mistyped.status == 1 && mistyped.stderr.contains("\(workspace.root)/rr does not exist"), "\(mistyped.stderr)")
    }

    /// A server that moved: the replica is pointed at the new address and goes on, its pin unchanged.
    @Test func aReplicaFollowsItsServerToANewAddress() throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        try replica.ok(["add", workspace.seedFiles[0]])
        #expect(try replica.run(["remote", "address", "no-port"]).stderr.contains("\"no-port\" has no port; use HOST:PORT"))
        // Nothing listens on port 1. Before, NIO's words came out as they are: "connection reset
        // (error set): Connection refused) (errno: 111)"; a host name goes through Happy Eyeballs,
        // which wraps them once more.
        for address in ["127.0.0.1:1", "localhost:1"] {
            try replica.ok(["remote", "address", address])
            let refused = try replica.run(["sync"])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("cannot connect to \(address): connection refused; is the server running (`articlesync-server serve`) on port 1?"),
                    "\(refused.stderr)")
            #expect(refused.stderr.contains("`\(replica.program) remote address HOST:PORT` follows it"), "\(refused.stderr)")
        }
        // An IPv6 server is named as typed, in brackets ("::1:1" read as port 1 of another address);
        // whether this machine has IPv6 decides only the reason that follows.
        try replica.ok(["remote", "address", "[::1]:1"])
        #expect(try replica.run(["sync"]).stderr.contains("cannot connect to [::1]:1: "))
        let port = try #require(workspace.server.address.split(separator: ":").last)
        #expect(try replica.ok(["remote", "address", "localhost:\(port)"]).contains("now syncing with localhost:\(port)"))
        #expect(try replica.ok(["remote", "show"]).contains("server      localhost:\(port)"))
        // `remote` alone shows the same, with -C before it (before, "Unknown option '-C'").
        #expect(try replica.ok(["remote"]) == replica.ok(["remote", "show"]))
        #expect(try replica.ok(["sync"]).contains("pushed 1"))
    }

    @Test func tokenOfAnotherCollectionSeesNothing() throws {
        let workspace = try Workspace()
        #expect(try workspace.server.admin(["collection", "create", "private"]).status == 0)
        let privateToken = try workspace.server.makeToken(access: "write", collection: "private")
        let writer = try workspace.replica("writer", token: try workspace.server.makeToken(access: "write"))
        try writer.ok(["add", workspace.seedFiles[0]])
        try writer.ok(["sync"])
        let other = try workspace.replica("other", token: privateToken)
        let result = try other.run(["sync"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("does not grant access to collection \"articles\"; ask the server operator for a token for it "
            + "(`articlesync-server token create --collection articles`); then `\(other.program) remote token"), "\(result.stderr)")
        #expect(try other.list().isEmpty)
    }

    @Test func readTokenPullsButCannotPush() async throws {
        let workspace = try Workspace()
        let writer = try workspace.replica("writer", token: try workspace.server.makeToken(access: "write"))
        try writer.ok(["add", workspace.seedFiles[0]])
        try writer.ok(["sync"])

        let readToken = try workspace.server.makeToken(access: "read")
        let reader = try workspace.replica("reader", token: readToken)
        try reader.ok(["sync"])
        #expect(try reader.hashes() == writer.hashes())
        try reader.ok(["add", workspace.seedFiles[1]])
        let result = try reader.run(["sync"])
        #expect(result.status == 3, "the added article stays here: not \"in step\"")
        #expect(result.stdout.contains("this replica's token is read-only: 1 local change(s) not pushed; they stay queued until a write token "
            + "is put in with `\(reader.program) remote token --token-file FILE`"), "\(result.stdout)")
        #expect(try workspace.server.admin(["collection", "list"]).stdout.contains("articles=1"))
        // `collection` and `token` alone list (before, "Unknown option '--data'").
        #expect(try workspace.server.admin(["collection"]).stdout == workspace.server.admin(["collection", "list"]).stdout)
        let tokens = try workspace.server.admin(["token"]).stdout
        #expect(tokens == (try workspace.server.admin(["token", "list"]).stdout) && tokens.contains("\tread\t"), "\(tokens)")

        // And the server itself refuses a push made with a read token, whatever the client does.
        let refusal = try await RawClient.pushWithToken(readToken, server: workspace.server)
        #expect(refusal.contains("forbidden"))
    }

    /// A change the server refuses stays here until an edit fixes it. Before, `sync` exited 0 with
    /// it refused, and 0 again at every later sync: a script's `articlesync sync && …` (retiring a
    /// machine, say) took the refused edit for one the server had.
    @Test func aChangeTheServerRefusesKeepsSyncFromSayingAllIsWell() throws {
        let workspace = try Workspace(serverArguments: ["--max-article-bytes", "3000"])
        let replica = try workspace.replica("r", token: try workspace.server.makeToken(access: "write"))
        let large = try workspace.write("large.txt", "News\n\nArtikel besar\n\n" + String(repeating: "kata ", count: 1000) + "{viva}")
        let small = try workspace.write("small.txt", "News\n\nArtikel kecil\n\nIsi singkat. {viva}")
        try replica.ok(["add", large, small])

        let first = try replica.run(["sync"])
        #expect(first.status == 3)
        #expect(first.stdout.contains("1 change(s) rejected by the server"), "\(first.stdout)")
        #expect(try replica.ok(["status"]).contains("1 article(s) with local changes not yet on the server"), "the small one went")
        let again = try replica.run(["sync"])
        #expect(again.status == 3, "still not on the server")
        #expect(again.stdout.contains("1 change(s) the server rejected earlier wait for an edit"), "\(again.stdout)")
        #expect(try replica.ok(["status"]).contains("over the 3000-byte limit"))

        let id = try #require(try replica.list().first { $0.title == "Artikel besar" }).id
        let shorter = try workspace.write("shorter.txt", "Isi yang lebih pendek.")
        try replica.ok(["set", String(id.prefix(8)), "--body-file", shorter])
        let fixed = try replica.run(["sync"])
        #expect(fixed.status == 0, "\(fixed.stdout)")
        #expect(fixed.stdout.contains("in step with the server"), "\(fixed.stdout)")
    }

    @Test func offlineEditsReachTheOtherReplicaAfterTheServerComesBack() throws {
        let workspace = try Workspace()
        let (a, b, listed) = try workspace.twoReplicasSharing(seeds: 2)

        #expect(workspace.server.stop() == 0, "SIGTERM shuts the server down cleanly")
        let ids = listed.sorted()
        try a.ok(["set", String(ids[0].prefix(8)), "--title", "ditulis saat server mati"])
        try a.ok(["add", workspace.seedFiles[2]])
        try b.ok(["set", String(ids[1].prefix(8)), "--category", "Luring"])
        let offline = try a.run(["sync"])
        #expect(offline.status == 1)
        #expect(offline.stderr.contains("cannot connect"))
        #expect(try a.ok(["status"]).contains("2 article(s) with local changes"))

        try workspace.server.start()
        try a.ok(["sync"])
        try b.ok(["sync"])
        try a.ok(["sync"])
        #expect(try a.hashes() == b.hashes())
        #expect(try b.list().contains { $0.title == "ditulis saat server mati" })
        #expect(try a.list().first { $0.id == ids[1] } != nil)
        #expect(try b.list().count == 3)
    }

    @Test func editThroughTheEditorAndExportAsFiles() throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        try replica.ok(["add", workspace.seedFiles[0]])
        let id = String(try replica.list()[0].id.prefix(8))

        // An "editor" that rewrites the title line of the file it is given.
        let editor = try workspace.write("editor.sh", """
            #!/bin/sh
            awk 'NR == 3 { print "Judul dari editor"; next } { print }' "$1" > "$1.tmp" && mv "$1.tmp" "$1"
            """)
        chmod(editor, 0o755)
        let edited = try replica.run(["edit", id], environment: ["EDITOR": editor])
        #expect(edited.status == 0, "\(edited.stderr)")
        #expect(try replica.list()[0].title == "Judul dari editor")
        // Saving the file unchanged changes nothing.
        #expect(try replica.ok(["edit", id], environment: ["EDITOR": "true"]).contains("no changes"))
        // An editor that leaves an invalid file is refused and nothing is saved.
        let emptying = try workspace.write("empty-editor.sh", "#!/bin/sh\n: > \"$1\"\n")
        chmod(emptying, 0o755)
        #expect(try replica.run(["edit", id], environment: ["EDITOR": emptying]).status != 0)
        #expect(try replica.list()[0].title == "Judul dari editor")

        let target = workspace.root + "/exported"
        #expect(try replica.ok(["export", target]).contains("exported 1 articles"))
        let files = try FileManager.default.contentsOfDirectory(atPath: target)
        #expect(files.count == 1)
        let text = try String(contentsOfFile: target + "/" + files[0], encoding: .utf8)
        #expect(text.hasPrefix("News\n\nJudul dari editor\n\n") && text.hasSuffix("berlangsung. {viva}"))
    }

    /// A failure on this side during a sync (the replica's database, here one the caller throws)
    /// comes out as it is, not as a failed connection with advice to check the address; a real
    /// connection failure still gets that advice.
    @Test func aLocalFailureDuringASyncIsNotCalledAConnectionProblem() async throws {
        let workspace = try Workspace()
        let token = try workspace.server.makeToken(access: "write")
        let address = try ServerAddress(parsing: workspace.server.address)
        struct LocalFailure: Error {}
        await #expect(throws: LocalFailure.self) {
            try await ServerConnection.withConnection(to: address, trust: .fingerprint(workspace.server.fingerprint)) { connection in
                _ = try await connection.request {
                    .hello(id: $0, protocolVersion: articleSyncProtocolVersion, clientID: "local-failure", token: token, collection: "articles")
                }
                throw LocalFailure()
            }
        }
        let wrongPin = "sha256:" + String(repeating: "0", count: 64)
        let refused = await #expect(throws: ReplicaError.self) {
            try await ServerConnection.withConnection(to: address, trust: .fingerprint(wrongPin)) { connection in
                _ = try await connection.request {
                    .hello(id: $0, protocolVersion: articleSyncProtocolVersion, clientID: "wrong-pin", token: token, collection: "articles")
                }
            }
        }
        #expect(refused?.description.contains("certificate has changed") == true, "\(String(describing: refused))")
    }
}
