import TLSModel
import TLSCatalog

/// Which Host header CloudFront sends to an origin for some of its behaviours, and so which name it checks the
/// origin's certificate against.
///
/// Source: "Requirements for using SSL/TLS certificates with CloudFront", Amazon CloudFront Developer Guide (the
/// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html, read
/// 2026-11-30, "Certificates on the origin"): one name in the
/// certificate must match the origin's DomainName or, if the cache behaviour forwards the Host header to the origin,
/// the Host header's value. A viewer's Host is one of the distribution's aliases or, without aliases, the
/// distribution's own `*.cloudfront.net` name (CloudFront refuses any other).
package enum HostSent: String, Sendable, Hashable, Codable, CaseIterable {
    /// Host is not forwarded: CloudFront sends the origin's DomainName and checks the certificate against it.
    case originDomain = "origin-domain"
    /// Host is forwarded: the alias the viewer asked for.
    case viewerHost = "viewer-host"
    /// Host is forwarded and the distribution has no aliases: the `*.cloudfront.net` name, which no certificate an
    /// origin can get covers.
    case cloudFrontDomain = "cloudfront-domain"
    /// The behaviour's origin request policy cannot be read from the file.
    case unknown
}

/// Which behaviours send requests to one origin (directly or through an origin group) and, per behaviour, which
/// Host it sends (the origin's DomainName, or the viewer's Host when forwarded; then the origin's certificate must
/// cover every alias, not the origin's domain name).
package struct OriginRouting: Sendable, Hashable, Codable {
    package var originId: String
    /// Path patterns of the behaviours, in the distribution's order.
    package var behaviors: [String]
    /// The path patterns of those that forward Host.
    package var hostBehaviors: [String]
    /// The path patterns of those whose origin request policy cannot be read (Host may be forwarded).
    package var unknownBehaviors: [String]
    /// The path patterns of those known not to forward Host (CloudFront sends the origin's DomainName).
    package var domainBehaviors: [String]
    /// The origin groups (failover) the origin is a member of.
    package var originGroups: [String]
    /// JSON paths of the behaviours that forward Host, in the same order as ``hostBehaviors``.
    package var hostBehaviorPaths: [String]

    package init(
        originId: String, behaviors: [String], hostBehaviors: [String], unknownBehaviors: [String],
        domainBehaviors: [String] = [], originGroups: [String], hostBehaviorPaths: [String] = []
    ) {
        self.originId = originId
        self.behaviors = behaviors
        self.hostBehaviors = hostBehaviors
        self.unknownBehaviors = unknownBehaviors
        self.domainBehaviors = domainBehaviors
        self.originGroups = originGroups
        self.hostBehaviorPaths = hostBehaviorPaths
    }

    /// Whether some behaviour forwards Host: true if one does, nil if none does but some cannot be told, else false.
    package var forwardsHost: Bool? {
        if !hostBehaviors.isEmpty { return true }
        return unknownBehaviors.isEmpty ? false : nil
    }

    /// True when the origin is reached and every behaviour that reaches it forwards the viewer's Host: CloudFront
    /// never checks its certificate against its DomainName.
    package var everyBehaviorForwardsHost: Bool {
        !hostBehaviors.isEmpty && unknownBehaviors.isEmpty && domainBehaviors.isEmpty
    }

    /// True when CloudFront checks the certificate against the DomainName for some request: a behaviour does not
    /// forward Host, or none reaches the origin (the DomainName is then all the file says).
    package var checksDomainName: Bool { !domainBehaviors.isEmpty || behaviors.isEmpty }

    /// The Host each group of behaviours sends, in ``HostSent`` order, omitting empty groups. `hasAliases`: whether
    /// the distribution has at least one alias (resolved or not).
    package func hostSent(hasAliases: Bool) -> [(host: HostSent, behaviors: [String])] {
        let groups: [(HostSent, [String])] = [
            (.originDomain, domainBehaviors),
            (hasAliases ? .viewerHost : .cloudFrontDomain, hostBehaviors),
            (.unknown, unknownBehaviors),
        ]
        return groups.filter { !$0.1.isEmpty }.map { (host: $0.0, behaviors: $0.1) }
    }
}

