extension ClientProfile {
    /// Ids of profiles the code refers to by name (every profile's id is in `Data/clients/*.json`).
    package enum ID {
        /// CloudFront connecting to an origin: the profile the CloudFront verdict, `--client` and the
        /// `--origin-protocols` setting are about.
        package static let cloudFrontOrigin = "cloudfront-origin"
        /// s2n-tls `CloudFront-Upstream` (TLS ≤ 1.2), what CloudFront's origin client runs.
        package static let cloudFrontUpstream = "cloudfront-upstream"
        /// s2n-tls `CloudFront-Upstream-2025`: adds TLS 1.3.
        package static let cloudFrontUpstream2025 = "cloudfront-upstream-2025"
        /// s2n-tls `CloudFront-Upstream-2025-PQ`: adds hybrid ML-KEM key exchange.
        package static let cloudFrontUpstream2025PQ = "cloudfront-upstream-2025-pq"
    }
}

/// The generations of CloudFront's origin client: the documented one (AWS's promise) and the s2n-tls policies
/// AWS's code defines. The CloudFront verdict is given for each.
package enum CloudFrontGeneration: String, Sendable, CaseIterable, Codable, Comparable {
    case documented
    case upstream
    case upstream2025 = "upstream-2025"
    case upstream2025PQ = "upstream-2025-pq"

    /// The client profile of this generation.
    package var profileID: String {
        switch self {
        case .documented: ClientProfile.ID.cloudFrontOrigin
        case .upstream: ClientProfile.ID.cloudFrontUpstream
        case .upstream2025: ClientProfile.ID.cloudFrontUpstream2025
        case .upstream2025PQ: ClientProfile.ID.cloudFrontUpstream2025PQ
        }
    }

    /// How reports name it.
    package var title: String {
        switch self {
        case .documented: "as documented"
        case .upstream: "CloudFront-Upstream"
        case .upstream2025: "CloudFront-Upstream-2025"
        case .upstream2025PQ: "CloudFront-Upstream-2025-PQ"
        }
    }

    /// Whether AWS documents this generation (the others are known from s2n-tls only).
    package var isDocumented: Bool { self == .documented }

    package static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }
}
