import ArticleSyncShared
import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// The server's TLS identity: an ECDSA P-256 key and its certificate, plus the fingerprint clients pin.
///
/// Made on first start (self-signed, ten years) unless the operator gives a PEM certificate and key.
/// The key file is written with mode 0600 and refused when others can read it, like ssh does.
public struct ServerIdentity: Sendable {
    public var certificateChain: [NIOSSLCertificate]
    public var privateKey: NIOSSLPrivateKey
    /// `sha256:<64 hex>` of the leaf certificate's DER bytes.
    public var fingerprint: String

    public init(certificateChain: [NIOSSLCertificate], privateKey: NIOSSLPrivateKey) throws {
        guard let leaf = certificateChain.first else { throw ServerSetupError(message: "the certificate file holds no certificate") }
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.fingerprint = try Self.fingerprint(of: leaf)
    }

    /// A key that is not the certificate's made TLS set-up fail later with "failedToLoadPrivateKey",
    /// which names neither file nor the mismatch. Keys swift-certificates cannot read are left to TLS.
    static func checkKeyMatches(_ leaf: NIOSSLCertificate?, keyPEM: String, keyFile: String, certificateFile: String) throws {
        guard let leaf, let certificate = try? Certificate(derEncoded: leaf.toDERBytes()),
              let key = try? Certificate.PrivateKey(pemEncoded: keyPEM) else { return }
        guard key.publicKey == certificate.publicKey else {
            throw ServerSetupError(message: "the key in \(keyFile) is not the key of the certificate in \(certificateFile) (their public keys "
                + "differ); give the key that was made with this certificate")
        }
    }

    /// `sha256:<hex>` of a certificate, the form `--fingerprint` takes.
    public static func fingerprint(of certificate: NIOSSLCertificate) throws -> String {
        CertificateFingerprint.of(der: try certificate.toDERBytes())
    }

    /// Loads the identity from `certificateFile`/`keyFile`, or makes a new self-signed one there when
    /// neither exists yet (`hostNames` become the certificate's subject alternative names).
    public static func loadOrCreate(certificateFile: String, keyFile: String, hostNames: [String] = ["localhost"]) throws -> ServerIdentity {
        let fileManager = FileManager.default
        let haveCertificate = fileManager.fileExists(atPath: certificateFile)
        let haveKey = fileManager.fileExists(atPath: keyFile)
        if !haveCertificate && !haveKey {
            try createSelfSigned(certificateFile: certificateFile, keyFile: keyFile, hostNames: hostNames)
        } else if haveCertificate != haveKey {
            throw ServerSetupError(
                message: "\(haveCertificate ? keyFile : certificateFile) is missing but \(haveCertificate ? certificateFile : keyFile) exists; restore the missing file, or remove both to make a new identity (clients must then re-pin)"
            )
        }
        return try load(certificateFile: certificateFile, keyFile: keyFile)
    }

    public static func load(certificateFile: String, keyFile: String) throws -> ServerIdentity {
        try SecretFile.checkPrivate(keyFile, fix: "chmod 600 \(ShellWord.quoted(keyFile))")
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
            let keyPEM = try String(contentsOfFile: keyFile, encoding: .utf8)
            let key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
            try checkKeyMatches(chain.first, keyPEM: keyPEM, keyFile: keyFile, certificateFile: certificateFile)
            return try ServerIdentity(certificateChain: chain, privateKey: key)
        } catch let error as ServerSetupError {
            throw error
        } catch {
            throw ServerSetupError(message: "cannot read the TLS identity from \(certificateFile) and \(keyFile): \(error)")
        }
    }

    static func createSelfSigned(certificateFile: String, keyFile: String, hostNames: [String]) throws {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("ArticleSync")
            CommonName("articlesync-server")
        }
        let now = Date()
        var alternativeNames: [GeneralName] = hostNames.map { .dnsName($0) }
        alternativeNames.append(.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])))
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(10 * 365 * 24 * 3600),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(alternativeNames)
            },
            issuerPrivateKey: Certificate.PrivateKey(key)
        )
        try SecretFile.write(key.pemRepresentation, to: keyFile)
        try Data(try certificate.serializeAsPEM().pemString.utf8).write(to: URL(fileURLWithPath: certificateFile), options: .atomic)
    }
}

/// A problem that stops the server from starting; `message` says what to do.
public struct ServerSetupError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
