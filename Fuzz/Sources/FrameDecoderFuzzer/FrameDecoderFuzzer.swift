import ArticleSyncShared
import NIOCore
import NIOEmbedded

/// Feeds arbitrary bytes, in arbitrary splits, to the frame decoder behind a 1 KiB limit. It may
/// refuse them; it must never crash, and every frame it yields must fit the limit.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrameDecoder(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maximumFrameLength: 1024)))
    // The first byte chooses how the rest is split into reads.
    let step = max(1, Int(bytes.first ?? 1))
    var offset = 0
    do {
        while offset < bytes.count {
            let end = min(bytes.count, offset + step)
            try channel.writeInbound(ByteBuffer(bytes: bytes[offset..<end]))
            offset = end
            while let frame = try channel.readInbound(as: ByteBuffer.self) {
                precondition(frame.readableBytes <= 1024, "a frame over the limit got through")
            }
        }
        _ = try channel.finish()
    } catch {
        _ = try? channel.finish()
    }
    return 0
}
