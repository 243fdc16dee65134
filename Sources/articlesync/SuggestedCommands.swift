import ArgumentParser
import ArticleSyncShared
import Foundation
import Synchronization

/// The commands this program's messages suggest ("`articlesync sync` sends it", "run
/// `articlesync conflicts`") work on the replica of the current directory. After `-C DIR` that is
/// the wrong one: pasted from the message, the command failed with "not an ArticleSync replica", or
/// ran on whatever replica the current directory was. So `ReplicaOptions` records the `-C DIR` a
/// command was given, and every message the program writes (errors, notes, the lines that suggest
/// a command) goes through `carryingReplicaOption`, which puts `-C DIR` into each suggested command.
/// The messages themselves, many of them the Client library's, stay written for the current directory.
enum SuggestedCommands {
    /// `-C DIR` as given, DIR quoted for the shell; nil when the replica is the current directory's.
    private static let replicaOption = Mutex<String?>(nil)

    /// Records the `-C DIR` of the command about to run ("" and "." are the current directory).
    static func record(directory: String) {
        let option = directory.isEmpty || directory == "." ? nil : "-C " + ShellWord.quoted(directory)
        replicaOption.withLock { $0 = option }
    }

    /// Commands that work on a replica: every one but `init` (whose directory is its argument) and `demo`.
    static let replicaCommands = Set(ArticleSyncCommand.configuration.subcommands.map { $0._commandName }).subtracting(["init", "demo"])

    /// `text` with the recorded `-C DIR` after each "articlesync" that a replica command follows
    /// ("articlesync sync", not "an articlesync server" or "articlesync-server token create").
    static func carryingReplicaOption(_ text: String) -> String {
        guard let option = replicaOption.withLock({ $0 }) else { return text }
        return carrying(option, in: text)
    }

    static func carrying(_ option: String, in text: String) -> String {
        var result = ""
        var rest = text[...]
        let program = "articlesync "
        while let found = rest.range(of: program) {
            let before = rest[..<found.lowerBound]
            let previous = before.last ?? result.last
            result += before
            result += program
            let word = rest[found.upperBound...].prefix { $0.isLetter }
            // Not a longer word ("sync-x"), nor the end of another name ("my-articlesync sync", "/opt/bin/articlesync sync").
            let ends = rest[found.upperBound...].dropFirst(word.count).first != "-"
            let standsAlone = previous.map { !$0.isLetter && !$0.isNumber && !"-_./".contains($0) } ?? true
            if replicaCommands.contains(String(word)), ends, standsAlone {
                result += option + " "
            }
            rest = rest[found.upperBound...]
        }
        return result + rest
    }
}
