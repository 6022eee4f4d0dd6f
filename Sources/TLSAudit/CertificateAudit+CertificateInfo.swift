import Foundation

/// What a certificate says about itself, in plain values (no swift-certificates types).
package struct CertificateInfo: Sendable, Equatable, Hashable {
    /// The subject distinguished name, RFC 4514 style (`CN=origin.example.com,O=Example`).
    package var subject: String
    /// The issuer distinguished name, RFC 4514 style.
    package var issuer: String
    /// The subject's (last) common name, if any.
    package var commonName: String?
    /// DNS names and IP addresses from the subjectAltName extension, in certificate order, as text for display
    /// (an iPAddress entry that is neither 4 nor 16 octets is shown as "invalid iPAddress (…)").
    package var subjectAltNames: [String]
    /// The dNSName entries only.
    package var dnsNames: [String]
    /// The iPAddress entries only: dotted quad, RFC 5952 IPv6 text, or colon-separated hex for an invalid length.
    package var ipAddresses: [String]
    /// Where the certificate was in the list as the server sent it (0-based, counting undecodable ones).
    package var position: Int
    package var notBefore: Date
    package var notAfter: Date
    /// Whole days from the audit time to `notAfter` (negative once expired).
    package var daysLeft: Int
    /// "RSA", "RSA-PSS", "ECDSA", "Ed25519", "Ed448", "DSA", or the key algorithm's OID.
    package var keyType: String
    /// Key size: the RSA/DSA modulus length or the curve size.
    package var keyBits: Int
    /// The named curve of an ECDSA key ("P-256", "P-384", "P-521", …).
    package var curve: String?
    /// The signature algorithm's name, e.g. "sha256WithRSAEncryption" or "ecdsa-with-SHA256".
    package var signatureAlgorithm: String
    /// Issuer equals subject and the certificate's signature verifies with its own key.
    package var isSelfSigned: Bool
    /// basicConstraints cA is true.
    package var isCA: Bool
    /// The serial number, upper-case hex.
    package var serialHex: String
    /// SHA-256 over the DER encoding, upper-case hex pairs separated by colons.
    package var sha256Fingerprint: String

    package init(
        subject: String, issuer: String, commonName: String?, subjectAltNames: [String], dnsNames: [String]? = nil,
        ipAddresses: [String] = [], position: Int = 0, notBefore: Date,
        notAfter: Date, daysLeft: Int, keyType: String, keyBits: Int, curve: String?, signatureAlgorithm: String,
        isSelfSigned: Bool, isCA: Bool, serialHex: String, sha256Fingerprint: String
    ) {
        self.subject = subject
        self.issuer = issuer
        self.commonName = commonName
        self.subjectAltNames = subjectAltNames
        self.dnsNames = dnsNames ?? subjectAltNames
        self.ipAddresses = ipAddresses
        self.position = position
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.daysLeft = daysLeft
        self.keyType = keyType
        self.keyBits = keyBits
        self.curve = curve
        self.signatureAlgorithm = signatureAlgorithm
        self.isSelfSigned = isSelfSigned
        self.isCA = isCA
        self.serialHex = serialHex
        self.sha256Fingerprint = sha256Fingerprint
    }
}
