import TLSCatalog

/// Something wrong, or worth knowing before a scan, about a distribution, found without the network.
public struct DistributionFinding: Sendable, Hashable, Codable {
    /// `error`: CloudFront would answer 502 (or refuse the configuration); `warning`: worth a look; `info`: a fact
    /// the online checks act on.
    public enum Severity: String, Sendable, Hashable, Codable {
        case info, warning, error
    }

    /// Stable identifier (`custom-header-not-allowed`, `origin-is-elb-dns-name`, …).
    public var id: String
    public var severity: Severity
    /// The origin the finding is about.
    public var originId: String
    public var message: String
    public var fix: String
    /// JSON path of what the finding is about.
    public var path: String
    /// The CloudFront generation it concerns, when only one.
    public var generation: CloudFrontGeneration?

    public init(id: String, severity: Severity, originId: String, message: String, fix: String, path: String,
                generation: CloudFrontGeneration? = nil) {
        self.id = id
        self.generation = generation
        self.severity = severity
        self.originId = originId
        self.message = message
        self.fix = fix
        self.path = path
    }
}

/// Which behaviours send requests to one origin (directly or through an origin group) and whether any forwards the
/// viewer's Host header (then the origin's certificate must cover every alias, not just the origin's domain name).
public struct OriginRouting: Sendable, Hashable, Codable {
    public var originId: String
    /// Path patterns of the behaviours, in the distribution's order.
    public var behaviors: [String]
    /// The path patterns of those that forward Host.
    public var hostBehaviors: [String]
    /// The path patterns of those whose origin request policy cannot be read (Host may be forwarded).
    public var unknownBehaviors: [String]
    /// The origin groups (failover) the origin is a member of.
    public var originGroups: [String]

    public init(originId: String, behaviors: [String], hostBehaviors: [String], unknownBehaviors: [String],
                originGroups: [String]) {
        self.originId = originId
        self.behaviors = behaviors
        self.hostBehaviors = hostBehaviors
        self.unknownBehaviors = unknownBehaviors
        self.originGroups = originGroups
    }

    /// Whether some behaviour forwards Host: true if one does, nil if none does but some cannot be told, else false.
    public var forwardsHost: Bool? {
        if !hostBehaviors.isEmpty { return true }
        return unknownBehaviors.isEmpty ? false : nil
    }
}

/// The checks of a distribution that need no network.
public enum DistributionChecks {
    /// Custom headers CloudFront can't add to origin requests, lower-cased.
    ///
    /// Source: "Custom headers that CloudFront can't add to origin requests", in "Add custom headers to origin
    /// requests", Amazon CloudFront Developer Guide,
    /// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/add-origin-custom-headers.html#add-origin-custom-headers-denylist
    /// (the full list read in the archived guide, awsdocs/amazon-cloudfront-developer-guide
    /// `doc_source/add-origin-custom-headers.md`, commit 2ca57aea7c6ff95ff99ba7a48e8ddf4830113241).
    public static let disallowedCustomHeaders: [String] = [
        "cache-control", "connection", "content-length", "cookie", "host", "if-match", "if-modified-since",
        "if-none-match", "if-range", "if-unmodified-since", "max-forwards", "pragma", "proxy-authorization",
        "proxy-connection", "range", "request-range", "te", "trailer", "transfer-encoding", "upgrade", "via",
        "x-real-ip",
    ]

    /// Prefixes of header names CloudFront can't add (same source), lower-cased.
    public static let disallowedCustomHeaderPrefixes: [String] = ["x-amz-", "x-edge-"]

    /// Whether CloudFront refuses `name` as an origin custom header.
    public static func isDisallowedCustomHeader(_ name: String) -> Bool {
        let lower = name.lowercased()
        return disallowedCustomHeaders.contains(lower) || disallowedCustomHeaderPrefixes.contains { lower.hasPrefix($0) }
    }

    /// Every finding of `distribution`, origin by origin.
    public static func findings(for distribution: Distribution) -> [DistributionFinding] {
        zip(distribution.origins, routing(of: distribution)).flatMap { origin, route in
            headerFindings(origin) + elbNameFindings(origin) + hostFindings(origin, route, distribution)
                + (origin.loadBalancer.map { listenerFindings($0, origin: origin) } ?? [])
        }
    }

    /// For each origin, in the distribution's order: the behaviours that reach it and which of them forward Host.
    public static func routing(of distribution: Distribution) -> [OriginRouting] {
        distribution.origins.map { origin in
            let groups = distribution.originGroups.filter { $0.members.contains(origin.id) }.map(\.id)
            let reaching = distribution.behaviors.filter { $0.targetOriginId == origin.id || groups.contains($0.targetOriginId) }
            return OriginRouting(originId: origin.id, behaviors: reaching.map(\.pathPattern),
                                 hostBehaviors: reaching.filter { $0.forwardsHost == true }.map(\.pathPattern),
                                 unknownBehaviors: reaching.filter { $0.forwardsHost == nil }.map(\.pathPattern),
                                 originGroups: groups)
        }
    }

