import TLSCatalog
import TLSDistribution
import Testing

/// CloudFormation templates, YAML with short-form tags and JSON with long-form intrinsics.
@Suite struct CloudFormationTests {
    private let base = "Resources.Cdn.Properties.DistributionConfig"

    @Test func yamlShortTagsResolveAndStayUnresolved() throws {
        let distribution = try FixtureFile.only("cloudformation.yaml")
        #expect(distribution.name == "Cdn")
        #expect(distribution.path == base)
        #expect(distribution.aliases == [.resolved("www.example.net"), .resolved("shop.example.net")])
        #expect(distribution.origins.map(\.id) == ["alb", "app", "bucket"])

        let alb = try distribution.requireOrigin("alb")
        #expect(alb.domain == .unresolved(expression: "the DNS name of load balancer WebAlb", path: "\(base).Origins[0].DomainName"))
        #expect(alb.protocolPolicy == .httpsOnly)
        #expect(alb.originSSLProtocols == [.tls12])
        #expect(alb.loadBalancer?.logicalId == "WebAlb")
        #expect(alb.loadBalancer?.listeners.map(\.listenerProtocol) == ["HTTPS", "HTTP"])
        let https = try #require(alb.loadBalancer?.listeners.first)
        #expect(https.port == 443)
        #expect(https.sslPolicy == "ELBSecurityPolicy-TLS13-1-3-2021-06")
        #expect(https.path == "Resources.WebAlbHttps")
        #expect(
            https.certificateARNs == [
                .unresolved(
                    expression: "Fn::Sub arn:aws:acm:${AWS::Region}:111122223333:certificate/abc",
                    path: "Resources.WebAlbHttps.Properties.Certificates[0].CertificateArn"
                )
            ])

        let app = try distribution.requireOrigin("app")
        #expect(app.domain == .resolved("app.example.net"))
        #expect(app.originPath == "/v2")
        #expect(app.httpsPort == 8443)
        #expect(app.protocolPolicy == .matchViewer)
        #expect(app.originSSLProtocols == Origin.defaultOriginSSLProtocols)
        #expect(app.originSSLProtocolsDefaulted)
        #expect(app.customHeaders == [CustomHeader(name: "Host", value: .resolved("app.example.net"))])

        let bucket = try distribution.requireOrigin("bucket")
        #expect(bucket.kind == .s3(reason: "S3OriginConfig is set"))
        #expect(bucket.domain == .unresolved(expression: "Ref BucketHost", path: "\(base).Origins[2].DomainName"))

        #expect(distribution.originGroups == [OriginGroup(id: "group", members: ["alb", "app"])])
        let home = try distribution.behavior(Behavior.defaultPattern)
        #expect(home.targetOriginId == "group")
        #expect(home.forwardsHost == true)
        #expect(home.why == "custom origin request policy HostPolicy (HeaderBehavior whitelist)")
        let files = try distribution.behavior("/files/*")
        #expect(files.forwardsHost == nil)
        #expect(files.why.hasPrefix("origin request policy id unresolved: {\"Fn::If\""))

        #expect(
            distribution.unresolved.map(\.path) == [
                "\(base).Origins[0].DomainName", "\(base).Origins[2].DomainName", "\(base).CacheBehaviors[0].OriginRequestPolicyId",
            ])
        #expect(distribution.unresolved[1] == Unresolved(expression: "Ref BucketHost", path: "\(base).Origins[2].DomainName"))
    }

    @Test func callerParametersWinOverDefaults() throws {
        let distribution = try #require(
            try FixtureFile.distributions(
                "cloudformation.yaml", parameters: ["BucketHost": "files.example.net", "Domain": "example.com"]
            ).first)
        #expect(distribution.aliases == [.resolved("www.example.com"), .resolved("shop.example.com")])
        #expect(try distribution.requireOrigin("bucket").domain == .resolved("files.example.net"))
    }

    @Test func albListenerPolicyAgainstEveryGeneration() throws {
        let distribution = try FixtureFile.only("cloudformation.yaml")
        let findings = DistributionChecks.findings(for: distribution)
        let policy = try #require(Catalog.shared.policy(id: "ELBSecurityPolicy-TLS13-1-3-2021-06"))
        #expect(policy.versions == [.tls13])
        // TLS 1.3 only: the documented client and CloudFront-Upstream (TLS ≤ 1.2) share no version with it.
        let expectedTitles = CloudFrontGeneration.allCases.filter { generation in
            let client = Catalog.shared.client(id: generation.profileID)
            return client.map { !$0.versions(forOriginProtocols: [.tls12]).contains(.tls13) } ?? false
        }.map(\.title)
        #expect(expectedTitles == ["as documented", "CloudFront-Upstream"])
        let incompatible = findings.filter { $0.id == "listener-policy-incompatible" }
        #expect(incompatible.count == expectedTitles.count)
        for (finding, title) in zip(incompatible, expectedTitles) {
            #expect(finding.message.contains("(\(title))"))
            #expect(finding.message.contains("no protocol version"))
            #expect(finding.path == "Resources.WebAlbHttps")
        }
        // every behaviour reaching alb forwards Host, so the ELB-DNS-name rule (a DomainName rule) does not apply
        #expect(
            findings.map(\.id) == [
                "origin-receives-viewer-host", "listener-policy-incompatible", "listener-policy-incompatible",
                "custom-header-not-allowed", "origin-receives-viewer-host",
            ])
    }

    @Test func jsonTemplateWithSeveralDistributions() throws {
        let distributions = try FixtureFile.distributions("cloudformation.json")
        #expect(distributions.map(\.name) == ["First", "Second"])
        let first = distributions[0]
        #expect(first.aliases == [.resolved("prod.example.com")])
        let web = try first.requireOrigin("web")
        #expect(web.domain == .resolved("web-prod"))
        #expect(web.originSSLProtocols == [.tls10, .tls11, .tls12])
        #expect(
            try first.requireOrigin("imported").domain
                == .unresolved(
                    expression: "{\"Fn::ImportValue\":\"SharedOriginHost\"}",
                    path: "Resources.First.Properties.DistributionConfig.Origins[1].DomainName"
                ))
        let home = try first.behavior(Behavior.defaultPattern)
        #expect(home.forwardsHost == true)
        #expect(home.why == "legacy ForwardedValues headers contain Host")
        let second = distributions[1]
        #expect(try second.requireOrigin("only").domain == .resolved("b.example.com"))
        #expect(try second.behavior(Behavior.defaultPattern).why == "managed origin request policy AllViewerAndCloudFrontHeaders-2022-06")
    }
}
