import ArticleSyncStress
import Foundation
import Testing

/// Certificates, CAs, mutual TLS and the cipher suites an auditor sees.
@Suite(.timeLimit(.minutes(5))) struct TLSTests {
    /// A server with an operator certificate for `localhost` issued by a test CA.
    func serverWithCACertificate(names: [String] = ["localhost"], extra: [String] = [], prepare: @escaping (String) throws -> Void = { _ in }) throws -> Workspace {
        try Workspace(serverArguments: ["--cert", "$ROOT/server.crt", "--key", "$ROOT/server.key"] + extra) { root in
            let authority = try TestCertificateAuthority(name: "Test Server CA")
            try authority.writeCertificate(to: root + "/ca.pem")
            try authority.issue(commonName: "localhost", dnsNames: names, client: false, certificatePath: root + "/server.crt", keyPath: root + "/server.key")
            try prepare(root)
        }
    }

    @Test func caFileWithHostnameVerification() throws {
        let workspace = try serverWithCACertificate()
        let token = try workspace.server.makeToken(access: "write")
        let localhost = "localhost:\(workspace.server.port)"
        let good = try workspace.replica("good", token: token, server: localhost, trust: ["--ca-file", workspace.root + "/ca.pem"])
        try good.ok(["add", workspace.seedFiles[0]])
        try good.ok(["sync"])

        // A CA that did not sign the server's certificate.
        try TestCertificateAuthority(name: "Some Other CA").writeCertificate(to: workspace.root + "/other-ca.pem")
        let stranger = try workspace.replica("stranger", token: token, server: localhost, trust: ["--ca-file", workspace.root + "/other-ca.pem"])
        let refused = try stranger.run(["sync"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("must chain to the CA in"), "\(refused.stderr)")

        // An IP address cannot be checked against the certificate's names.
        let ip = try runProgram(Products.client, ["init", workspace.root + "/ip", "--server", workspace.server.address, "--token", token,
                                                   "--ca-file", workspace.root + "/ca.pem"])
        #expect(ip.status == 1 && ip.stderr.contains("not an IP address"))
        // Nor can a replica checked by its CA be pointed at one later.
        let moved = try good.run(["remote", "address", workspace.server.address])
        #expect(moved.status == 1 && moved.stderr.contains("not an IP address"), "\(moved.stderr)")
        try good.ok(["sync"])
    }

    @Test func certificateForAnotherHostIsRefused() throws {
        let workspace = try serverWithCACertificate(names: ["sync.example.org"])
        let token = try workspace.server.makeToken(access: "write")
        let replica = try workspace.replica("r", token: token, server: "localhost:\(workspace.server.port)", trust: ["--ca-file", workspace.root + "/ca.pem"])
        let result = try replica.run(["sync"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("does not name the host localhost"), "\(result.stderr)")
    }

    @Test func mutualTLSRefusesClientsWithoutAValidCertificate() throws {
        let workspace = try Workspace(serverArguments: ["--client-ca", "$ROOT/client-ca.pem"]) { root in
            let clients = try TestCertificateAuthority(name: "Client CA")
            try clients.writeCertificate(to: root + "/client-ca.pem")
            try clients.issue(commonName: "laptop", dnsNames: [], client: true, certificatePath: root + "/laptop.crt", keyPath: root + "/laptop.key")
            try TestCertificateAuthority(name: "Rogue CA").issue(commonName: "rogue", dnsNames: [], client: true,
                                                                  certificatePath: root + "/rogue.crt", keyPath: root + "/rogue.key")
        }
        let token = try workspace.server.makeToken(access: "write")
        let pin = ["--fingerprint", workspace.server.fingerprint]

        let anonymous = try workspace.replica("anonymous", token: token)
        let refused = try anonymous.run(["sync"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--client-cert"), "\(refused.stderr)")

        let rogue = try workspace.replica("rogue", token: token, trust: pin + ["--client-cert", workspace.root + "/rogue.crt", "--client-key", workspace.root + "/rogue.key"])
        #expect(try rogue.run(["sync"]).status == 1)

        // A key that is not the certificate's is refused by init, naming both files; before, each
        // sync failed with TLS set-up's "failedToLoadPrivateKey".
        let mismatched = try runProgram(Products.client, ["init", workspace.root + "/mismatched", "--server", workspace.server.address, "--token", token]
                                        + pin + ["--client-cert", workspace.root + "/laptop.crt", "--client-key", workspace.root + "/rogue.key"])
        #expect(mismatched.status == 1)
        #expect(mismatched.stderr.contains("the client key \(workspace.root)/rogue.key does not go with the certificate \(workspace.root)/laptop.crt"),
                "\(mismatched.stderr)")
        #expect(!FileManager.default.fileExists(atPath: workspace.root + "/mismatched/.articlesync"))

        let laptop = try workspace.replica("laptop", token: token, trust: pin + ["--client-cert", workspace.root + "/laptop.crt", "--client-key", workspace.root + "/laptop.key"])
        try laptop.ok(["add", workspace.seedFiles[0]])
        try laptop.ok(["sync"])
        let copiedKey = try FileManager.default.attributesOfItem(atPath: laptop.path + "/.articlesync/client.key")
        #expect((copiedKey[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test func serverRefusesToStartWithAKeyOthersCanRead() throws {
        let workspace = try Workspace()
        workspace.server.stop()
        let keyPath = workspace.server.dataDirectory + "/server.key"
        let created = try FileManager.default.attributesOfItem(atPath: keyPath)
        #expect((created[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyPath)
        let result = try runProgram(Products.server, ["serve", "--data", workspace.server.dataDirectory, "--listen", "127.0.0.1:0"], timeout: 30)
        #expect(result.status != 0)
        #expect(result.stderr.contains(keyPath) && result.stderr.contains("chmod 600"), "\(result.stderr)")
    }

    /// Before, a key that is not the certificate's failed later, in TLS set-up, with only
    /// "failedToLoadPrivateKey".
    @Test func serverRefusesAKeyThatIsNotTheCertificates() throws {
        let workspace = try Workspace()
        let authority = try TestCertificateAuthority(name: "Test Server CA")
        for name in ["one", "two"] {
            try authority.issue(commonName: "localhost", dnsNames: ["localhost"], client: false,
                                certificatePath: workspace.root + "/\(name).crt", keyPath: workspace.root + "/\(name).key")
        }
        let result = try runProgram(Products.server, ["serve", "--data", workspace.root + "/mismatched", "--listen", "127.0.0.1:0",
                                                      "--cert", workspace.root + "/one.crt", "--key", workspace.root + "/two.key"], timeout: 30)
        #expect(result.status == 1)
        #expect(result.stderr.contains("the key in \(workspace.root)/two.key is not the key of the certificate in \(workspace.root)/one.crt"),
                "\(result.stderr)")
    }

    /// What an auditor's scan sees: no SSLv3, TLS 1.0 or 1.1, no CBC, nothing without ECDHE.
    /// `.ci/run` installs sslscan; where it is missing the test says so and checks nothing.
    @Test func sslscanFindsOnlyModernForwardSecretAEADSuites() throws {
        guard let sslscan = ["/usr/bin/sslscan", "/usr/local/bin/sslscan"].first(where: FileManager.default.isExecutableFile) else {
            print("sslscan is not installed (apt-get install sslscan); the cipher audit was skipped")
            return
        }
        let workspace = try Workspace()
        let scan = try runProgram(sslscan, ["--no-colour", workspace.server.address], timeout: 120)
        #expect(scan.status == 0, "\(scan.stderr)")
        let output = scan.stdout
        for protocolName in ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1"] {
            #expect(output.contains("\(protocolName)   disabled") || !output.contains("\(protocolName)   enabled"), "\(protocolName) is enabled")
        }
        #expect(output.contains("TLSv1.2   enabled") && output.contains("TLSv1.3   enabled"))
        let accepted = output.split(separator: "\n").filter { $0.hasPrefix("Accepted") || $0.hasPrefix("Preferred") }
        #expect(!accepted.isEmpty, "sslscan found no cipher suites: \(output)")
        for line in accepted {
            let suite = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).first.map(String.init) ?? ""
            #expect(!suite.contains("CBC") && !suite.hasSuffix("-SHA") && !suite.contains("SHA256-") , "non-AEAD suite: \(line)")
            #expect(suite.hasPrefix("TLS_") || suite.hasPrefix("ECDHE-"), "suite without ECDHE: \(line)")
            #expect(suite.contains("GCM") || suite.contains("CHACHA20"), "suite without AEAD: \(line)")
        }
        print("sslscan accepted suites:\n" + accepted.joined(separator: "\n"))
    }
}
