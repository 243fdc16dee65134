import Foundation
import NIOSSL

/// A client certificate for servers that require mutual TLS.
public struct ClientCertificate: Sendable, Equatable {
    public var certificateFile: String
    public var keyFile: String

    public init(certificateFile: String, keyFile: String) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }

    /// Puts the certificate chain and key into `tls`.
    func apply(to tls: inout TLSConfiguration) throws {
        do {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
        } catch {
            throw ReplicaError("cannot read the client certificate or key (\(certificateFile), \(keyFile)): \(error)")
        }
    }

    /// What TLS set-up failing with this certificate means: a key that is not the certificate's
    /// ("failedToLoadPrivateKey" alone named neither file).
    func mismatch(_ error: any Error) -> ReplicaError {
        ReplicaError("the client key \(keyFile) does not go with the certificate \(certificateFile) (\(error)); give the key made with "
            + "this certificate")
    }

    /// Checks, without a connection, that the files' bytes (read by the caller) are a certificate
    /// and a key, and that the key is the certificate's: `init` finds out then, not the first sync.
    public func check(certificatePEM: Data, keyPEM: Data) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates([])  // not the system's CA bundle: nothing here is verified against it
        do {
            tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM)).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM), format: .pem))
        } catch {
            throw ReplicaError("cannot read the client certificate or key (\(certificateFile), \(keyFile)): \(error)")
        }
        do {
            _ = try NIOSSLContext(configuration: tls)
        } catch {
            throw mismatch(error)
        }
    }
}