/// The checks of a distribution that need no network.
package enum DistributionChecks {
    /// Custom headers CloudFront can't add to origin requests, lower-cased.
    ///
    /// Source: "Custom headers that CloudFront can't add to origin requests", in "Add custom headers to origin
    /// requests", Amazon CloudFront Developer Guide,
    /// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/add-origin-custom-headers.html#add-origin-custom-headers-denylist
    /// (the full list read in the archived guide, awsdocs/amazon-cloudfront-developer-guide
    /// `doc_source/add-origin-custom-headers.md`, commit 2ca57aea7c6ff95ff99ba7a48e8ddf4830113241).
    package static let disallowedCustomHeaders: [String] = [
        "cache-control", "connection", "content-length", "cookie", "host", "if-match", "if-modified-since",
        "if-none-match", "if-range", "if-unmodified-since", "max-forwards", "pragma", "proxy-authorization",
        "proxy-connection", "range", "request-range", "te", "trailer", "transfer-encoding", "upgrade", "via",
        "x-real-ip",
    ]

    /// Prefixes of header names CloudFront can't add (same source), lower-cased.
    package static let disallowedCustomHeaderPrefixes: [String] = ["x-amz-", "x-edge-"]

    /// Whether CloudFront refuses `name` as an origin custom header.
    package static func isDisallowedCustomHeader(_ name: String) -> Bool {
        let lower = name.lowercased()
        return disallowedCustomHeaders.contains(lower) || disallowedCustomHeaderPrefixes.contains { lower.hasPrefix($0) }
    }

    /// Every finding of `distribution`, origin by origin.
    package static func findings(for distribution: Distribution) -> [Finding] {
        zip(distribution.origins, routing(of: distribution)).flatMap { origin, route -> [Finding] in
            var findings = headerFindings(origin)
            findings += elbNameFindings(origin, route)
            findings += hostFindings(origin, route, distribution)
            if let balancer = origin.loadBalancer { findings += listenerFindings(balancer, origin: origin) }
            findings += edgeFunctionFindings(origin, reaching: behaviors(reaching: origin, in: distribution))
            return findings
        }
    }

    /// The behaviours that send requests to `origin`, directly or through an origin group, in the distribution's order.
    static func behaviors(reaching origin: Origin, in distribution: Distribution) -> [Behavior] {
        let groups = distribution.originGroups.filter { $0.members.contains(origin.id) }.map(\.id)
        return distribution.behaviors.filter { $0.targetOriginId == origin.id || groups.contains($0.targetOriginId) }
    }

    /// For each origin, in the distribution's order: the behaviours that reach it and which of them forward Host.
    package static func routing(of distribution: Distribution) -> [OriginRouting] {
        distribution.origins.map { origin in
            let groups = distribution.originGroups.filter { $0.members.contains(origin.id) }.map(\.id)
            let reaching = behaviors(reaching: origin, in: distribution)
            let forwarding = reaching.filter { $0.forwardsHost == true }
            return OriginRouting(
                originId: origin.id, behaviors: reaching.map(\.pathPattern),
                hostBehaviors: forwarding.map(\.pathPattern),
                unknownBehaviors: reaching.filter { $0.forwardsHost == nil }.map(\.pathPattern),
                domainBehaviors: reaching.filter { $0.forwardsHost == false }.map(\.pathPattern),
                originGroups: groups, hostBehaviorPaths: forwarding.map(\.path))
        }
    }

    private static func headerFindings(_ origin: Origin) -> [Finding] {
        origin.customHeaders.enumerated().compactMap { index, header in
            guard isDisallowedCustomHeader(header.name) else { return nil }
            return Finding(
                id: "custom-header-not-allowed", severity: .error, originId: origin.id,
                message: "origin \(origin.id) adds the custom header \(header.name), which CloudFront can't add to origin requests",
                fix: "remove the header from the origin's custom headers (forward the viewer's Host with an origin request policy instead)",
                path: header.path.isEmpty ? "\(origin.path).customHeaders[\(index)]" : header.path
            )
        }
    }

    /// The origin is a load balancer's own `*.elb.amazonaws.com` name: no certificate an ALB serves covers it. A
    /// certificate rule of the DomainName, so only where CloudFront checks the certificate against it: an error when
    /// some behaviour does not forward Host, a warning when the behaviours' policies cannot be read, nothing when
    /// every behaviour forwards Host (CloudFront checks the alias then; ``hostFindings(_:_:_:)``).
    private static func elbNameFindings(_ origin: Origin, _ routing: OriginRouting) -> [Finding] {
        guard origin.usesHTTPS, !routing.everyBehaviorForwardsHost else { return [] }
        let isELBName: Bool =
            switch origin.domain {
            case let .resolved(name): LoadBalancerKind.isELBDNSName(name)
            case .unresolved: origin.loadBalancer != nil
            }
        guard isELBName else { return [] }
        let definite = routing.checksDomainName
        let which =
            definite
            ? (routing.domainBehaviors.isEmpty
                ? "" : " for behaviours \(routing.domainBehaviors.joined(separator: ", ")), which do not forward the viewer's Host,")
            : " if behaviours \(routing.unknownBehaviors.joined(separator: ", ")) do not forward the viewer's Host (their origin request policy cannot be read),"
        return [
            Finding(
                id: "origin-is-elb-dns-name", severity: definite ? .error : .warning, originId: origin.id,
                message:
                    "origin \(origin.id) connects over HTTPS to the load balancer's own DNS name (\(describe(origin.domain)))\(which) so CloudFront checks the certificate against that name; no certificate the load balancer serves covers *.elb.amazonaws.com, so the check fails (502)",
                fix:
                    "give the load balancer a DNS name of your own (a CNAME or alias record) covered by its certificate and use it as the origin's domain name, or forward the viewer's Host on every behaviour (origin request policy AllViewer) so the certificate is checked against the aliases",
                path: origin.path
            )
        ]
    }

    /// Host forwarded: the origin's certificate must cover every alias; without aliases the viewer's Host is the
    /// distribution's `*.cloudfront.net` name, which no origin certificate covers: a certain 502.
    private static func hostFindings(_ origin: Origin, _ routing: OriginRouting, _ distribution: Distribution) -> [Finding] {
        guard origin.usesHTTPS else { return [] }
        if distribution.aliases.isEmpty {
            if !routing.hostBehaviors.isEmpty {
                let patterns = routing.hostBehaviors.joined(separator: ", ")
                return [
                    Finding(
                        id: cloudFrontDomainHost, severity: .error, originId: origin.id,
                        message:
                            "behaviours \(patterns) forward the viewer's Host to origin \(origin.id), and the distribution has no aliases: viewers reach it as its *.cloudfront.net name, so CloudFront sends that Host and checks the origin's certificate against it; no certificate an origin can get covers *.cloudfront.net, so every such request fails (502)",
                        fix:
                            "stop forwarding Host for these behaviours (origin request policy AllViewerExceptHostHeader, or remove Host from the forwarded headers), or add an alias (Aliases, with a viewer certificate) that the origin's certificate covers",
                        path: routing.hostBehaviorPaths.first ?? origin.path
                    )
                ]
            }
            if !routing.unknownBehaviors.isEmpty {
                return [
                    Finding(
                        id: cloudFrontDomainHost, severity: .warning, originId: origin.id,
                        message:
                            "if behaviours \(routing.unknownBehaviors.joined(separator: ", ")) forward the viewer's Host to origin \(origin.id) (their origin request policy cannot be read), CloudFront sends the distribution's *.cloudfront.net name, as it has no aliases, and no origin certificate covers it (502)",
                        fix:
                            "make sure these behaviours do not forward Host (e.g. AllViewerExceptHostHeader), or add an alias the origin's certificate covers",
                        path: origin.path
                    )
                ]
            }
            return []
        }
        guard !routing.hostBehaviors.isEmpty else { return [] }
        let aliases = distribution.aliases.map(describe).joined(separator: ", ")
        let also =
            routing.checksDomainName
            ? "; behaviours \(routing.domainBehaviors.joined(separator: ", ")) send its DomainName, checked as usual" : ""
        return [
            Finding(
                id: "origin-receives-viewer-host", severity: .info, originId: origin.id,
                message:
                    "behaviours \(routing.hostBehaviors.joined(separator: ", ")) forward the viewer's Host to origin \(origin.id): CloudFront checks its certificate against the alias the viewer asked for (\(aliases)), not its DomainName\(also)",
                fix: "make sure the origin's certificate covers every alias, or stop forwarding Host (e.g. AllViewerExceptHostHeader)",
                path: origin.path
            )
        ]
    }

    /// A behaviour reaching the origin runs an edge function that can send its requests to another origin or with
    /// another Host (``EdgeFunction``): the audit judges the origin and Host the configuration names, which the
    /// function may replace at run time. A warning, once per function, not a failure.
    private static func edgeFunctionFindings(_ origin: Origin, reaching: [Behavior]) -> [Finding] {
        guard origin.kind == .custom else { return [] }
        return reaching.flatMap { behavior in
            behavior.edgeFunctions.compactMap { function -> Finding? in
                guard function.mayChangeOrigin != false else { return nil }
                let name = describe(function.function)
                let what: String
                switch (function.kind, function.eventType) {
                case (.lambdaEdge, "origin-request"?):
                    what =
                        "the Lambda@Edge function \(name) runs on origin-request and can send these requests to another origin (its event's origin object) or set their Host header"
                case (.cloudFrontFunction, "viewer-request"?):
                    what =
                        "the CloudFront Function \(name) runs on viewer-request and can send these requests to another origin (cf.updateRequestOrigin); it cannot change Host"
                default:
                    what =
                        "the edge function \(name) has an event type that cannot be resolved; on origin-request (Lambda@Edge) or viewer-request (CloudFront Functions) it can change the origin"
                }
                return Finding(
                    id: "edge-function-may-change-origin", severity: .warning, originId: origin.id,
                    message:
                        "behaviour \(behavior.pathPattern) reaches origin \(origin.id), but \(what); tlsmatrix audits the origin and Host the configuration names, not those the function chooses at run time",
                    fix: "audit every origin the function can choose as well (e.g. `tlsmatrix scan` on each), with the Host it sets",
                    path: function.path)
            }
        }
    }

    /// The id of the finding for Host forwarded on a distribution without aliases.
    package static let cloudFrontDomainHost = "viewer-host-is-cloudfront-domain"

    /// The listener's SslPolicy against every CloudFront generation.
    private static func listenerFindings(_ balancer: LinkedLoadBalancer, origin: Origin) -> [Finding] {
        guard origin.usesHTTPS else { return [] }
        return balancer.listeners.filter(\.isTLS).flatMap { listener -> [Finding] in
            guard let policyID = listener.sslPolicy else { return [] }
            guard let policy = Catalog.shared.policy(id: policyID) else {
                return [
                    Finding(
                        id: "listener-policy-unknown", severity: .warning, originId: origin.id,
                        message: "listener \(listener.path) of \(balancer.logicalId) uses the unknown policy \(policyID)",
                        fix: "check the policy name; tlsmatrix knows the ELB policies listed by `tlsmatrix policies list`",
                        path: listener.path
                    )
                ]
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
                return Finding(
                    id: "listener-policy-incompatible", severity: .error, originId: origin.id,
                    message:
                        "listener \(listener.path) of \(balancer.logicalId) uses \(policy.id), which shares \(what) with CloudFront (\(generation.title)) under OriginSSLProtocols \(origin.originSSLProtocols.map(\.cloudFrontName).joined(separator: ", "))",
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
