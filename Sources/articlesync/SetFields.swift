import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared
import Foundation

extension ArticleSyncCommand {
    struct SetFields: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Change fields of an article without an editor (for scripts).")

        @OptionGroup var options: ReplicaOptions
        @Argument(help: "The article id or a unique prefix of it.") var id: String
        @Option(help: "New title.") var title: String?
        @Option(help: ArgumentHelp("Replace the body with this file's text (- reads standard input); a whole article's text is refused: edit --file saves one.",
                                   valueName: "FILE"))
        var bodyFile: String?
        @Option(help: "New category.") var category: String?
        @Option(help: "New source.") var source: String?
        @Option(help: "Set the tags (repeat for several); replaces all tags.") var tag: [String] = []
        @Flag(help: "Remove all tags.") var clearTags = false
        @Option(help: ArgumentHelp("Publication time, ISO 8601 to the second (2020-09-30T08:00:00Z, or +07:00 for Z; kept and shown in UTC); empty clears it.", valueName: "TIME")) var published: String?

        /// A script's `--tag "$TAG"` with TAG unset would otherwise clear every tag without a word, and
        /// `set ID` alone would say "saved" having changed nothing.
        func validate() throws {
            guard title != nil || bodyFile != nil || category != nil || source != nil || !tag.isEmpty || clearTags || published != nil else {
                throw ValidationError("nothing to change: give --title, --body-file, --category, --source, --tag, --clear-tags or --published")
            }
            if tag.contains(where: { $0.allSatisfy(\.isWhitespace) }) {
                throw ValidationError("--tag needs a non-empty tag; --clear-tags removes all tags")
            }
            if !tag.isEmpty, clearTags { throw ValidationError("--tag replaces all tags and --clear-tags removes them: give one of the two") }
            // Before the replica is opened: a date that does not exist is a slip of the command line.
            if let published, !published.isEmpty { _ = try Self.publicationTime(published) }
        }

        static func publicationTime(_ text: String) throws(ValidationError) -> Date {
            do {
                return try PublicationTime.parse(text)
            } catch {
                throw ValidationError("--published: \(error)")
            }
        }

        func run() async throws {
            let replica = try options.open()
            let fullID = try replica.resolveID(id)
            var body: String?
            if let bodyFile {
                guard let data = try InputFile.contents(orStandardInput: bodyFile, holding: "the body") else { throw ValidationError("cannot read \(bodyFile): \(InputFile.whyUnreadable(bodyFile))") }
                guard let text = String(validating: data, as: UTF8.self) else { throw ValidationError("\(bodyFile) is not valid UTF-8 text") }
                try refuseWholeArticle(text, in: bodyFile, for: fullID, replica)
                body = text
            }
            var publishedAt: Date??
            if let published {
                if published.isEmpty {
                    publishedAt = .some(nil)
                } else {
                    publishedAt = .some(try Self.publicationTime(published))
                }
            }
            let (title, category, source, tags, clearTags) = (self.title, self.category, self.source, self.tag, self.clearTags)
            let frozenBody = body, frozenPublished = publishedAt
            let saved = try replica.update(fullID) { article in
                if let title { article.title = title }
                if let frozenBody { article.body = frozenBody }
                if let category { article.category = category }
                if let source { article.source = source }
                if !tags.isEmpty { article.tags = Set(tags) }
                if clearTags { article.tags = [] }
                if let frozenPublished { article.publishedAt = frozenPublished }
            }
            // A tombstone's fields can change, but the article stays out of `list` until restored.
            let deleted = saved.isDeleted ? " (it is deleted: `articlesync restore \(fullID.prefix(8))` brings it back)" : ""
            printMessage("saved \(fullID.prefix(8))\(deleted)")
        }

        /// `--body-file` with an article file (an export, `show ID > FILE`, kept text), a slip for
        /// `edit ID --file`: before, the category and title lines went into the body, and the closing
        /// `{source | tags}` tag became body text. Such a file is one this replica wrote or read as an
        /// article, one named after an article (`<id>.txt`), or one that starts with the article's
        /// own category and title lines.
        func refuseWholeArticle(_ text: String, in file: String, for id: String, _ replica: Replica) throws {
            // The article the file holds, where the replica can tell.
            var holder: String?
            if file != "-" { holder = try replica.fileOrigin(of: file)?.articleID ?? FileOrigin.articleNamed(by: file) }
            if holder == nil, let current = try replica.article(id), let parsed = try? ArticleText.parse(Array(text.utf8), file: file),
               parsed.category == current.category, parsed.title == current.title {
                holder = id
            }
            guard let holder else { return }
            let short = holder.prefix(8)
            let edit = "`articlesync edit \(short) --file \(file == "-" ? "-" : ShellWord.quoted(file))`"
            throw ReplicaError("\(file == "-" ? "standard input" : file) holds a whole article (category, title, body and closing tag), not a body: "
                + "as the body, its category and title lines would become body text. \(edit) saves an article file; to use its text as the "
                + "body anyway, remove the lines above the body and the closing {…} tag first. Nothing was saved.")
        }
    }
}
