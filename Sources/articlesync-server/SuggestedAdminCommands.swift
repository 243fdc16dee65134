import ArticleSyncServer
import ArticleSyncShared
import Foundation
import Synchronization

/// An error names the command that mends it ("make it with `articlesync-server collection create
/// news`", "run `articlesync-server check`"), written for the default data directory. After
/// `--data DIR` that command, pasted as it is, worked on ./articlesync-data instead: it failed with
/// "no change log", or made the collection there. So the `--data DIR` a command was given is
/// recorded, and put into each command the operator's error suggests, as the client does with `-C DIR`.
enum SuggestedAdminCommands {
    private static let dataOption = Mutex<String?>(nil)

    /// Records `--data DIR` when it is not the default.
    static func record(dataDirectory: String) {
        let option = dataDirectory == DataOptions.defaultDirectory ? nil : "--data " + ShellWord.quoted(dataDirectory)
        dataOption.withLock { $0 = option }
    }

    /// The change log's own errors with the recorded `--data DIR` in each command they suggest;
    /// any other error as it is (setup errors name the directory already, and the parser's
    /// errors name no data directory).
    static func carryingDataOption(_ error: any Error) -> any Error {
        guard error is AdminError || error is ChangeLogDamage, let option = dataOption.withLock({ $0 }) else { return error }
        return AdminError(carrying(option, in: "\(error)"))
    }

    /// `text` with ` option` before the closing backtick of each "`articlesync-server …`" that does
    /// not give --data itself.
    static func carrying(_ option: String, in text: String) -> String {
        var result = ""
        var rest = text[...]
        let opening = "`articlesync-server "
        while let found = rest.range(of: opening), let closing = rest[found.upperBound...].firstIndex(of: "`") {
            let command = rest[found.lowerBound..<closing]
            result += rest[..<found.lowerBound] + command + (command.contains("--data") ? "" : " " + option) + "`"
            rest = rest[rest.index(after: closing)...]
        }
        return result + rest
    }
}
