import ArticleSyncClient
import Foundation
import Testing

/// `InputFile`: files named on the command line, pipes among them, read to their end but no
/// further than a limit.
@Suite struct InputFileTests {
    @Test func aPipeIsReadToItsEnd() throws {
        let pipe = Pipe()
        let text = Data(String(repeating: "Paragraf. ", count: 50_000).utf8)
        let writer = Thread { pipe.fileHandleForWriting.write(text); try? pipe.fileHandleForWriting.close() }
        writer.start()
        // FileManager's contents(atPath:) returns nil for a pipe.
        #expect(try InputFile.read(pipe.fileHandleForReading, named: "the pipe") == text)
    }

    /// Before the limit, `add /dev/zero` read until the memory ran out.
    @Test func anEndlessFileIsRefusedAtTheLimit() throws {
        let error = try #require(throws: ReplicaError.self) { try InputFile.contents(atPath: "/dev/zero", limit: 1 << 20) }
        #expect(error.message.hasPrefix("/dev/zero holds more than 1 MiB (or never ends, as /dev/zero does)"), "\(error)")
        #expect(try InputFile.contents(atPath: "/dev/null", limit: 1 << 20) == Data())
    }

    @Test func aMissingFileOrADirectoryIsNil() throws {
        #expect(try InputFile.contents(atPath: "/no/such/file") == nil)
        #expect(try InputFile.contents(atPath: FileManager.default.temporaryDirectory.path) == nil)
    }
}
