import SwiftASN1
import X509

/// Names of certificate signature algorithms by OID, which of them are weak, and their swift-certificates form.
enum SignatureAlgorithms {
    private static let table: [ASN1ObjectIdentifier: (name: String, weak: Bool)] = [
        [1, 2, 840, 113_549, 1, 1, 2]: ("md2WithRSAEncryption", true),
        [1, 2, 840, 113_549, 1, 1, 4]: ("md5WithRSAEncryption", true),
        [1, 2, 840, 113_549, 1, 1, 5]: ("sha1WithRSAEncryption", true),
        [1, 3, 14, 3, 2, 29]: ("sha1WithRSAEncryption", true),
        [1, 2, 840, 113_549, 1, 1, 10]: ("rsassaPss", false),
        [1, 2, 840, 113_549, 1, 1, 11]: ("sha256WithRSAEncryption", false),
        [1, 2, 840, 113_549, 1, 1, 12]: ("sha384WithRSAEncryption", false),
        [1, 2, 840, 113_549, 1, 1, 13]: ("sha512WithRSAEncryption", false),
        [1, 2, 840, 113_549, 1, 1, 14]: ("sha224WithRSAEncryption", false),
        [1, 2, 840, 10_045, 4, 1]: ("ecdsa-with-SHA1", true),
        [1, 2, 840, 10_045, 4, 3, 1]: ("ecdsa-with-SHA224", false),
        [1, 2, 840, 10_045, 4, 3, 2]: ("ecdsa-with-SHA256", false),
        [1, 2, 840, 10_045, 4, 3, 3]: ("ecdsa-with-SHA384", false),
        [1, 2, 840, 10_045, 4, 3, 4]: ("ecdsa-with-SHA512", false),
        [1, 2, 840, 10_040, 4, 3]: ("dsa-with-SHA1", true),
        [1, 3, 101, 112]: ("Ed25519", false),
        [1, 3, 101, 113]: ("Ed448", false),
    ]

    static func name(_ oid: ASN1ObjectIdentifier) -> String { table[oid]?.name ?? oid.description }

    /// MD2, MD5 or SHA-1 based.
    static func isWeak(_ oid: ASN1ObjectIdentifier) -> Bool { table[oid]?.weak ?? false }

    /// The swift-certificates value, for the algorithms it can verify.
    static func x509(_ oid: ASN1ObjectIdentifier) -> Certificate.SignatureAlgorithm? {
        switch oid {
        case [1, 2, 840, 113_549, 1, 1, 5]: .sha1WithRSAEncryption
        case [1, 2, 840, 113_549, 1, 1, 11]: .sha256WithRSAEncryption
        case [1, 2, 840, 113_549, 1, 1, 12]: .sha384WithRSAEncryption
        case [1, 2, 840, 113_549, 1, 1, 13]: .sha512WithRSAEncryption
        case [1, 2, 840, 10_045, 4, 3, 2]: .ecdsaWithSHA256
        case [1, 2, 840, 10_045, 4, 3, 3]: .ecdsaWithSHA384
        case [1, 2, 840, 10_045, 4, 3, 4]: .ecdsaWithSHA512
        case [1, 3, 101, 112]: .ed25519
        default: nil
        }
    }
}
