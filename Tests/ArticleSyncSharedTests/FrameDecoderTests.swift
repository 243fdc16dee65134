import ArticleSyncShared
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@Suite struct FrameDecoderTests {
    func frame(_ payload: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(payload.utf8.count))
        buffer.writeString(payload)
        return buffer
    }

    @Test func verifierAcceptsEverySplitOfTheInput() throws {
        let pairs: [(ByteBuffer, [ByteBuffer])] = [
            (frame("{\"type\":\"ping\",\"id\":1}"), [ByteBuffer(string: "{\"type\":\"ping\",\"id\":1}")]),
            (frame(""), [ByteBuffer()]),
            (frame("x") , [ByteBuffer(string: "x")]),
            ({ var two = frame("ab"); var second = frame("cde"); two.writeBuffer(&second); return two }(),
             [ByteBuffer(string: "ab"), ByteBuffer(string: "cde")]),
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { FrameDecoder(maximumFrameLength: 1024) }
    }

    @Test func waitsForTheWholeFrameByteByByte() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder()))
        var input = frame("hello")
        while let byte = input.readSlice(length: 1) {
            try channel.writeInbound(byte)
            if input.readableBytes > 0 { #expect(try channel.readInbound(as: ByteBuffer.self) == nil) }
        }
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "hello"))
        #expect(try channel.finish().isClean)
    }

    @Test func oversizedLengthIsRefusedBeforeBuffering() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maximumFrameLength: 16)))
        var header = ByteBuffer()
        header.writeInteger(UInt32.max)  // a 4 GiB announcement: four bytes in, error out
        #expect(throws: FrameError.tooLarge(length: Int(UInt32.max), limit: 16)) { try channel.writeInbound(header) }
        _ = try? channel.finish()
    }

    @Test func limitIsInclusive() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maximumFrameLength: 5)))
        try channel.writeInbound(frame("12345"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "12345"))
        #expect(throws: FrameError.tooLarge(length: 6, limit: 5)) { try channel.writeInbound(frame("123456")) }
        _ = try? channel.finish()
    }

    /// The server reads a peer's first frame (its hello) before any token: that one has a lower limit.
    @Test func theFirstFrameHasItsOwnLimit() throws {
        let refused = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maximumFrameLength: 10, firstFrameLimit: 3)))
        #expect(throws: FrameError.tooLarge(length: 4, limit: 3)) { try refused.writeInbound(frame("1234")) }
        _ = try? refused.finish()

        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maximumFrameLength: 10, firstFrameLimit: 3)))
        try channel.writeInbound(frame("123"))
        try channel.writeInbound(frame("1234567890"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "123"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "1234567890"))
        #expect(throws: FrameError.tooLarge(length: 11, limit: 10)) { try channel.writeInbound(frame("12345678901")) }
        _ = try? channel.finish()
        #expect(FrameDecoder(maximumFrameLength: 10, firstFrameLimit: 64).firstFrameLimit == 10, "never above the frame limit")
    }

    @Test func connectionClosedMidFrameIsAnError() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder()))
        var partial = frame("hello world")
        partial.moveWriterIndex(to: partial.writerIndex - 3)
        try channel.writeInbound(partial)
        #expect(throws: FrameError.truncated(missingBytes: 3)) { try channel.finish() }
    }

    @Test func encoderWritesTheLengthPrefix() throws {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(FrameEncoder()))
        try channel.writeOutbound(ByteBuffer(string: "abc"))
        var written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(written.readInteger(as: UInt32.self) == 3)
        #expect(written.readString(length: 3) == "abc")
        #expect(try channel.finish().isClean)
    }

    @Test func encoderAndDecoderRoundTrip() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
        let encoder = EmbeddedChannel(handler: MessageToByteHandler(FrameEncoder()))
        for payload in ["", "a", String(repeating: "ü", count: 5000)] {
            try encoder.writeOutbound(ByteBuffer(string: payload))
            let bytes = try #require(try encoder.readOutbound(as: ByteBuffer.self))
            try channel.writeInbound(bytes)
            #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: payload))
        }
        _ = try encoder.finish()
        _ = try channel.finish()
    }
}
