import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared
import Foundation

extension ArticleSyncCommand {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Import article files (plain-text article format) and print their new ids.",
            discussion: """
                If any file is refused, none is imported; files are read one at a time, so a large \
                import needs little memory. A directory \
                stands for the .txt files directly in it, in name order, which also keeps a \
                collection of thousands of files off the command line.
                """)

        @OptionGroup var options: ReplicaOptions

        @Argument(help: "Article files, or directories of them.")
        var files: [String]

        func run() async throws {
            let replica = try options.open()
            let files = try files.flatMap(Self.articleFiles)
            // Read, checked and stored one by one in one transaction: a bad file stops the import
            // with nothing imported, and only one article is in memory at a time.
            var remaining = files.makeIterator()
            var current = ""
            var added: [(id: String, title: String)] = []
            do {
                try replica.add(reading: {
                    guard let file = remaining.next() else { return nil }
                    current = file
                    guard let data = FileManager.default.contents(atPath: file) else {
                        throw ValidationError("cannot read \(file): no such file, or it is not readable")
                    }
                    return try ArticleText.parse(data, file: file)
                }, each: { added.append(($0.idString, $0.title)) })
            } catch let refusal as ReplicaError {
                // The replica refuses the article it was just given: name the file it came from.
                throw ValidationError("\(current): \(refusal)")
            }
            for (id, title) in added {
                print("\(id)\t\(title)")
            }
        }

        /// `path` itself, or when it is a directory the .txt files directly in it, in name order.
        static func articleFiles(_ path: String) throws -> [String] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return [path] }
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: path)
            } catch {
                throw ValidationError("cannot read the directory \(path): \(error.localizedDescription)")
            }
            let files = names.filter { $0.hasSuffix(".txt") && !$0.hasPrefix(".") }.sorted().map { (path as NSString).appendingPathComponent($0) }
                .filter { file in
                    var isDirectory: ObjCBool = false
                    return FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) && !isDirectory.boolValue
                }
            guard !files.isEmpty else { throw ValidationError("\(path) is a directory with no .txt files in it; nothing to import") }
            return files
        }
    }
}
