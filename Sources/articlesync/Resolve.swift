import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared
import Foundation

extension ArticleSyncCommand {
    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resolve",
            abstract: "Settle a conflict; the result is pushed by the next sync as an edit on top of the server's version.",
            discussion: "--mine keeps this replica's version, --theirs takes the server's, --file reads a finished article, --edit opens $EDITOR on the merge attempt (saving is refused while conflict markers remain).")

        @OptionGroup var options: ReplicaOptions
        @Argument(help: "The article id or a unique prefix of it.") var id: String
        @Flag(help: "Keep this replica's version.") var mine = false
        @Flag(help: "Take the server's version.") var theirs = false
        @Option(help: ArgumentHelp("Use this article file as the resolution.", valueName: "FILE")) var file: String?
        @Flag(help: "Finish the merge attempt in $EDITOR.") var edit = false

        func validate() throws {
            if [mine, theirs, file != nil, edit].filter({ $0 }).count != 1 {
                throw ValidationError("give exactly one of --mine, --theirs, --file FILE, --edit")
            }
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
                guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
                resolution = .article(try Self.parseResolution(Array(data), file: file, id: conflict.mine.id))
            } else {
                let text = try TextEditor.edit(conflict.attempt, fileName: "\(fullID.prefix(8))-conflict.txt")
                resolution = .article(try Self.parseResolution(Array(text.utf8), file: "edited resolution", id: conflict.mine.id))
            }
            let resolved = try replica.resolve(fullID, with: resolution)
            print("resolved \(fullID.prefix(8)) (\(resolved.title)); `articlesync sync` sends it")
        }

        static func parseResolution(_ bytes: [UInt8], file: String, id: UUID) throws -> Article {
            if TextMerge.containsMarkers(String(decoding: bytes, as: UTF8.self)) {
                throw ReplicaError("\(file) still holds conflict markers (<<<<<<<, |||||||, =======, >>>>>>>); settle every block and try again")
            }
            return try ArticleText.parse(bytes, file: file, id: id)
        }
    }
}
