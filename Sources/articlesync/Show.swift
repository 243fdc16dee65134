import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared
import Foundation
import Logging

extension ArticleSyncCommand {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print an article in the plain-text format (a unique id prefix is enough).",
            discussion: "`show ID > FILE` notes FILE as written from the article: `edit ID --file FILE` then merges your changes with any the article got since (a sync, say) instead of undoing them. `--version N` prints a version from the server's history instead (`history ID` lists them) and notes nothing: `edit ID --file FILE` then saves that text as it is.")

        @OptionGroup var options: ReplicaOptions
        @Argument(help: "The article id or a unique prefix of it.") var id: String
        @Flag(help: "Print JSON, with version and content hash.") var json = false
        @Flag(help: "Print both sides of an unresolved conflict (and the common base).") var conflict = false
        @Option(help: ArgumentHelp("Print version N as the server's history keeps it (asks the server; `history ID` lists them).",
                                   valueName: "N")) var version: Int64?

        struct Output: Encodable {
            var article: Article
            var contentHash: String
            var modified: Bool
        }

        /// `--json` of `--version`: that version, and when and by which client the server accepted it.
        struct VersionOutput: Encodable {
            var article: Article
            var contentHash: String
            var acceptedAt: String
            var clientID: String
        }

        func validate() throws {
            if version != nil, conflict { throw ValidationError("--version and --conflict cannot be combined") }
            if let version, version < 1 { throw ValidationError("--version must be 1 or more (`articlesync history ID` lists the versions)") }
        }

        func run() async throws {
            let replica = try options.openForReading()
            if let version { return try await showVersion(version, replica: replica) }
            let fullID = try replica.resolveID(id)
            if conflict {
                guard let record = try replica.conflicts().first(where: { $0.articleID == fullID }) else {
                    throw ReplicaError("article \(fullID.prefix(8)) has no conflict")
                }
                print("conflict on \(fullID) (fields: \(record.fields.joined(separator: ", ")))")
                if let base = record.base { print("\n===== base (server version \(base.version))\n\(render(base))") }
                print("\n===== mine (this replica)\n\(render(record.mine))")
                print("\n===== theirs (server version \(record.theirs.version))\n\(render(record.theirs))")
                printMessage("\n===== merge attempt (`articlesync resolve \(fullID.prefix(8)) --edit` opens it)")
                print(record.attempt)
                return
            }
            guard let article = try replica.article(fullID) else { throw ReplicaError("there is no article \(fullID)") }
            if json {
                try printJSON(Output(article: article, contentHash: article.contentHash, modified: try replica.locallyModifiedIDs().contains(fullID)))
            } else {
                let text = render(article)
                print(text)
                Self.noteRedirect(of: article, printed: text + "\n", in: replica)
            }
        }

        /// `show ID > FILE`, then `edit ID --file FILE`, is how an article is edited in one's own
        /// editor. A sync in between (another machine's edit) was undone by that save without a word:
        /// the file was noted nowhere, so its text read as an edit of the newer version. When stdout
        /// is a regular file holding exactly what was printed (not one appended to), it is noted as
        /// written from the article, as `edit` notes its own files, and `edit --file` merges it with
        /// what changed since. Best effort: a note that cannot be written (the replica busy with
        /// another command's write for over a second, say) leaves the file as before.
        static func noteRedirect(of article: Article, printed: String, in replica: Replica) {
            guard !replica.isReadOnly, !article.isDeleted else { return }
            var info = stat()
            guard fstat(STDOUT_FILENO, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return }
            StandardOutput.flush()
            guard fstat(STDOUT_FILENO, &info) == 0, Int(info.st_size) == printed.utf8.count,
                  let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(STDOUT_FILENO)") else { return }
            // A second at most: show is a read, and must not hang behind a large `add`.
            _ = try? replica.noteFileWritten(FileOrigin(path: path, writtenFrom: article), waitingAtMost: 1)
        }

        /// Prints a version from the server. Not noted as `show ID > FILE` is: that note makes
        /// `edit --file` merge the file with what changed since, which would undo the point of
        /// writing out an older version (to save it as the article's text again).
        func showVersion(_ number: Int64, replica: Replica) async throws {
            let fullID = try History.articleID(id, in: replica)
            let engine = SyncEngine(directory: options.replicaDirectory, replica: replica, logger: Logger(label: "articlesync"))
            let found = try await engine.version(number, of: fullID)
            let article = found.change.article
            if json {
                try printJSON(VersionOutput(article: article, contentHash: article.contentHash, acceptedAt: found.acceptedAt, clientID: found.change.clientID))
                return
            }
            // On standard error: the text stays an article file, to save again with `edit --file`.
            if article.isDeleted { printError("(version \(number) deleted the article; this is its text as it was)") }
            print(ArticleText.print(article))
        }

        func render(_ article: Article) -> String {
            article.isDeleted ? "(deleted)\n" + ArticleText.print(article) : ArticleText.print(article)
        }
    }
}
