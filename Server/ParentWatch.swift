import Foundation
import Logging
import ServiceLifecycle

/// Returns once the process that started this one has exited, which ends the server gracefully
/// (`serve --exit-with-parent`). A test harness, benchmark or script that starts servers and then
/// dies (a crash, SIGKILL) cannot stop them itself: before, they stayed behind, bound to their
/// ports, until someone killed them by hand.
///
/// The parent is watched by polling `getppid()`, which changes when the parent exits and this
/// process is adopted (by init or a subreaper). PR_SET_PDEATHSIG would fire when the *thread* that
/// spawned this process exits, which in a Swift program (a pool thread) can be long before the
/// process does.
struct ParentWatch: Service {
    let parent: pid_t
    let logger: Logger
    static let pollInterval: Duration = .milliseconds(250)

    func run() async throws {
        while getppid() == parent, !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await Task.sleep(for: Self.pollInterval)
        }
        if getppid() != parent { logger.notice("the process that started this server exited; stopping") }
    }
}
