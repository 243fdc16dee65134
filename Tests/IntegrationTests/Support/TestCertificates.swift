import Crypto
import Foundation
import SwiftASN1
import X509

/// Certificates made in the test: a CA, and leaf certificates it signs, written as PEM files.
struct TestCertificateAuthority {
    let key = P256.Signing.PrivateKey()
    let name: DistinguishedName
    let certificate: Certificate

    init(name commonName: String) throws {
        name = try DistinguishedName { CommonName(commonName) }
        let now = Date()
        certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(3600 * 24),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: .init(key))
    }

    /// Writes the CA certificate to `path`.
    func writeCertificate(to path: String) throws {
        try Data(try certificate.serializeAsPEM().pemString.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Issues a leaf certificate for `dnsNames` (server) or a client certificate, and writes it and
    /// its key (mode 0600) to `certificatePath` and `keyPath`.
    func issue(commonName: String, dnsNames: [String], client: Bool, certificatePath: String, keyPath: String) throws {
        let leafKey = P256.Signing.PrivateKey()
        let now = Date()
        let leaf = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(leafKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(3600 * 24),
            issuer: name, subject: try DistinguishedName { CommonName(commonName) }, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([client ? .clientAuth : .serverAuth])
                if !dnsNames.isEmpty { SubjectAlternativeNames(dnsNames.map { .dnsName($0) }) }
            },
            issuerPrivateKey: .init(key))
        try Data(try leaf.serializeAsPEM().pemString.utf8).write(to: URL(fileURLWithPath: certificatePath))
        guard FileManager.default.createFile(atPath: keyPath, contents: Data(leafKey.pemRepresentation.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw TestFailure("cannot write \(keyPath)")
        }
    }
}
