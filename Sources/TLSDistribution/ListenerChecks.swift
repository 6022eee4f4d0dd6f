import TLSModel
/// Checks of a distribution against the template around it, beside ``DistributionChecks``: whether the load balancer
/// an origin points at (`!GetAtt LB.DNSName`) has a listener on the port and protocol CloudFront will use, and
/// whether origin ids are unique.
package enum ListenerChecks {
    /// Every finding of these checks for `distribution`, origin by origin.
    package static func findings(for distribution: Distribution) -> [Finding] {
        var findings: [Finding] = []
        if distribution.origins.isEmpty {
            findings.append(
                Finding(
                    id: "no-origins", severity: .error, originId: "",
                    message:
                        "distribution \(distribution.name) has no origin once its conditions are applied; CloudFront requires at least one",
                    fix: "check the Conditions and Fn::If around Origins", path: DistributionReader.sub(distribution.path, "Origins")))
        }
        for origin in distribution.origins {
            findings += duplicateFindings(origin, in: distribution) + portFindings(origin)
        }
        return findings
    }

    /// CloudFront refuses two origins with the same Id.
    private static func duplicateFindings(_ origin: Origin, in distribution: Distribution) -> [Finding] {
        guard case let .resolved(id) = origin.declaredId,
            let first = distribution.origins.first(where: { $0.declaredId == origin.declaredId }), first.position < origin.position
        else { return [] }
        return [
            Finding(
                id: "duplicate-origin-id", severity: .error, originId: origin.id,
                message:
                    "origins \(first.position + 1) and \(origin.position + 1) both have the Id \(id); CloudFront refuses the configuration",
                fix: "give every origin its own Id", path: origin.path)
        ]
    }

    /// The origin reaches a load balancer of the template on a port and protocol none of its listeners serves.
    private static func portFindings(_ origin: Origin) -> [Finding] {
        guard origin.kind == .custom, let policy = origin.protocolPolicy, let balancer = origin.loadBalancer,
            !balancer.listeners.isEmpty,
            // a listener whose port or protocol is unresolved may be the one: nothing is certain
            balancer.listeners.allSatisfy({ $0.port != nil && $0.listenerProtocol != "(unresolved)" })
        else { return [] }
        var needs: [(scheme: String, port: Int, field: String)] = []
        if policy != .httpOnly { needs.append(("HTTPS", origin.httpsPort, "HTTPSPort")) }
        if policy != .httpsOnly { needs.append(("HTTP", origin.httpPort, "HTTPPort")) }
        let served = balancer.listeners.compactMap { listener in listener.port.map { "\(listener.listenerProtocol):\($0)" } }
            .joined(separator: ", ")
        return needs.compactMap { need in
            let serves = balancer.listeners.contains { listener in
                guard listener.port == need.port else { return false }
                if listener.isPassThrough { return true }  // TCP: whatever is behind it may answer
                return need.scheme == "HTTPS" ? listener.isTLS : listener.isHTTP
            }
            guard !serves else { return nil }
            let onPort = balancer.listeners.filter { $0.port == need.port }
            let detail =
                onPort.isEmpty
                ? "no listener of \(balancer.logicalId) is on port \(need.port)"
                : "the listener of \(balancer.logicalId) on port \(need.port) speaks \(onPort.map(\.listenerProtocol).joined(separator: ", ")), not \(need.scheme)"
            return Finding(
                id: "origin-port-no-listener", severity: .error, originId: origin.id,
                message:
                    "origin \(origin.id) is \(policy.rawValue): CloudFront connects to load balancer \(balancer.logicalId) over \(need.scheme) on port \(need.port), but \(detail) (its listeners in this template: \(served)); CloudFront would answer 502 or 504",
                fix:
                    "add a \(need.scheme) listener on port \(need.port) to \(balancer.logicalId), or set the origin's \(need.field) and OriginProtocolPolicy to what a listener serves",
                path: origin.path)
        }
    }
}
