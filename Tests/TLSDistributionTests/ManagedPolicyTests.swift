import Foundation
import TLSDistribution
import Testing

/// Managed origin request policies by ID: whether each forwards the viewer's Host follows from the headers AWS
/// lists for it (Host only in AllViewer*, HostHeaderOnly), and a behaviour using one is read that way.
@Suite struct ManagedPolicyTests {
    /// Headers each managed policy sends, as AWS's guide lists them ("*" = all viewer headers).
    static let headers: [String: [String]] = [
        "AllViewer": ["*"], "AllViewerAndCloudFrontHeaders-2022-06": ["*"], "AllViewerExceptHostHeader": ["*", "-Host"],
        "CORS-CustomOrigin": ["Origin"], "CORS-S3Origin": ["Origin", "Access-Control-Request-Headers", "Access-Control-Request-Method"],
        "Elemental-MediaTailor-PersonalizedManifests": [
            "Origin", "Access-Control-Request-Headers", "Access-Control-Request-Method", "User-Agent", "X-Forwarded-For",
        ],
        "HostHeaderOnly": ["Host"], "UserAgentRefererHeaders": ["User-Agent", "Referer"],
    ]

    @Test func forwardsHostFollowsTheHeaderList() throws {
        #expect(Set(ManagedOriginRequestPolicy.allCases.map(\.name)) == Set(Self.headers.keys))
        for policy in ManagedOriginRequestPolicy.allCases {
            let list = try #require(Self.headers[policy.name])
            let expected = !list.contains("-Host") && (list.contains("*") || list.contains("Host"))
            #expect(policy.forwardsHost == expected, "\(policy.name)")
            #expect(ManagedOriginRequestPolicy.named(id: policy.rawValue.uppercased()) == policy)
        }
    }

    @Test(arguments: ManagedOriginRequestPolicy.allCases)
    func behaviourWithTheManagedPolicy(policy: ManagedOriginRequestPolicy) throws {
        let template = """
            {"ETag": "E1", "DistributionConfig": {"CallerReference": "t", "Enabled": true,
              "Aliases": {"Quantity": 1, "Items": ["www.example.com"]},
              "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "o.example.com",
                "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only",
                  "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]}}}]},
              "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "https-only",
                "OriginRequestPolicyId": "\(policy.rawValue)"}}}
            """
        let distribution = try #require(try DistributionFile.parse(template, file: "inline.json").first)
        let behavior = try #require(distribution.behaviors.first)
        #expect(behavior.forwardsHost == policy.forwardsHost)
        #expect(behavior.why.contains(policy.name))
        #expect(behavior.why.contains("not from an AWS page") == !policy.confirmedByAWS)
        #expect(DistributionChecks.routing(of: distribution).first?.forwardsHost == policy.forwardsHost)
    }
}
