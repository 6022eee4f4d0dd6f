/// CloudFront's managed origin request policies whose IDs tlsmatrix knows, and whether each sends the viewer's
/// `Host` header to the origin.
///
/// Source: "Use managed origin request policies", Amazon CloudFront Developer Guide,
/// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-origin-request-policies.html
/// (AllViewer: "All headers in the viewer request"; AllViewerAndCloudFrontHeaders-2022-06: all viewer headers and
/// CloudFront headers). Only IDs read in a stored copy of that page are listed; a policy id not listed here is
/// reported as unknown, never guessed.
public enum ManagedOriginRequestPolicy: String, Sendable, CaseIterable, Codable {
    case allViewer = "216adef6-5c7f-47e4-b989-5492eafa07d3"
    case allViewerAndCloudFrontHeaders2022_06 = "33f36d7e-f396-46d9-90e0-52428a34d9dc"

    /// The policy's name as AWS writes it.
    public var name: String {
        switch self {
        case .allViewer: "AllViewer"
        case .allViewerAndCloudFrontHeaders2022_06: "AllViewerAndCloudFrontHeaders-2022-06"
        }
    }

    /// Whether the policy forwards the viewer's `Host` header.
    public var forwardsHost: Bool {
        switch self {
        case .allViewer, .allViewerAndCloudFrontHeaders2022_06: true
        }
    }

    /// The managed policy with this ID (case-insensitive).
    public static func named(id: String) -> ManagedOriginRequestPolicy? {
        ManagedOriginRequestPolicy(rawValue: id.lowercased())
    }
}
