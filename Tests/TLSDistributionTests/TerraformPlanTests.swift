import TLSCatalog
import TLSDistribution
import Testing

/// `terraform show -json PLAN`.
@Suite struct TerraformPlanTests {
    private let after = "resource_changes[0].change.after"

    @Test func resourceChangesWithUnknownValues() throws {
        let distributions = try FixtureFile.distributions("terraform-plan.json")
        #expect(distributions.map(\.name) == ["aws_cloudfront_distribution.main", "module.edge.aws_cloudfront_distribution.this"])
        let main = distributions[0]
        #expect(main.path == after)
        #expect(main.aliases == [.resolved("www.example.io"), .resolved("api.example.io")])
        #expect(main.origins.map(\.id) == ["api", "fallback", "media"])

        let api = try main.requireOrigin("api")
        #expect(api.domain == .resolved("api-origin.example.io"))
        #expect(api.originPath == "/v1")
        #expect(api.connectionAttempts == 2)
        #expect(api.connectionTimeout == 4)
        #expect(api.readTimeout == 60)
        #expect(api.protocolPolicy == .httpsOnly)
        #expect(api.originSSLProtocols == [.tls12])
        #expect(api.customHeaders == [CustomHeader(name: "X-Edge-Secret", value: .resolved("x"))])
        #expect(api.path == "\(after).origin[0]")

        let fallback = try main.requireOrigin("fallback")
        #expect(fallback.domain == .unresolved(expression: "known after apply", path: "\(after).origin[1].domain_name"))
        #expect(fallback.protocolPolicy == .httpOnly)

        let media = try main.requireOrigin("media")
        #expect(media.kind == .s3(reason: "s3_origin_config is set"))

        #expect(main.originGroups == [OriginGroup(id: "api-group", members: ["api", "fallback"])])
        let home = try main.behavior(Behavior.defaultPattern)
        #expect(home.targetOriginId == "api-group")
        #expect(home.forwardsHost == true)
        #expect(home.why == "managed origin request policy AllViewer")
        let mediaPath = try main.behavior("/media/*")
        #expect(mediaPath.forwardsHost == nil)
        #expect(mediaPath.why == "origin request policy id unresolved: known after apply")

        #expect(
            main.unresolved == [
                Unresolved(expression: "known after apply", path: "\(after).origin[1].domain_name"),
                Unresolved(expression: "known after apply", path: "\(after).ordered_cache_behavior[0].origin_request_policy_id"),
            ])
        let findings = DistributionChecks.findings(for: main)
        // AWS's list refuses every header that begins with X-Edge- (and X-Amz-)
        #expect(findings.map(\.id) == ["custom-header-not-allowed", "origin-receives-viewer-host"])
        #expect(findings.first?.path == "\(after).origin[0].custom_header[0]")
    }

    @Test func plannedValuesOfChildModules() throws {
        let edge = try FixtureFile.distributions("terraform-plan.json")[1]
        #expect(edge.path == "planned_values.root_module.child_modules[0].resources[0].values")
        #expect(edge.aliases == [.resolved("edge.example.io")])
        let origin = try edge.requireOrigin("edge-origin")
        #expect(origin.domain == .resolved("edge-origin.example.io"))
        #expect(origin.originPath == nil)
        #expect(origin.kind == .custom)
        #expect(origin.customHeaders.isEmpty)
        let home = try edge.behavior(Behavior.defaultPattern)
        #expect(home.forwardsHost == false)
        #expect(home.why == "legacy ForwardedValues headers do not contain Host")
        #expect(DistributionChecks.findings(for: edge).isEmpty)
    }
}
