import TLSModel
/// The identifiers of the certificate audit's findings (a problem or note about a chain, with an explanation and
/// a fix). They are a contract: the JSON report carries them, and `ScanAnalysis` maps them to the CloudFront
/// verdict's causes.
extension Finding.ID {
    /// The certificate does not cover the origin domain name.
    package static let nameMismatch = "name-mismatch"
    /// The certificate does not cover the forwarded Host header.
    package static let hostHeaderMismatch = "host-header-mismatch"
    /// A certificate in the chain is past its notAfter date.
    package static let expired = "expired"
    /// A certificate in the chain is before its notBefore date.
    package static let notYetValid = "not-yet-valid"
    /// A certificate in the chain expires within the warning window.
    package static let expiresSoon = "expires-soon"
    /// The leaf certificate is signed by its own key.
    package static let selfSigned = "self-signed"
    /// No path to a root in the trust store could be built (for a reason other than the ones with their own id).
    package static let untrusted = "untrusted"
    /// The certificates are not sent leaf first, each followed by its issuer.
    package static let wrongChainOrder = "wrong-chain-order"
    /// The issuer of the last certificate of the chain is neither sent nor a trusted root.
    package static let missingIntermediate = "missing-intermediate"
    /// A sent certificate is not part of the chain from the leaf.
    package static let extraCertificate = "extra-certificate"
    /// A certificate is sent more than once.
    package static let duplicateCertificate = "duplicate-certificate"
    /// An RSA key below 2048 bits or an ECDSA key below 256 bits.
    package static let weakKey = "weak-key"
    /// A certificate (other than a root) signed with MD5 or SHA-1.
    package static let weakSignature = "weak-signature"
    /// The server sent no certificate.
    package static let noCertificate = "no-certificate"
    /// A sent certificate could not be decoded.
    package static let unparseableCertificate = "unparseable-certificate"
    /// A link of the chain (or a certificate's own properties) could not be verified by tlsmatrix, so trust is
    /// unknown: never read as verified.
    package static let unverifiable = "unverifiable-chain"
    /// Trust was not evaluated (no roots to evaluate it against).
    package static let trustNotChecked = "trust-not-checked"
    /// More certificates (or bytes) were sent than the audit analyses.
    package static let chainTooLong = "chain-too-long"

    /// Every certificate identifier, in a stable order.
    package static let certificate: [String] = [
        nameMismatch, hostHeaderMismatch, expired, notYetValid, expiresSoon, selfSigned, untrusted,
        wrongChainOrder, missingIntermediate, extraCertificate, duplicateCertificate, weakKey, weakSignature,
        noCertificate, unparseableCertificate, unverifiable, trustNotChecked, chainTooLong,
    ]
}
