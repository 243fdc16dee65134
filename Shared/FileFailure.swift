import Foundation

/// Why a Foundation file operation failed, in the system's words ("No such file or directory",
/// "Permission denied") rather than Foundation's ("The operation could not be completed. The file
/// doesn’t exist."). Client and server messages both name files they could not read or write.
public enum FileFailure {
    public static func reason(_ error: any Error) -> String {
        let failure = error as NSError
        // Foundation on Linux keeps a Swift POSIXError there, which `as? NSError` does not match.
        guard let underlying = failure.userInfo[NSUnderlyingErrorKey] as? any Error, (underlying as NSError).domain == NSPOSIXErrorDomain else {
            return failure.localizedDescription
        }
        return String(cString: strerror(Int32((underlying as NSError).code)))
    }
}
