import TLSCatalog

/// Which probes a scan makes for its `--checks`. A full scan (every check) enumerates every version's suites by
/// elimination; without `suites` each version is decided by one handshake (``SuiteCoverage/sampled``); with
/// `cloudfront` alone only the versions CloudFront may use are probed, and what the verdict needs besides.
struct ScanPlan: Sendable {
    /// The checks that run: the requested ones and what they need.
    let checks: Set<ScanCheck>
    /// The OriginSslProtocols setting the CloudFront hellos are built for.
    let originProtocols: [TLSVersion]

    init(checks requested: Set<ScanCheck>, originProtocols: [TLSVersion]) {
        self.checks = Self.closure(requested)
        self.originProtocols = originProtocols
    }

    /// `requested` with what each check needs.
    static func closure(_ requested: Set<ScanCheck>) -> Set<ScanCheck> {
        var checks = requested
        if checks.contains(.simulation) { checks.formUnion([.protocols, .suites, .groups]) }
        if !checks.isDisjoint(with: [.suites, .groups, .certificates]) { checks.insert(.protocols) }
        return checks
    }

    /// Every suite by elimination, the server's order and the cross-check.
    var enumeratesSuites: Bool { checks.contains(.suites) }
    /// Every version (SSLv2 to TLS 1.3), not only CloudFront's.
    var allVersions: Bool { checks.contains(.protocols) }
    var groups: Bool { checks.contains(.groups) }
    var certificates: Bool { checks.contains(.certificates) }
    var cloudFront: Bool { checks.contains(.cloudfront) }
    /// Only the CloudFront verdict's probes: its versions are decided with CloudFront's suites.
    var cloudFrontOnly: Bool { cloudFront && !allVersions }

    /// The CloudFront generations' profiles (every generation is sent, whatever `--cloudfront-generation` judges).
    static let generationProfiles: [ClientProfile] = CloudFrontGeneration.allCases.compactMap {
        Catalog.shared.client(id: $0.profileID)
    }

    /// Every suite some CloudFront generation offers to origins.
    static let cloudFrontSuites: Set<UInt16> = Set(generationProfiles.flatMap(\.suites))

    /// The versions some CloudFront generation offers under the OriginSslProtocols setting.
    var cloudFrontVersions: Set<TLSVersion> {
        Set(Self.generationProfiles.flatMap { $0.versions(forOriginProtocols: originProtocols) })
    }

    /// Every version some CloudFront generation can speak under any setting: probed when a generation finds no
    /// common version under this one, so the verdict can say which versions the origin accepts and which setting
    /// would connect.
    static let cloudFrontKnownVersions: Set<TLSVersion> = Set(generationProfiles.flatMap(\.versions))

    /// The generations' allowed versions under the setting, one list per generation.
    var generationVersions: [[TLSVersion]] {
        Self.generationProfiles.map { $0.versions(forOriginProtocols: originProtocols) }
    }
}