    private static func headerFindings(_ origin: Origin) -> [DistributionFinding] {
        origin.customHeaders.enumerated().compactMap { index, header in
            guard isDisallowedCustomHeader(header.name) else { return nil }
            return DistributionFinding(
                id: "custom-header-not-allowed", severity: .error, originId: origin.id,
                message: "origin \(origin.id) adds the custom header \(header.name), which CloudFront can't add to origin requests",
                fix: "remove the header from the origin's custom headers (forward the viewer's Host with an origin request policy instead)",
                path: header.path.isEmpty ? "\(origin.path).customHeaders[\(index)]" : header.path
            )
        }
    }

    /// The origin is a load balancer's own `*.elb.amazonaws.com` name: no certificate an ALB serves covers it.
    private static func elbNameFindings(_ origin: Origin) -> [DistributionFinding] {
        guard origin.usesHTTPS else { return [] }
        let isELBName: Bool = switch origin.domain {
        case let .resolved(name): name.lowercased().hasSuffix(".elb.amazonaws.com")
        case .unresolved: origin.loadBalancer != nil
        }
        guard isELBName else { return [] }
        return [DistributionFinding(
            id: "origin-is-elb-dns-name", severity: .error, originId: origin.id,
            message: "origin \(origin.id) connects over HTTPS to the load balancer's own DNS name (\(describe(origin.domain))); no certificate the load balancer serves covers *.elb.amazonaws.com, so CloudFront's certificate check fails",
            fix: "give the load balancer a DNS name of your own (a CNAME or alias record) covered by its certificate and use it as the origin's domain name",
            path: origin.path
        )]
    }

    /// Host forwarded: the origin's certificate must cover every alias.
    private static func hostFindings(_ origin: Origin, _ routing: OriginRouting, _ distribution: Distribution) -> [DistributionFinding] {
        guard origin.usesHTTPS, routing.forwardsHost == true, !distribution.aliases.isEmpty else { return [] }
        let aliases = distribution.aliases.map(describe).joined(separator: ", ")
        return [DistributionFinding(
            id: "origin-receives-viewer-host", severity: .info, originId: origin.id,
            message: "behaviours forward the viewer's Host to origin \(origin.id): CloudFront checks its certificate against the alias the viewer asked for (\(aliases))",
            fix: "make sure the origin's certificate covers every alias, or stop forwarding Host (e.g. AllViewerExceptHostHeader)",
            path: origin.path
        )]
    }

    /// The listener's SslPolicy against every CloudFront generation.
    private static func listenerFindings(_ balancer: LinkedLoadBalancer, origin: Origin) -> [DistributionFinding] {
        guard origin.usesHTTPS else { return [] }
        return balancer.listeners.filter(\.isTLS).flatMap { listener -> [DistributionFinding] in
            guard let policyID = listener.sslPolicy else { return [] }
            guard let policy = Catalog.shared.policy(id: policyID) else {
                return [DistributionFinding(
                    id: "listener-policy-unknown", severity: .warning, originId: origin.id,
                    message: "listener \(listener.path) of \(balancer.logicalId) uses the unknown policy \(policyID)",
                    fix: "check the policy name; tlsmatrix knows the ELB policies listed by `tlsmatrix policies list`",
                    path: listener.path
                )]
            }
            return CloudFrontGeneration.allCases.compactMap { generation in
                guard let client = Catalog.shared.client(id: generation.profileID) else { return nil }
                let versions = client.versions(forOriginProtocols: origin.originSSLProtocols).filter(policy.versions.contains)
                let what: String
                if versions.isEmpty {
                    what = "no protocol version"
                } else if !policy.suites.contains(where: client.suites.contains) {
                    what = "no cipher suite"
                } else {
                    return nil
                }
                return DistributionFinding(
                    id: "listener-policy-incompatible", severity: .error, originId: origin.id,
                    message: "listener \(listener.path) of \(balancer.logicalId) uses \(policy.id), which shares \(what) with CloudFront (\(generation.title)) under OriginSSLProtocols \(origin.originSSLProtocols.map(\.cloudFrontName).joined(separator: ", "))",
                    fix: "choose an SslPolicy CloudFront can negotiate with, e.g. ELBSecurityPolicy-TLS13-1-2-2021-06",
                    path: listener.path, generation: generation
                )
            }
        }
    }

    private static func describe(_ value: Value) -> String {
        switch value {
        case let .resolved(text): text
        case let .unresolved(expression, _): expression
        }
    }
}
