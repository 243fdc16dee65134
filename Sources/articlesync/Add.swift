import ArgumentParser
import ArticleSyncClient
import ArticleSyncShared
import Foundation
import SystemPackage

extension ArticleSyncCommand {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Import article files (plain-text article format) and print their new ids.",
            discussion: """
                If any file is refused, none is imported; files are read one at a time, so a large \
                import needs little memory. A directory stands for the .txt files directly in it, in \
                name order; its subdirectories are not read (a note names the `find` that imports \
                them). Files named like this replica's own articles (<id>.txt, as `export` writes \
                them) are refused unless --as-new: `edit ID --file FILE` changes an article from its file.

                Files this replica added before are skipped while unchanged and their article not \
                deleted, so `add DIR` again imports only DIR's new files; one changed since is refused, \
                naming the `edit ID --file FILE` that saves the change. --as-new adds them again as copies.

                Give thousands of files as their directory or with --files-from rather than one by one: \
                the time to parse the command line grows with the square of the number of arguments \
                (about 12 s for 20,000 names).
                """)

        @OptionGroup var options: ReplicaOptions

        @Argument(help: "Article files, or directories of them; - reads one article from standard input.")
        var files: [String] = []

        @Option(help: ArgumentHelp("""
            Also import the files or directories listed in FILE, one per line, or separated by NULs as `find -print0` \
            writes them (- reads standard input).
            """, valueName: "FILE"))
        var filesFrom: String?

        @Flag(help: "Add files named like this replica's articles (<id>.txt, as `export` names them), or added before, as new copies.")
        var asNew = false

        func validate() throws {
            if files.isEmpty, filesFrom == nil {
                throw ValidationError("name the article files to import, a directory of them, or --files-from FILE")
            }
            if files.filter({ $0 == "-" }).count + (filesFrom == "-" ? 1 : 0) > 1 {
                throw ValidationError("standard input can be read once: give - either as one article or as --files-from -")
            }
        }

        func run() async throws {
            if files.count >= Self.manyArguments {
                printError("note: naming \(files.count) files on the command line is slow to parse; next time name their directory, or use --files-from")
            }
            let replica = try options.open()
            let listed = try filesFrom.map(Self.listedPaths) ?? []
            var files = try (files + listed).flatMap(Self.articleFiles)
            var keys = Self.originKeys(files)
            // A file named twice (`add DIR DIR/a.txt`) is one article, not two.
            var seen = Set<String>()
            let once = keys.indices.filter { keys[$0].map { seen.insert($0).inserted } ?? true }
            (files, keys) = (once.map { files[$0] }, once.map { keys[$0] })
            var skipped = 0
            if !asNew {
                try Self.refuseExports(files, of: replica)
                let unchanged = try Self.unchangedFilesAddedBefore(files, keys: keys, of: replica)
                skipped = unchanged.count
                let kept = files.indices.filter { !unchanged.contains($0) }
                (files, keys) = (kept.map { files[$0] }, kept.map { keys[$0] })
            }
            // Read, checked and stored one by one in one transaction: a bad file stops the import
            // with nothing imported, and only one article is in memory at a time.
            var remaining = zip(files, keys).makeIterator()
            var current = ""
            var added: [(id: String, title: String)] = []
            do {
                try replica.add(readingFiles: {
                    guard let (file, key) = remaining.next() else { return nil }
                    current = file
                    let read: Data?
                    do {
                        read = try InputFile.contents(orStandardInput: file, holding: "an article")
                    } catch {
                        throw UnreadableFile(path: file, reason: "\(error)")
                    }
                    guard let data = read else { throw UnreadableFile(path: file, reason: nil) }
                    return (try ArticleText.parse(data, file: InputFile.label(file)), key)
                }, each: { added.append(($0.idString, $0.title)) })
            } catch let unreadable as UnreadableFile {
                throw ReplicaError("\(unreadable.reason ?? "cannot read \(unreadable.path): \(InputFile.whyUnreadable(unreadable.path))"); "
                    + Self.nothingImported(files.count))
            } catch let error as ArticleTextError {
                throw ReplicaError("\(error); \(Self.nothingImported(files.count))")
            } catch let refusal as ReplicaError {
                // The replica refuses the article it was just given: name the file it came from.
                throw ReplicaError("\(current): \(refusal); \(Self.nothingImported(files.count))")
            }
            for (id, title) in added {
                print("\(id)\t\(title)")
            }
            if skipped > 0 {
                printError("skipped \(skipped) file(s) this replica added before and that have not changed since\(added.isEmpty ? "; nothing new to add" : "") "
                    + "(--as-new adds them again as copies)")
            }
        }

        /// Where each file's origin is noted (`FileOrigin.key`), resolving each folder once: a
        /// directory of 20,000 files is one folder, and resolving a path costs tens of microseconds.
        /// None for standard input, a pipe (`<(…)`, /dev/stdin) or a device: what they hold next
        /// time is another text, not the same file changed.
        static func originKeys(_ files: [String]) -> [String?] {
            var folders: [String: String] = [:]
            return files.map { file in
                var info = stat()
                guard file != "-", stat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
                // FilePath: Foundation's deletingLastPathComponent traps on some short paths
                // ("a", ".", "x/"), so `add a` crashed.
                let path = FilePath(file)
                let parent = path.removingLastComponent()
                let folder = parent.isEmpty ? "." : parent.string
                let key = folders[folder] ?? FileOrigin.key(folder)
                folders[folder] = key
                return (key as NSString).appendingPathComponent(path.lastComponent?.string ?? file)
            }
        }

        /// Before, `add DIR` run again after new files were put in DIR added every earlier file a
        /// second time, as copies under new ids. Files this replica added before (or wrote: kept
        /// text, an export) that still hold that article as it was then are skipped; one that
        /// changed since is refused, since its changes belong in that article rather than a copy.
        /// Returns the indices of the files to skip.
        static func unchangedFilesAddedBefore(_ files: [String], keys: [String?], of replica: Replica) throws -> Set<Int> {
            let origins = try replica.origins(ofKeys: keys.compactMap { $0 })
            var unchanged = Set<Int>()
            for (index, key) in keys.enumerated() {
                // A file that cannot be read or parsed is left to the import, which names its fault.
                guard let key, let origin = origins[key], let id = UUID(uuidString: origin.articleID),
                      let data = try? InputFile.contents(atPath: files[index]),
                      var article = try? ArticleText.parse(data, file: files[index]) else { continue }
                article.id = id
                if ArticleText.normalized(article).contentHash == origin.contentHash {
                    unchanged.insert(index)
                    continue
                }
                let short = origin.articleID.prefix(8)
                throw ReplicaError("\(files[index]) was added to this replica before (or written from it) as article \(short), and has changed "
                    + "since: `articlesync edit \(short) --file \(ShellWord.quoted(files[index]))` saves its changes to that article; to add it as a new "
                    + "article anyway, pass --as-new. Nothing was imported.")
            }
            return unchanged
        }

        /// Exported files edited and added back would become copies under new ids, next to the
        /// articles they came from (all 20,000 of them, for an export of everything): refused
        /// before anything is read, with the command that changes an article from its file.
        static func refuseExports(_ files: [String], of replica: Replica) throws {
            var byID: [String: String] = [:]
            for file in files {
                let name = (file as NSString).lastPathComponent
                let stem = String(name.dropLast(4))
                if name.hasSuffix(".txt"), let id = UUID(uuidString: stem), id.uuidString.lowercased() == stem { byID[stem] = file }
            }
            guard !byID.isEmpty else { return }
            let held = try replica.heldIDs(among: Array(byID.keys)).sorted()
            guard let first = held.first, let file = byID[first] else { return }
            throw ReplicaError("\(held.count) of the files are this replica's own articles, as `export` names them (\(file) is article "
                + "\(first.prefix(8))): `add` would make copies of them under new ids. To change an article from its file, run "
                + "`articlesync edit \(first.prefix(8)) --file \(ShellWord.quoted(file))`; to add copies anyway, pass --as-new. Nothing was imported.")
        }

        struct UnreadableFile: Error {
            let path: String
            /// What was wrong, when it was more than not being there or readable.
            let reason: String?
        }

        /// One refused file stops the whole import: say so, since with many files a person would
        /// otherwise wonder which of the others went in.
        static func nothingImported(_ count: Int) -> String {
            count == 1 ? "nothing was imported" : "none of the \(count) files was imported: fix that file, or leave it out, and run `add` again"
        }

        /// From this many arguments on, parsing them takes about a second (0.47 s for 4,000 here).
        static let manyArguments = 5_000

        /// The non-empty lines of `source`, or of standard input for "-"; or, when the list holds
        /// NUL bytes (`find -print0`), the names between them. Before, a -print0 list was read as
        /// one line, and C cut that path at its first NUL: only the first file was imported,
        /// without a word about the rest.
        static func listedPaths(_ source: String) throws -> [String] {
            // A pipe too: `--files-from <(find … -print0)`.
            guard let data = try InputFile.contents(orStandardInput: source, holding: "file names, one per line,") else {
                throw ValidationError("cannot read the file list \(source): \(InputFile.whyUnreadable(source))")
            }
            // A name cannot hold a NUL, so a list that has one is separated by them (and its names
            // may hold line breaks).
            let names = data.contains(0)
                ? data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
                : String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
            let paths = names.filter { !$0.isEmpty }
            guard !paths.isEmpty else { throw ValidationError("the file list \(source) names no files; nothing to import") }
            return paths
        }

        /// `path` itself, or when it is a directory the .txt files directly in it, in name order (a
        /// note says when it has subdirectories, which are not read).
        static func articleFiles(_ path: String) throws -> [String] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return [path] }
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: path)
            } catch {
                throw ValidationError("cannot read the directory \(path): \(FileFailure.reason(error))")
            }
            var files: [String] = [], subdirectories = 0
            for name in names.sorted() where !name.hasPrefix(".") {
                let file = (path as NSString).appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
                    // Only a symbolic link whose target is missing is listed yet not there.
                    if name.hasSuffix(".txt") { printError("note: skipping \(file): a symbolic link to a file that does not exist") }
                    continue
                }
                if isDirectory.boolValue {
                    subdirectories += 1
                } else if name.hasSuffix(".txt") {
                    files.append(file)
                }
            }
            // Folders of folders are common (an archive by year); only the top level is read, and a
            // person should learn that from the command rather than from articles missing later.
            let subdirectoriesNote = subdirectories == 0 ? "" : "its \(subdirectories) subdirector\(subdirectories == 1 ? "y is" : "ies are") not read; "
                + "`find \(ShellWord.quoted(path)) -name '*.txt' | articlesync add --files-from -` imports the .txt files in them too"
            guard !files.isEmpty else {
                throw ValidationError("\(path) is a directory with no .txt files directly in it\(subdirectoriesNote.isEmpty ? "" : " (\(subdirectoriesNote))"); nothing to import")
            }
            if !subdirectoriesNote.isEmpty { printError("note: importing the .txt files directly in \(path); \(subdirectoriesNote)") }
            return files
        }
    }
}
