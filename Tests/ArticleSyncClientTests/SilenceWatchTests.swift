@testable import ArticleSyncClient
import NIOCore
import Testing

/// When a connection counts as given up for silence: only while an answer is awaited. The real
/// server stopped with SIGSTOP is `ReliabilityTests.aServerThatFallsSilentIsGivenUpWithAClearError`.
@Suite struct SilenceWatchTests {
    @Test func onlyWaitingForAnAnswerCountsAsSilence() {
        let watch = SilenceWatch(limit: .seconds(60))
        #expect(!watch.shouldGiveUp(now: .now() + .seconds(600)), "no request out: the client's own work (a checkpoint) does not count")
        watch.requestSent()
        #expect(!watch.shouldGiveUp(now: .now() + .seconds(30)))
        #expect(!watch.fellSilent)
        #expect(watch.shouldGiveUp(now: .now() + .seconds(61)))
        #expect(watch.fellSilent)
    }

    @Test func anAnswerOrAnyByteStartsTheCountAgain() {
        let watch = SilenceWatch(limit: .seconds(60))
        watch.requestSent()
        watch.answerRead()
        #expect(!watch.shouldGiveUp(now: .now() + .seconds(600)), "every answer read: nothing is awaited")
        watch.requestSent()
        watch.requestSent()
        watch.answerRead()
        #expect(watch.shouldGiveUp(now: .now() + .seconds(61)), "one of two pipelined requests is still unanswered")
        let reading = SilenceWatch(limit: .seconds(60))
        reading.requestSent()
        reading.heard()  // bytes of a large answer still arriving
        #expect(!reading.shouldGiveUp(now: .now() + .seconds(59)))
    }
}
