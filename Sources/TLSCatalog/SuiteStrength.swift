/// The catalog's three-level rating of a cipher suite (rule in `Data/cipher-suites.json` `notes`).
///
/// - `insecure`: NULL cipher, anonymous or NULL authentication, export grade, RC4, DES, RC2.
/// - `weak`: everything that is neither (3DES, IDEA, SEED, CBC suites, AEAD without forward secrecy).
/// - `secure`: AEAD cipher with forward secrecy, including every TLS 1.3 suite.
package enum SuiteStrength: String, Sendable, Codable, CaseIterable, Comparable {
    case secure
    case weak
    case insecure

    /// Orders from worst to best: `insecure < weak < secure`.
    package static func < (lhs: SuiteStrength, rhs: SuiteStrength) -> Bool {
        lhs.rank < rhs.rank
    }

    private var rank: Int {
        switch self {
        case .insecure: 0
        case .weak: 1
        case .secure: 2
        }
    }
}
