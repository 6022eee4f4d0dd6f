/// Which Elastic Load Balancing generation a template's load balancer belongs to, and how its DNS names look.
package enum LoadBalancerKind: String, Sendable, Hashable, Codable {
    /// `AWS::ElasticLoadBalancingV2::LoadBalancer` (application, network or gateway load balancer).
    case v2
    /// `AWS::ElasticLoadBalancing::LoadBalancer`, the Classic Load Balancer, whose `Listeners` and `Policies` are
    /// properties of the load balancer itself.
    case classic

    /// The kind of a CloudFormation resource type, nil for anything else.
    package init?(resourceType: String) {
        switch resourceType {
        case "AWS::ElasticLoadBalancingV2::LoadBalancer": self = .v2
        case "AWS::ElasticLoadBalancing::LoadBalancer": self = .classic
        default: return nil
        }
    }

    /// Whether `name` is a DNS name Elastic Load Balancing gives a load balancer (no certificate the load balancer
    /// serves covers it):
    ///
    /// - Classic and Application Load Balancers: `NAME-ID.REGION.elb.amazonaws.com`, with the `internal-`,
    ///   `dualstack.` and `ipv6.` forms, and the old `NAME-ID.elb.amazonaws.com` of us-east-1;
    /// - Network Load Balancers: `NAME-ID.elb.REGION.amazonaws.com`;
    /// - the same under `amazonaws.com.cn` (China regions).
    package static func isELBDNSName(_ name: String) -> Bool {
        var labels = name.lowercased().split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if labels.last == "" { labels.removeLast() }  // a trailing dot
        if labels.last == "cn" { labels.removeLast() }
        guard labels.count >= 4, labels.suffix(2) == ["amazonaws", "com"] else { return false }
        let rest = labels.dropLast(2)
        if rest.last == "elb" { return rest.count >= 2 }  // …elb.amazonaws.com
        // …elb.REGION.amazonaws.com (network load balancers)
        return rest.count >= 3 && rest[rest.endIndex - 2] == "elb" && isRegion(rest[rest.endIndex - 1])
    }

    /// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`…
    private static func isRegion(_ label: String) -> Bool {
        let parts = label.split(separator: "-")
        guard parts.count >= 3, let last = parts.last, Int(last) != nil else { return false }
        return parts.dropLast().allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isLetter) }
    }
}
