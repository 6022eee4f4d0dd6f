/// CloudFront's managed origin request policies whose IDs tlsmatrix knows, and whether each sends the viewer's
/// `Host` header to the origin.
///
/// Sources:
/// - "Use managed origin request policies", Amazon CloudFront Developer Guide,
///   https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-origin-request-policies.html
///   (AllViewer: "All headers in the viewer request"; AllViewerAndCloudFrontHeaders-2022-06: all viewer headers and
///   CloudFront headers);
/// - the archived guide, awsdocs/amazon-cloudfront-developer-guide `doc_source/using-managed-origin-request-policies.md`
///   (commit 295fefea3f4ac9f25dc1fa425bfc2b7208767405): IDs and header lists of UserAgentRefererHeaders (User-Agent,
///   Referer), CORS-CustomOrigin (Origin), CORS-S3Origin (Origin, Access-Control-Request-Headers,
///   Access-Control-Request-Method), Elemental-MediaTailor-PersonalizedManifests (Origin, Access-Control-Request-*,
///   User-Agent, X-Forwarded-For) — none of them includes Host;
/// - AllViewerExceptHostHeader and HostHeaderOnly: the current page lists both names (the copies of it read 2026-11 end
///   before their IDs); the IDs are the ones several independent public infrastructure repositories use for these
///   names (``confirmedByAWS`` is false for them, and reports say so).
/// A policy id not listed here is reported as unknown, never guessed.
package enum ManagedOriginRequestPolicy: String, Sendable, CaseIterable, Codable {
    case allViewer = "216adef6-5c7f-47e4-b989-5492eafa07d3"
    case allViewerAndCloudFrontHeaders2022_06 = "33f36d7e-f396-46d9-90e0-52428a34d9dc"
    case allViewerExceptHostHeader = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
    case corsCustomOrigin = "59781a5b-3903-41f3-afcb-af62929ccde1"
    case corsS3Origin = "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf"
    case elementalMediaTailorPersonalizedManifests = "775133bc-15f2-49f9-abea-afb2e0bf67d2"
    case hostHeaderOnly = "bf0718e1-ba1e-49d1-88b1-f726733018ae"
    case userAgentRefererHeaders = "acba4595-bd28-49b8-b9fe-13317c0390fa"

    /// The policy's name as AWS writes it.
    package var name: String {
        switch self {
        case .allViewer: "AllViewer"
        case .allViewerAndCloudFrontHeaders2022_06: "AllViewerAndCloudFrontHeaders-2022-06"
        case .allViewerExceptHostHeader: "AllViewerExceptHostHeader"
        case .corsCustomOrigin: "CORS-CustomOrigin"
        case .corsS3Origin: "CORS-S3Origin"
        case .elementalMediaTailorPersonalizedManifests: "Elemental-MediaTailor-PersonalizedManifests"
        case .hostHeaderOnly: "HostHeaderOnly"
        case .userAgentRefererHeaders: "UserAgentRefererHeaders"
        }
    }

    /// Whether the policy forwards the viewer's `Host` header.
    package var forwardsHost: Bool {
        switch self {
        case .allViewer, .allViewerAndCloudFrontHeaders2022_06, .hostHeaderOnly: true
        case .allViewerExceptHostHeader, .corsCustomOrigin, .corsS3Origin, .elementalMediaTailorPersonalizedManifests,
            .userAgentRefererHeaders:
            false
        }
    }

    /// Whether an AWS page gives this ID (false: known from public infrastructure code only).
    package var confirmedByAWS: Bool {
        switch self {
        case .allViewerExceptHostHeader, .hostHeaderOnly: false
        default: true
        }
    }

    /// The managed policy with this ID (case-insensitive).
    package static func named(id: String) -> ManagedOriginRequestPolicy? {
        ManagedOriginRequestPolicy(rawValue: id.lowercased())
    }
}

/// CloudFront's managed cache policies whose IDs and header lists tlsmatrix knows. A cache policy's headers go to
/// the origin as well as into the cache key, so a cache policy with Host in its headers forwards the viewer's Host.
///
/// Source: the archived guide, awsdocs/amazon-cloudfront-developer-guide `doc_source/using-managed-cache-policies.md`
/// (commit 1674b70b1a29d63b34cdbc885c08ea8a1e9efecc), "Headers included in cache key": CachingOptimized (none
/// explicitly; the normalised Accept-Encoding), CachingOptimizedForUncompressedObjects (none), CachingDisabled
/// (none), Elemental-MediaPackage (Origin). Newer managed policies (Amplify, UseOriginCacheControlHeaders, …) are
/// not in that copy: their IDs are reported as unknown and Host forwarding as undecided, never guessed.
package enum ManagedCachePolicy: String, Sendable, CaseIterable, Codable {
    case cachingOptimized = "658327ea-f89d-4fab-a63d-7e88639e58f6"
    case cachingOptimizedForUncompressedObjects = "b2884449-e4de-46a7-ac36-70bc7f1ddd6d"
    case cachingDisabled = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
    case elementalMediaPackage = "08627262-05a9-4f76-9ded-b50ca2e3a84f"

    /// The policy's name as AWS writes it.
    package var name: String {
        switch self {
        case .cachingOptimized: "Managed-CachingOptimized"
        case .cachingOptimizedForUncompressedObjects: "Managed-CachingOptimizedForUncompressedObjects"
        case .cachingDisabled: "Managed-CachingDisabled"
        case .elementalMediaPackage: "Managed-Elemental-MediaPackage"
        }
    }

    /// Whether the policy's headers include Host (none of these does).
    package var forwardsHost: Bool { false }

    /// The managed policy with this ID (case-insensitive).
    package static func named(id: String) -> ManagedCachePolicy? { ManagedCachePolicy(rawValue: id.lowercased()) }
}
