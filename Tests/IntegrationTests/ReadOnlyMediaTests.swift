import ArticleSyncStress
import Foundation
import Testing

/// A replica on a read-only file system: a snapshot, a backup disk mounted `ro`. Before, every
/// command failed there with "cannot be opened for writing", `list` and `export` too, so articles
/// could not even be copied out of a snapshot. The file system is a read-only bind mount of a
/// replica, which needs root (as CI runs); elsewhere the suite does not run.
@Suite(.timeLimit(.minutes(5)), .enabled(if: ReadOnlyMount.available, "needs root to mount a read-only bind mount"))
struct ReadOnlyMediaTests {
    @Test func aReplicaOnAReadOnlyFileSystemIsReadAndExportedAndNotWritten() throws {
        let (workspace, replica) = try Workspace.withOneReplica()
        try replica.ok(["add", workspace.seedFiles[0], workspace.seedFiles[1], workspace.seedFiles[2]])
        try replica.ok(["sync"])
        let ids = try replica.list().map { String($0.id.prefix(8)) }
        try replica.ok(["delete", ids[2]])
        let mount = try ReadOnlyMount(of: replica.path, at: workspace.root + "/snapshot")
        // Before the workspace removes its folder, which holds the mount point.
        defer { withExtendedLifetime(workspace) { mount.unmount() } }
        let snapshot = ReplicaCLI(path: mount.path)

        #expect(try snapshot.ok(["status"]).contains("2 articles (1 deleted)"))
        #expect(try snapshot.list() == replica.list())
        #expect(try snapshot.ok(["show", ids[0]]) == replica.ok(["show", ids[0]]))
        #expect(try snapshot.ok(["conflicts"]) == "no conflicts\n")
        let exported = try snapshot.run(["export", workspace.root + "/rescue"])
        #expect(exported.status == 0 && exported.stdout == "exported 2 articles to \(workspace.root)/rescue\n", "\(exported.stderr)")
        #expect(exported.stderr.contains("the replica is on a read-only file system, so these files are not noted in it"), "\(exported.stderr)")
        try replica.ok(["export", workspace.root + "/original"])
        for id in try replica.list().filter({ !$0.deleted }).map(\.id) {
            #expect(FileManager.default.contents(atPath: workspace.root + "/rescue/\(id).txt")
                    == FileManager.default.contents(atPath: workspace.root + "/original/\(id).txt"))
        }

        // A command that writes says why it cannot run there, and what can.
        for arguments in [["set", ids[0], "--tag", "arsip"], ["sync"]] {
            let refused = try snapshot.run(arguments)
            #expect(refused.status == 1 && refused.stderr.contains("the replica is on a read-only file system (a snapshot, a disk mounted "
                + "read-only), where this command, which may write, cannot run; `list`, `show`, `status`, `conflicts` and `export` read it there"),
                    "\(arguments): \(refused.stderr)")
        }
        #expect(try !replica.list()[0].tags.contains("arsip"))
    }
}

/// A read-only bind mount of a directory, undone by `unmount`.
struct ReadOnlyMount {
    let path: String

    init(of directory: String, at path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let mounted = try runProgram("/bin/sh", ["-c", #"mount --bind "$1" "$2" && mount -o remount,ro,bind "$2""#, "sh", directory, path])
        guard mounted.status == 0 else {
            _ = try? runProgram("umount", [path])
            throw TestFailure("cannot mount \(directory) read-only at \(path): \(mounted.stderr)")
        }
        self.path = path
    }

    func unmount() {
        _ = try? runProgram("/bin/umount", [path])
    }

    /// Whether this process may make one: root, where mounting is allowed (not in every container).
    static let available: Bool = {
        guard getuid() == 0 else { return false }
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("articlesync-mount-probe-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard (try? FileManager.default.createDirectory(atPath: probe + "/target", withIntermediateDirectories: true)) != nil,
              let mount = try? ReadOnlyMount(of: probe + "/target", at: probe + "/mounted") else { return false }
        mount.unmount()
        return true
    }()
}
