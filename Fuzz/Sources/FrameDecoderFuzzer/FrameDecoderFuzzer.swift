import ArticleSyncShared
import NIOCore
import NIOEmbedded

/// Feeds arbitrary bytes, in arbitrary splits, to the frame decoder behind a 1 KiB limit, 256 bytes
/// for the first frame (as the server's hello limit). It may refuse them; it must never crash, and
/// every frame it yields must fit its limit.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrameDecoder(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maximumFrameLength: 1024, firstFrameLimit: 256)))
    // The first byte chooses how the rest is split into reads. (It used to be fed to the decoder
    // too, as the top byte of the first length: every input not starting with 0 was refused at
    // once, and only byte-by-byte reads got past the first frame.)
    let step = max(1, Int(bytes.first ?? 1))
    var offset = 1
    var frames = 0
    do {
        while offset < bytes.count {
            let end = min(bytes.count, offset + step)
            try channel.writeInbound(ByteBuffer(bytes: bytes[offset..<end]))
            offset = end
            while let frame = try channel.readInbound(as: ByteBuffer.self) {
                precondition(frame.readableBytes <= (frames == 0 ? 256 : 1024), "a frame over its limit got through")
                frames += 1
            }
        }
        _ = try channel.finish()
    } catch {
        _ = try? channel.finish()
    }
    return 0
}
