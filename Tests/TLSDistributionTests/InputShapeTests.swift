import Foundation
import TLSCatalog
import TLSDistribution
import Testing

/// Inputs the audit used to refuse or lose: a bare DistributionConfig, nested stacks, several files with one
/// unusable, unknown `--param` names, aliases that cannot be resolved.
@Suite struct InputShapeTests {
    /// `aws cloudfront get-distribution-config --query DistributionConfig`: the configuration alone, API spelling.
    @Test func bareDistributionConfig() throws {
        let result = DistributionFile.load(path: try FixtureFile.path("bare-distribution-config.json"))
        #expect(result.error == nil)
        #expect(result.shape == "DistributionConfig")
        let distribution = try #require(result.distributions.first)
        #expect(distribution.name == "cli-example-1582243561")
        #expect(distribution.aliases == [.resolved("www.example.com")])
        let web = try distribution.requireOrigin("web")
        #expect(web.path == "Origins.Items[0]")
        #expect(web.domain == .resolved("web.example.com"))
        #expect(web.protocolPolicy == .httpsOnly)
        #expect(web.originSSLProtocols == [.tls12])
        #expect(try distribution.behavior(Behavior.defaultPattern).forwardsHost == true)
    }

    /// The parent holds no distribution: its local child is followed with the parameters it passes; a missing child
    /// and a remote one are unresolved, not an abort.
    @Test func nestedStackParentIsFollowed() throws {
        let parent = try FixtureFile.path("nested/main.yaml")
        let result = DistributionFile.load(path: parent)
        #expect(result.error == nil)
        #expect(result.distributions.map(\.name) == ["CloudFrontStack/CloudFrontDistribution"])
        let distribution = try #require(result.distributions.first)
        #expect(distribution.sourceFile.hasSuffix("nested/cloudfront-site.yaml"))
        // Alias: !Sub '${SubDomain}.${DomainName}' from the parent's defaults; OriginHost: the parent's AppHost, not
        // the child's own Default
        #expect(distribution.aliases == [.resolved("www.example.com")])
        #expect(try distribution.requireOrigin("app").domain == .resolved("app.example.com"))
        #expect(result.nestedStacks.map(\.logicalId) == ["CustomResourceStack", "CloudFrontStack", "RemoteStack"])
        #expect(result.nestedStacks.map { $0.problem == nil } == [false, true, false])
        #expect(result.nestedStacks[0].problem?.contains("no such file") == true)
        #expect(result.nestedStacks[2].problem?.contains("is remote") == true)
        #expect(
            result.unresolved.map(\.path) == [
                "Resources.CustomResourceStack.Properties.TemplateURL", "Resources.RemoteStack.Properties.TemplateURL",
            ])
        #expect(result.sourceMaps.keys.contains(distribution.sourceFile))
    }

    @Test func childGivenBesideItsParentIsAuditedThroughIt() throws {
        let parent = try FixtureFile.path("nested/main.yaml")
        let child = try FixtureFile.path("nested/cloudfront-site.yaml")
        let results = DistributionFile.loadAll(paths: [parent, child])
        #expect(results.map(\.file) == [parent, child])
        #expect(results[0].distributions.count == 1)
        #expect(results[1].distributions.isEmpty)
        #expect(results[1].auditedAsChildOf == parent)
        // on its own the child's Alias has no Default: unresolved, with its expression
        let alone = try #require(DistributionFile.load(path: child).distributions.first)
        #expect(
            alone.aliases == [
                .unresolved(expression: "Ref Alias", path: "Resources.CloudFrontDistribution.Properties.DistributionConfig.Aliases[0]")
            ])
    }

    /// One unusable file gets its error; the others their distributions.
    @Test func everyFileGetsItsResultOrItsError() throws {
        let results = DistributionFile.loadAll(paths: [
            try FixtureFile.path("unknown-shape.json"), try FixtureFile.path("bare-distribution-config.json"),
            "/nonexistent/dist.yaml",
        ])
        #expect(results.map { $0.error != nil } == [true, false, true])
        #expect(results[0].error?.contains("not a CloudFront distribution") == true)
        #expect(results[1].distributions.count == 1)
        #expect(results[2].error?.contains("cannot read the file") == true)
    }

    @Test func unknownParameterNamesAreAnError() throws {
        let results = [
            DistributionFile.load(path: try FixtureFile.path("widdix-conditions.yaml")),
            DistributionFile.load(path: try FixtureFile.path("bare-distribution-config.json")),
        ]
        #expect(results[0].parameters == ["DomainName", "OriginMode", "Stage", "ExtraAliases", "ApiHost", "SecretHeader"])
        #expect(results[1].parameters == nil)
        let unknown = DistributionFile.unknownParameters(["Stage", "OrginMode", "AWS::Region"], in: results)
        #expect(unknown == ["OrginMode"])
        let error = DistributionFile.unknownParametersError(unknown, in: results)
        #expect(error.code.exitStatus == 2)
        #expect(error.reason.contains("unknown parameter OrginMode"))
        #expect(error.reason.contains("declares DomainName, OriginMode, Stage, ExtraAliases, ApiHost, SecretHeader"))
        #expect(error.reason.contains("is not a CloudFormation template"))
    }

    /// Aliases from `Fn::Join` over an import and from `Fn::GetAtt` (CDK output), or a list parameter without a
    /// value: unresolved with the expression, never "none".
    @Test func unresolvableAliasesAreListed() throws {
        let cdk = try FixtureFile.only("cdk-synth.json")
        let at = "Resources.DistB3B78991.Properties.DistributionConfig.Aliases"
        #expect(
            cdk.aliases == [
                .unresolved(expression: "{\"Fn::Join\":[\"\",[\"www.\",{\"Fn::ImportValue\":\"SharedZoneName\"}]]}", path: "\(at)[0]"),
                .unresolved(expression: "Fn::GetAtt Certificate4E7ABB08.DomainName", path: "\(at)[1]"),
            ])
        let yaml = """
            Parameters:
              Names: {Type: CommaDelimitedList}
            Resources:
              Cdn:
                Type: AWS::CloudFront::Distribution
                Properties:
                  DistributionConfig:
                    Aliases: !Ref Names
                    Origins: [{Id: web, DomainName: web.example.com, CustomOriginConfig: {OriginProtocolPolicy: https-only}}]
                    DefaultCacheBehavior: {TargetOriginId: web}
            """
        let listed = try #require(try DistributionFile.parse(yaml, file: "t.yaml").first)
        #expect(listed.aliases == [.unresolved(expression: "Ref Names", path: "Resources.Cdn.Properties.DistributionConfig.Aliases")])
        let given = try #require(
            try DistributionFile.parse(yaml, file: "t.yaml", parameters: ["Names": "a.example.com,b.example.com"]).first)
        #expect(given.aliases == [.resolved("a.example.com"), .resolved("b.example.com")])
    }
}
