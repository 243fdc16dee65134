import ArticleSyncShared
import NIOCore

/// Decodes arbitrary bytes as a client and as a server message, in every encoding. Whatever
/// decodes must encode and decode again to the same message, and an article accepted in its
/// storage form (binary-v2) must be exactly what `storageBytes` writes for it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMessageDecoder(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let payload = ByteBuffer(bytes: UnsafeBufferPointer(start: start, count: count))
    for encoding in WireEncoding.allCases {
        check(payload, MessageCodec(encoding: encoding))
    }
    return 0
}

func check(_ payload: ByteBuffer, _ codec: MessageCodec) {
    if let message = try? codec.decodeClientMessage(payload), let encoded = try? codec.encode(message) {
        precondition((try? codec.decodeClientMessage(encoded)) == message, "client message does not survive a round trip")
    }
    if let message = try? codec.decodeServerMessage(payload), let encoded = try? codec.encode(message) {
        precondition((try? codec.decodeServerMessage(encoded)) == message, "server message does not survive a round trip")
        var changes: [ChangedArticle] = []
        if case .changes(_, let articles, _, _) = message { changes = articles }
        if case .pushResult(_, let results) = message { changes = results.compactMap(\.article) }
        for case .stored(let form) in changes.map(\.content) {
            precondition(form.article.storageBytes == form.bytes, "a checked storage form is not what storageBytes writes")
        }
    }
}
