import TLSCatalog
import TLSDistribution
import Testing

/// Load balancers of the template: Classic Load Balancers with their listeners and SSL negotiation policy, ELB DNS
/// names, and origin ports no listener serves.
@Suite struct LoadBalancerTests {
    @Test func classicLoadBalancerListenersAndPolicy() throws {
        let distribution = try FixtureFile.only("classic-elb.yaml")
        let classic = try distribution.requireOrigin("classic")
        let balancer = try #require(classic.loadBalancer)
        #expect(balancer.logicalId == "ClassicLB")
        #expect(balancer.kind == .classic)
        #expect(balancer.listeners.map(\.port) == [80, 443])
        #expect(balancer.listeners.map(\.listenerProtocol) == ["HTTP", "HTTPS"])
        #expect(balancer.listeners.map(\.sslPolicy) == [nil, "ELBSecurityPolicy-TLS-1-2-2017-01"])
        #expect(balancer.listeners[1].path == "Resources.ClassicLB.Properties.Listeners[1]")
        #expect(balancer.listeners[1].certificateARNs == [.resolved("arn:aws:acm:us-east-1:111122223333:certificate/classic")])
        #expect(
            classic.domain
                == .unresolved(
                    expression: "the DNS name of load balancer ClassicLB",
                    path: "Resources.Cdn.Properties.DistributionConfig.Origins[0].DomainName"))
        // the long-form list GetAtt links too
        #expect(try distribution.requireOrigin("tls").loadBalancer?.logicalId == "ClassicLB")
        // no behaviour forwards Host: the origin's own ELB name is what CloudFront checks the certificate against
        let findings = DistributionChecks.findings(for: distribution)
        #expect(findings.contains { $0.id == "origin-is-elb-dns-name" && $0.originId == "classic" })
    }

    /// https-only on 8443 while the Classic Load Balancer listens on 80 (HTTP) and 443 (HTTPS): no listener serves it.
    @Test func portNoListenerServes() throws {
        let distribution = try FixtureFile.only("classic-elb.yaml")
        let findings = ListenerChecks.findings(for: distribution)
        #expect(findings.map(\.originId) == ["classic"])
        #expect(findings.first?.id == "origin-port-no-listener")
        #expect(findings.first?.message.contains("over HTTPS on port 8443") == true)
        #expect(findings.first?.path == "Resources.Cdn.Properties.DistributionConfig.Origins[0]")
    }

    /// CDK output: https-only on 443 to an ALB whose only listener is HTTP on 80.
    @Test func cdkOriginHTTPSWithOnlyAnHTTPListener() throws {
        let distribution = try FixtureFile.only("cdk-synth.json")
        let origin = try distribution.requireOrigin("integdistributionDistOrigin1D1E8A9A6")
        #expect(origin.loadBalancer?.listeners.map(\.path) == ["Resources.LBPublicListener6E1F3D94"])
        let findings = ListenerChecks.findings(for: distribution)
        #expect(findings.map(\.id) == ["origin-port-no-listener"])
        #expect(findings.first?.message.contains("speaks HTTP, not HTTPS") == false)
        #expect(findings.first?.message.contains("no listener of LB8A12904C is on port 443") == true)
    }

    @Test func elbDNSNames() {
        for name in [
            "my-lb-1234567890.us-west-2.elb.amazonaws.com", "dualstack.my-lb-1234567890.us-west-2.elb.amazonaws.com",
            "internal-my-lb-1234.eu-west-1.elb.amazonaws.com", "my-nlb-0123456789abcdef.elb.us-east-1.amazonaws.com",
            "my-lb-123.cn-north-1.elb.amazonaws.com.cn", "my-lb-123.elb.amazonaws.com", "MY-LB-1.EU-WEST-1.ELB.AMAZONAWS.COM.",
        ] {
            #expect(LoadBalancerKind.isELBDNSName(name), "\(name)")
        }
        for name in [
            "elb.amazonaws.com", "origin.example.com", "bucket.s3.amazonaws.com", "my.elb.example.com",
            "x.elb.notaregion.amazonaws.com",
        ] {
            #expect(!LoadBalancerKind.isELBDNSName(name), "\(name)")
        }
    }
}
