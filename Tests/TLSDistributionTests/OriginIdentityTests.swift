import TLSCatalog
import TLSDistribution
import Testing

/// Origins are tracked by position; behaviours find them by the same resolved Id or the same unresolved expression.
@Suite struct OriginIdentityTests {
    private let base = "Resources.CloudFrontDistribution.Properties.DistributionConfig"

    /// Copilot-style Ids (`!Sub "${AWS::StackName}-…"`): unresolved offline, yet two origins, not one.
    @Test func unresolvedSubIdsDoNotMerge() throws {
        let distribution = try FixtureFile.only("copilot-unresolved-ids.yaml")
        #expect(distribution.origins.count == 2)
        let (alb, bucket) = (distribution.origins[0], distribution.origins[1])
        #expect(alb.id != bucket.id)
        #expect(alb.declaredId == .unresolved(expression: "Fn::Sub ${AWS::StackName}-${EnvName}-alb", path: "\(base).Origins[0].Id"))
        #expect(alb.kind == .custom)
        #expect(bucket.kind == .s3(reason: "S3OriginConfig is set"))
        #expect(distribution.behaviors.map(\.targetPosition) == [0, 1])
        let routing = DistributionChecks.routing(of: distribution)
        #expect(routing.map(\.behaviors) == [[Behavior.defaultPattern], ["/static/*"]])
        // the unresolved Ids are listed with their paths
        #expect(distribution.unresolved.map(\.path).contains("\(base).Origins[1].Id"))
    }

    @Test func pseudoParameterGivenResolvesTheIds() throws {
        let distribution = try #require(
            try FixtureFile.distributions(
                "copilot-unresolved-ids.yaml", parameters: ["AWS::StackName": "shop"]
            ).first)
        #expect(distribution.origins.map(\.id) == ["shop-test-alb", "shop-test-static"])
        #expect(distribution.behaviors.map(\.targetOriginId) == ["shop-test-alb", "shop-test-static"])
    }

    /// The case: http-only to port 80 of a load balancer whose only listener is HTTPS on 443.
    @Test func httpOnlyOriginWithoutAnHTTPListener() throws {
        let distribution = try FixtureFile.only("copilot-unresolved-ids.yaml")
        let findings = ListenerChecks.findings(for: distribution)
        #expect(findings.map(\.id) == ["origin-port-no-listener"])
        #expect(findings.first?.originId == distribution.origins[0].id)
        #expect(findings.first?.severity == .error)
        #expect(findings.first?.message.contains("over HTTP on port 80") == true)
    }

    @Test func duplicateIdsStayApartAndAreAnError() throws {
        let yaml = """
            Resources:
              Cdn:
                Type: AWS::CloudFront::Distribution
                Properties:
                  DistributionConfig:
                    Origins:
                      - {Id: web, DomainName: a.example.com, CustomOriginConfig: {OriginProtocolPolicy: https-only}}
                      - {Id: web, DomainName: b.example.com, CustomOriginConfig: {OriginProtocolPolicy: https-only}}
                    DefaultCacheBehavior: {TargetOriginId: web}
            """
        let distribution = try #require(try DistributionFile.parse(yaml, file: "t.yaml").first)
        #expect(distribution.origins.map(\.domain) == [.resolved("a.example.com"), .resolved("b.example.com")])
        #expect(Set(distribution.origins.map(\.id)).count == 2)
        #expect(ListenerChecks.findings(for: distribution).map(\.id) == ["duplicate-origin-id"])
    }
}
