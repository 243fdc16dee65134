/// HOST:PORT as people type it and as messages show it, an IPv6 literal in brackets: "::1:7443"
/// reads as port 7443 of another address, and `--listen` or `remote address` refuses it pasted.
/// The client's `ServerAddress` and the server's listening address are both shown this way.
public enum HostAndPort {
    public static func text(host: String, port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
