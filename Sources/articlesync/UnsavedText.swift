import ArticleSyncClient
import ArticleSyncShared
import Foundation

/// Where text a person wrote goes when it cannot be saved: the replica's `.articlesync/unsaved/`,
/// under `name` (`ID.txt` for `edit`, `ID-resolution.txt` for `resolve`), with the command
/// (`rerun` + the path) that saves it from there.
struct UnsavedText {
    let replica: ReplicaDirectory
    let name: String
    let rerun: String
    /// Called with the path written (`edit` notes the article the text was written from).
    var written: (String) throws -> Void = { _ in }

    /// Writes `text` and returns the sentence that says where, and how to save it.
    func keep(_ text: String) throws -> String { try keep(Array(text.utf8)) }

    /// Where kept texts go.
    static func directory(of replica: ReplicaDirectory) -> String { replica.metadataPath + "/unsaved" }

    /// The kept texts waiting in `replica`, by name, for `status` to name: a text kept when the
    /// terminal closed was named to no one.
    static func waiting(in replica: ReplicaDirectory) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory(of: replica))) ?? []
        // ID.txt, ID.2.txt, …, ID.10.txt: in the order they were kept, not as the names sort.
        return names.filter { $0.hasSuffix(".txt") }.sorted { parts($0) < parts($1) }
    }

    /// A kept text's name without `.txt`, and the number a later text of the same article gets:
    /// `ID.txt` is ("ID", 1), `ID-resolution.2.txt` ("ID-resolution", 2).
    static func parts(_ name: String) -> (stem: String, number: Int) {
        let base = name.dropLast(4)
        guard let dot = base.lastIndex(of: "."), let number = Int(base[base.index(after: dot)...]) else { return (String(base), 1) }
        return (String(base[..<dot]), number)
    }

    /// The texts kept under this one's name, or numbered after it, that wait to be saved.
    func waiting() -> [KeptText] {
        Self.waiting(in: replica).map { KeptText(name: $0, in: replica) }.filter { $0.stem + ".txt" == name }
    }

    /// Says, before an editor opens, that text kept from an earlier try waits: the person may
    /// mean to go on with that one rather than start again.
    func noteWaiting() {
        for kept in waiting() {
            printError("note: text kept from an earlier edit waits in \(kept.path); `\(kept.command)` saves it")
        }
    }

    /// Once `file` is saved (`edit --file`, `resolve --file`), a kept text has done its work: it is
    /// removed, so that `status` names only texts still waiting.
    /// Returns whether `file` was a kept text and is gone.
    @discardableResult
    static func removeIfKept(_ file: String, in replica: ReplicaDirectory) -> Bool {
        let kept = URL(fileURLWithPath: directory(of: replica)).resolvingSymlinksInPath().standardizedFileURL.path
        let path = URL(fileURLWithPath: file).resolvingSymlinksInPath().standardizedFileURL
        guard path.deletingLastPathComponent().path == kept else { return false }
        return (try? FileManager.default.removeItem(at: path)) != nil
    }

    /// Writes `bytes` as they are, so that text which is not valid UTF-8 is kept unchanged. A text
    /// kept before under the same name is not written over: before, a second failed edit of an
    /// article replaced the text the first one kept. The new one takes the next free number
    /// (`ID.2.txt`), unless a kept file holds these very bytes (`edit --file` of a kept text that
    /// is still refused), which is used again.
    func keep(_ bytes: [UInt8]) throws -> String {
        let directory = Self.directory(of: replica)
        let data = Data(bytes)
        let stem = String(name.dropLast(4))
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var path = directory + "/" + name
        var number = 2
        while let existing = FileManager.default.contents(atPath: path), existing != data {
            path = directory + "/\(stem).\(number).txt"
            number += 1
        }
        try data.write(to: URL(fileURLWithPath: path))
        try written(path)
        return "Your text is kept in \(path): fix it and run `\(rerun) \(ShellWord.quoted(path))`."
    }
}

/// A text in `.articlesync/unsaved/` and the command that saves it.
struct KeptText: Encodable {
    var path: String
    var articleID: String
    var command: String

    /// The name without `.txt` and without the number a second text of the same article gets
    /// (`ID.2.txt`): `ID` or `ID-resolution`.
    var stem: String { UnsavedText.parts((path as NSString).lastPathComponent).stem }

    init(name: String, in replica: ReplicaDirectory) {
        path = UnsavedText.directory(of: replica) + "/" + name
        let stem = UnsavedText.parts(name).stem
        let resolution = stem.hasSuffix("-resolution")
        articleID = String(stem.dropLast(resolution ? 11 : 0))
        command = "articlesync \(resolution ? "resolve" : "edit") \(articleID) --file \(ShellWord.quoted(path))"
    }
}
