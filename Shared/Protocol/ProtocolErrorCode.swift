/// Stable machine-readable error codes of the wire protocol (documented in docs/PROTOCOL.md).
///
/// Codes never change meaning once released; new ones may be added. Clients branch on the code and
/// show the server's `message` to people.
public enum ProtocolErrorCode: String, Sendable, Codable, CaseIterable {
    case badFrame = "bad_frame"
    case frameTooLarge = "frame_too_large"
    case badMessage = "bad_message"
    case unsupportedVersion = "unsupported_version"
    case helloRequired = "hello_required"
    case unauthorized = "unauthorized"
    case forbidden = "forbidden"
    case unknownCollection = "unknown_collection"
    case limitExceeded = "limit_exceeded"
    case internalError = "internal_error"
}
