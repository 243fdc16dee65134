@testable import ArticleSyncServer
import Foundation
import Testing

/// The claim of one `serve` on a data directory (`ServingLock`).
@Suite struct ServingLockTests {
    /// `articlesync-server status` takes a shared lock on serve.lock for a moment to see whether a
    /// server runs. A `serve` starting in that moment was refused as if another server held the
    /// directory. Here the moment is held for 50 ms, from a thread of its own; the start tries again
    /// for up to a second.
    @Test func aStartDuringStatussMomentaryLookIsNotRefused() throws {
        let directory = try TemporaryDirectory()
        let data = ServerDataDirectory(path: directory.path + "/data")
        try data.create()
        let look = open(data.servingLockPath, O_RDWR | O_CREAT, 0o600)
        #expect(look >= 0 && flock(look, LOCK_SH) == 0)
        let release = Thread {
            Thread.sleep(forTimeInterval: 0.05)
            close(look)
        }
        release.start()
        let lock = try ServingLock(directory: data)
        #expect(ServingLock.isHeld(in: data))
        _ = lock
    }

    /// A lock that stays held is a server that runs: refused, naming its pid.
    @Test func aSecondClaimIsRefusedNamingTheHolder() throws {
        let directory = try TemporaryDirectory()
        let data = ServerDataDirectory(path: directory.path + "/data")
        let first = try ServingLock(directory: data)
        #expect {
            _ = try ServingLock(directory: data)
        } throws: { error in
            "\(error)".contains("another articlesync-server (pid \(getpid())) is serving")
        }
        _ = first
    }
}
