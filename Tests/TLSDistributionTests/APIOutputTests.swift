import Foundation
import TLSCatalog
import TLSDistribution
import Testing

/// `aws cloudfront get-distribution` and `get-distribution-config` output.
@Suite struct APIOutputTests {
    @Test func getDistributionReadsOriginsAliasesBehavioursAndGroups() throws {
        let distribution = try FixtureFile.only("api-get-distribution.json")
        #expect(distribution.name == "E1TLSMATRIX01")
        #expect(distribution.path == "Distribution.DistributionConfig")
        #expect(distribution.aliases == [.resolved("www.example.org"), .resolved("shop.example.org")])
        #expect(distribution.origins.map(\.id) == ["app", "legacy", "assets"])
        #expect(distribution.unresolved.isEmpty)

        let app = try distribution.requireOrigin("app")
        #expect(app.domain == .resolved("app.example.org"))
        #expect(app.kind == .custom)
        #expect(app.originPath == nil)
        #expect(app.httpPort == 80)
        #expect(app.httpsPort == 8443)
        #expect(app.protocolPolicy == .httpsOnly)
        #expect(app.originSSLProtocols == [.tls11, .tls12])
        #expect(!app.originSSLProtocolsDefaulted)
        #expect(app.readTimeout == 45)
        #expect(app.keepaliveTimeout == 10)
        #expect(app.connectionAttempts == 2)
        #expect(app.connectionTimeout == 5)
        #expect(app.customHeaders == [CustomHeader(name: "X-Origin-Token", value: .resolved("s3cr3t"))])
        #expect(!app.mtls)
        #expect(app.path == "Distribution.DistributionConfig.Origins.Items[0]")
        #expect(app.loadBalancer == nil)

        let legacy = try distribution.requireOrigin("legacy")
        #expect(legacy.protocolPolicy == .httpOnly)
        #expect(legacy.httpPort == 8080)
        #expect(!legacy.usesHTTPS)
        #expect(legacy.readTimeout == 30)
        #expect(legacy.keepaliveTimeout == 5)
        #expect(legacy.connectionAttempts == 3)
        #expect(legacy.connectionTimeout == 10)

        let assets = try distribution.requireOrigin("assets")
        #expect(assets.kind == .s3(reason: "S3OriginConfig is set"))
        #expect(assets.protocolPolicy == nil)
        #expect(!assets.usesHTTPS)

        #expect(distribution.originGroups == [OriginGroup(id: "app-failover", members: ["app", "legacy"])])

        #expect(distribution.behaviors.map(\.pathPattern) == [Behavior.defaultPattern, "/old/*", "/static/*", "/legacy/*"])
        let home = try distribution.behavior(Behavior.defaultPattern)
        #expect(home.targetOriginId == "app")
        #expect(home.forwardsHost == true)
        #expect(home.why == "managed origin request policy AllViewer")
        let old = try distribution.behavior("/old/*")
        #expect(old.targetOriginId == "app-failover")
        #expect(old.forwardsHost == false)
        #expect(old.why == "legacy ForwardedValues headers do not contain Host")
        let files = try distribution.behavior("/static/*")
        #expect(files.forwardsHost == nil)
        #expect(files.why == "unknown policy id 88a5eaf4-0000-0000-0000-000000000000")
        let legacyPath = try distribution.behavior("/legacy/*")
        #expect(legacyPath.forwardsHost == true)
        #expect(legacyPath.why == "legacy ForwardedValues headers contain *")
    }

    @Test func routingFollowsOriginGroups() throws {
        let distribution = try FixtureFile.only("api-get-distribution.json")
        let routing = DistributionChecks.routing(of: distribution)
        #expect(routing.map(\.originId) == ["app", "legacy", "assets"])
        #expect(routing.map(\.behaviors) == [[Behavior.defaultPattern, "/old/*"], ["/old/*", "/legacy/*"], ["/static/*"]])
        #expect(routing.map(\.forwardsHost) == [true, true, nil])
        // Host is forwarded to the HTTPS origin: its certificate must cover both aliases. legacy is http-only.
        let findings = DistributionChecks.findings(for: distribution)
        #expect(findings.map(\.id) == ["origin-receives-viewer-host"])
        #expect(findings.first?.path == "Distribution.DistributionConfig.Origins.Items[0]")
        #expect(findings.first?.message.contains("www.example.org, shop.example.org") == true)
    }

    @Test func getDistributionConfigHostHeaderAndELBName() throws {
        let distribution = try FixtureFile.only("api-get-distribution-config.json")
        #expect(distribution.name == "tlsmatrix-fixture-2")
        #expect(distribution.aliases.isEmpty)
        let api = try distribution.requireOrigin("api")
        #expect(api.protocolPolicy == .matchViewer)
        #expect(api.customHeaders.map(\.name) == ["Host", "X-Shared-Secret"])
        let home = try distribution.behavior(Behavior.defaultPattern)
        #expect(home.forwardsHost == false)
        #expect(home.why == "no origin request policy and no forwarded headers")

        let findings = DistributionChecks.findings(for: distribution)
        #expect(findings.map(\.id) == ["custom-header-not-allowed", "origin-is-elb-dns-name"])
        #expect(findings.first?.path == "DistributionConfig.Origins.Items[0].CustomHeaders.Items[0]")
        #expect(findings.first?.message.contains("Host") == true)
    }

    @Test func distributionSurvivesJSON() throws {
        for name in ["api-get-distribution.json", "cloudformation.yaml", "terraform-plan.json"] {
            for distribution in try FixtureFile.distributions(name) {
                let data = try JSONEncoder().encode(distribution)
                #expect(try JSONDecoder().decode(Distribution.self, from: data) == distribution)
            }
        }
    }

    @Test func s3EndpointWithoutConfigIsS3AndOtherNamesAreCustom() throws {
        let text = """
            {"DistributionConfig": {"Origins": {"Quantity": 2, "Items": [
              {"Id": "b", "DomainName": "bucket.s3.us-east-1.amazonaws.com"},
              {"Id": "c", "DomainName": "files.s3.example.com"}]}}}
            """
        let distribution = try #require(try DistributionFile.parse(text, file: "inline.json").first)
        #expect(try distribution.requireOrigin("b").kind == .s3(reason: "no CustomOriginConfig and the domain name is an S3 endpoint"))
        #expect(try distribution.requireOrigin("c").kind == .custom)
        #expect(distribution.name == "DistributionConfig")
    }
}
