import ArticleSyncClient
import ArticleSyncShared
import Foundation
import GRDB
import Testing

/// What the CLI prints for the replica database's failures (`ReplicaError.explaining`). The full
/// disk and the damaged file are also caused for real in `StorageFailureTests`.
@Suite struct ReplicaErrorTests {
    func explained(_ code: ResultCode) -> String {
        "\(ReplicaError.explaining(DatabaseError(resultCode: code, message: "sqlite's words")))"
    }

    @Test func failuresAPersonCanActOnAreNamedWithWhatToDo() {
        #expect(explained(.SQLITE_FULL).hasPrefix("the disk holding the replica is full (SQLite: sqlite's words)"))
        #expect(explained(.SQLITE_IOERR).contains("is its disk full or failing?"))
        #expect(explained(.SQLITE_READONLY).contains("cannot be opened for writing"))
        #expect(explained(.SQLITE_BUSY).hasPrefix("the replica stayed busy for 30 s: another articlesync command is writing to it"))
        #expect(explained(.SQLITE_CORRUPT).contains("is damaged"))
        for code in [ResultCode.SQLITE_FULL, .SQLITE_IOERR, .SQLITE_BUSY] {
            #expect(explained(code).contains("What failed was not applied"), "\(code)")
        }
    }

    /// Before, "Error Domain=NSCocoaErrorDomain Code=4 "The file doesn’t exist." UserInfo={…}".
    @Test func foundationsFileErrorsAreNamedInTheSystemsWords() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString)/inner").path
        let error = try #require(throws: (any Error).self) { try FileManager.default.contentsOfDirectory(atPath: missing) }
        #expect("\(ReplicaError.explaining(error))" == "a file operation failed on \(missing): No such file or directory")
        #expect(FileFailure.reason(error) == "No such file or directory")
    }

    @Test func otherErrorsAreLeftAsTheyAre() {
        #expect(explained(.SQLITE_CONSTRAINT).contains("SQLite error 19"))
        let refusal = ReplicaError("already clear")
        #expect("\(ReplicaError.explaining(refusal))" == "already clear")
    }
}
