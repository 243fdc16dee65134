import ArticleSyncClient
import Testing

/// `init --server` and `remote address` take HOST:PORT. What they refuse is refused there, with
/// what to type instead, rather than at every sync.
@Suite struct ServerAddressTests {
    @Test func hostAndPortAreRead() throws {
        for (text, host, port) in [("127.0.0.1:7443", "127.0.0.1", 7443), ("sync.example.org:443", "sync.example.org", 443),
                                   ("[::1]:7443", "::1", 7443)] {
            let address = try ServerAddress(parsing: text)
            #expect(address.host == host && address.port == port, "\(text)")
        }
    }

    /// Messages name the server as it is typed: "cannot connect to ::1:7443" was one, which reads
    /// as port 7443 of an address that does not exist, and `remote address` refuses it pasted.
    @Test func anAddressIsShownAsItIsTypedIPv6InBrackets() throws {
        for text in ["127.0.0.1:7443", "sync.example.org:443", "[::1]:7443", "[fe80::1%eth0]:7443"] {
            let shown = "\(try ServerAddress(parsing: text))"
            #expect(shown == text)
            #expect(try ServerAddress(parsing: shown) == ServerAddress(parsing: text))
        }
    }

    /// Before, a pasted URL was accepted and every sync failed to find the host "https://…".
    @Test(arguments: [
        ("https://127.0.0.1:7443", "is a URL; give the server as HOST:PORT, without a scheme or path: 127.0.0.1:7443"),
        ("tls://sync.example.org:7443/articles", "without a scheme or path: sync.example.org:7443"),
        ("https://sync.example.org/", "without a scheme or path, e.g. 127.0.0.1:7443"),
        ("my host:7443", "a host name has no slashes or spaces"),
        ("127.0.0.1", "\"127.0.0.1\" has no port; use HOST:PORT, e.g. 127.0.0.1:7443 (`articlesync-server serve` prints"),
        ("sync.example.org", "has no port; use HOST:PORT, e.g. sync.example.org:7443"),
        ("[::1]", "has no port"),
        ("127.0.0.1:70000", "\"127.0.0.1:70000\": a port is between 1 and 65535, not 70000"),
        ("127.0.0.1:0", "a port is between 1 and 65535, not 0"),
        ("127.0.0.1:web", "is not a server address; use HOST:PORT"),
        (":7443", "has no host"),
    ])
    func whatIsNotHostAndPortIsRefusedSayingWhatToGive(text: String, expected: String) {
        #expect {
            _ = try ServerAddress(parsing: text)
        } throws: { error in
            "\(error)".contains(expected)
        }
    }
}
