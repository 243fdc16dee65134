import ArticleSyncShared
import NIOCore

/// Decodes arbitrary bytes as a client and as a server message, in every encoding. Whatever
/// decodes must encode and decode again to the same message, and an article accepted in its
/// storage form (binary-v2) must be exactly what `storageBytes` writes for it. In the binary
/// encodings the second encoding must also be the first byte for byte: `==` on strings holds for
/// canonically equivalent text whose bytes, and so content hashes, differ. (JSON is left out: it
/// writes a set of tags in the set's own order.)
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMessageDecoder(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let payload = ByteBuffer(bytes: UnsafeBufferPointer(start: start, count: count))
    for encoding in WireEncoding.allCases {
        check(payload, MessageCodec(encoding: encoding))
    }
    return 0
}

func check(_ payload: ByteBuffer, _ codec: MessageCodec) {
    let bytesMustRepeat = codec.encoding != .json
    if let message = try? codec.decodeClientMessage(payload), let encoded = try? codec.encode(message) {
        let again = try? codec.decodeClientMessage(encoded)
        precondition(again == message, "client message does not survive a round trip")
        if bytesMustRepeat, let again { precondition((try? codec.encode(again)) == encoded, "client message bytes change on a round trip") }
    }
    if let message = try? codec.decodeServerMessage(payload), let encoded = try? codec.encode(message) {
        let again = try? codec.decodeServerMessage(encoded)
        precondition(again == message, "server message does not survive a round trip")
        if bytesMustRepeat, let again { precondition((try? codec.encode(again)) == encoded, "server message bytes change on a round trip") }
        var changes: [ChangedArticle] = []
        if case .changes(_, let articles, _, _) = message { changes = articles }
        if case .pushResult(_, let results) = message { changes = results.compactMap(\.article) }
        if case .history(_, let versions, _) = message { changes = versions.map(\.change) }
        for case .stored(let form) in changes.map(\.content) {
            precondition(form.article.storageBytes == form.bytes, "a checked storage form is not what storageBytes writes")
        }
    }
}
