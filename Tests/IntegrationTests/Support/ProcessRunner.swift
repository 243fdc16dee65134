import ArticleSyncStress
import Foundation

/// Where `swift build` put the executables: next to the test bundle.
enum Products {
    static let directory: URL = {
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let candidate = URL(fileURLWithPath: executable).deletingLastPathComponent()
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("articlesync").path) { return candidate }
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/debug")
    }()

    static let client = directory.appendingPathComponent("articlesync").path
    static let server = directory.appendingPathComponent("articlesync-server").path
    static let bench = directory.appendingPathComponent("articlesync-bench").path
}

typealias CommandResult = (status: Int32, stdout: String, stderr: String)

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
