import Crypto

/// The `sha256:<64 hex>` form of a certificate that clients pin and the server prints; one
/// definition, so the server's announcement and the client's check can never drift apart.
public enum CertificateFingerprint {
    /// Fingerprint of a certificate's DER bytes.
    public static func of(der: [UInt8]) -> String {
        "sha256:" + SHA256.hash(data: der).hexString
    }
}
