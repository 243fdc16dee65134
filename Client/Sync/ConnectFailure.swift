import Foundation
import NIOCore
import NIOPosix

extension ReplicaError {
    /// Why no connection to `address` could be made, in words that point at the fix. NIO's own
    /// descriptions ("connection reset (error set): Connection refused) (errno: 111)", "DNS error:
    /// SocketAddressError.UnknownHost: …") say neither, and a name that does not resolve was
    /// answered as if the server were down.
    static func connectFailure(_ error: any Error, to address: ServerAddress) -> ReplicaError {
        let target = "\(address)"
        let moved = "if the server moved, `articlesync remote address HOST:PORT` follows it"
        // A host name goes through Happy Eyeballs, which wraps what went wrong.
        var cause = error
        if let failure = error as? NIOConnectionError {
            if let first = failure.connectionErrors.first {
                cause = first.error
            } else if let lookup = failure.dnsAError ?? failure.dnsAAAAError {
                cause = lookup
            }
        }
        if let unknown = cause as? SocketAddressError.UnknownHost {
            return ReplicaError("cannot find the server \(address.host): \(unknown.errorDescription); check the address; \(moved)")
        }
        if case ChannelError.connectTimeout = cause {
            return ReplicaError("cannot connect to \(target): no answer in \(ServerConnection.connectTimeoutSeconds) s; "
                + "check that no firewall is in the way; \(moved)")
        }
        if let io = cause as? IOError {
            let reason = String(cString: strerror(io.errnoCode))
            switch io.errnoCode {
            case ECONNREFUSED:
                return ReplicaError("cannot connect to \(target): connection refused; is the server running (`articlesync-server serve`) "
                    + "on port \(address.port)? If it moved, `articlesync remote address HOST:PORT` follows it")
            case ENETUNREACH, EHOSTUNREACH:
                return ReplicaError("cannot connect to \(target): \(reason); is this machine's network up? \(moved.capitalizedFirst)")
            default:
                return ReplicaError("cannot connect to \(target): \(reason); is the server running (`articlesync-server serve`)?")
            }
        }
        return ReplicaError("cannot connect to \(target): \(error); is the server running (`articlesync-server serve`)?")
    }
}

extension String {
    fileprivate var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
