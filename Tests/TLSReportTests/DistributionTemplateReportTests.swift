import Foundation
import Testing
import TLSDistribution
import TLSModel
@testable import TLSReport

/// Issue 22, the last defects: what a template says beyond its origins reaches the report. Templates written in the
/// shape of real ones (widdix, aws-cdk integration snapshots, Copilot test data); expected results from
/// CloudFormation's and CloudFront's documented semantics:
/// - an origin request policy's and a cache policy's headers both go to the origin
///   (API_CachePolicyHeadersConfig: whitelisted headers "are included in the cache key and in requests that
///   CloudFront sends to the origin");
/// - a Lambda@Edge function on origin-request can change the origin and its Host; a CloudFront Function on
///   viewer-request can change the origin but not Host (Host is read-only in viewer-request events);
/// - CloudFront requires at least one origin;
/// - an alias that cannot be resolved is not "no alias".
struct DistributionTemplateReportTests {
    /// One distribution with an origin at `origin.example.com` and `behaviour` as its default cache behaviour's
    /// extra keys (YAML, indented for `DefaultCacheBehavior`); `resources` are added to the template.
    static func template(
        behaviour: String, aliases: String = "[www.example.com]", origins: String? = nil,
        resources: String = ""
    ) -> String {
        let originList =
            origins ?? """
                        - Id: app
                          DomainName: origin.example.com
                          CustomOriginConfig:
                            OriginProtocolPolicy: https-only
                            OriginSSLProtocols: [TLSv1.2]
                """
        return """
            AWSTemplateFormatVersion: '2010-09-09'
            Parameters:
              DomainName:
                Type: String
                Default: ''
              Enabled:
                Type: String
                Default: 'yes'
            Conditions:
              HasOrigins: !Equals [!Ref Enabled, 'yes']
            Resources:
              Cdn:
                Type: AWS::CloudFront::Distribution
                Properties:
                  DistributionConfig:
                    Enabled: true
                    Aliases: \(aliases)
                    Origins:
            \(indent(originList, 10))
                    DefaultCacheBehavior:
                      TargetOriginId: app
                      ViewerProtocolPolicy: redirect-to-https
            \(indent(behaviour, 10))
            \(indent(resources, 2))
            """
    }

    /// `text` with its common indentation replaced by `spaces` spaces, so snippets nest whatever their literal's
    /// indentation in the test.
    static func indent(_ text: String, _ spaces: Int) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let common = lines.filter { !$0.allSatisfy(\.isWhitespace) }.map { $0.prefix(while: { $0 == " " }).count }.min() ?? 0
        let pad = String(repeating: " ", count: spaces)
        return lines.map { $0.allSatisfy(\.isWhitespace) ? "" : pad + $0.dropFirst(common) }.joined(separator: "\n")
    }

    static func distribution(_ text: String, parameters: [String: String] = [:]) throws -> Distribution {
        let all = try DistributionFile.parse(text, file: "template.yaml", parameters: parameters)
        return try #require(all.first)
    }

    static func entry(_ distribution: Distribution) -> DistributionEntry {
        DistributionAudit.audit(
            distribution, outcomes: Dictionary(uniqueKeysWithValues: distribution.origins.map { ($0.id, .offline) }),
            findings: DistributionChecks.findings(for: distribution) + ListenerChecks.findings(for: distribution),
            embedding: ScanReport.self)
    }

    // MARK: Cache policies

    /// The aws-cdk integ.distribution-policies shape: only a cache policy. Managed-CachingOptimized puts no header in
    /// the cache key, so Host is not forwarded (before: "the cache policy's headers are not checked offline", null).
    @Test func managedCachePolicyWithoutHostDoesNotForwardHost() throws {
        let distribution = try Self.distribution(
            Self.template(
                behaviour: """
                                      CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6
                    """))
        let behaviour = try #require(distribution.behaviors.first)
        #expect(behaviour.forwardsHost == false)
        #expect(behaviour.why.contains("Managed-CachingOptimized"))
    }

    /// A cache policy of the template that whitelists Host sends the viewer's Host to the origin, even beside an
    /// origin request policy that does not (AllViewerExceptHostHeader).
    @Test func templateCachePolicyWithHostForwardsHost() throws {
        let distribution = try Self.distribution(
            Self.template(
                behaviour: """
                                      CachePolicyId: !Ref HostKeyed
                                      OriginRequestPolicyId: b689b0a8-53d0-40ab-baf2-68738e2966ac
                    """,
                resources: """
                      HostKeyed:
                        Type: AWS::CloudFront::CachePolicy
                        Properties:
                          CachePolicyConfig:
                            Name: host-keyed
                            DefaultTTL: 60
                            MaxTTL: 60
                            MinTTL: 0
                            ParametersInCacheKeyAndForwardedToOrigin:
                              EnableAcceptEncodingGzip: true
                              HeadersConfig:
                                HeaderBehavior: whitelist
                                Headers: [Host, Accept-Language]
                              CookiesConfig: {CookieBehavior: none}
                              QueryStringsConfig: {QueryStringBehavior: none}
                    """))
        let behaviour = try #require(distribution.behaviors.first)
        #expect(behaviour.forwardsHost == true)
        #expect(behaviour.why.contains("custom cache policy HostKeyed"))
        let entry = Self.entry(distribution)
        #expect(entry.origins.first?.hostSent.map(\.host) == [HostSent.viewerHost.rawValue])
    }

    /// An unknown cache policy id next to an origin request policy without Host: whether Host goes along cannot be
    /// told (the cache policy's headers are unknown), so it is undecided, not false.
    @Test func unknownCachePolicyLeavesHostUndecided() throws {
        let distribution = try Self.distribution(
            Self.template(
                behaviour: """
                                      CachePolicyId: 00000000-1111-2222-3333-444444444444
                                      OriginRequestPolicyId: b689b0a8-53d0-40ab-baf2-68738e2966ac
                    """))
        let behaviour = try #require(distribution.behaviors.first)
        #expect(behaviour.forwardsHost == nil)
        #expect(behaviour.why.contains("unknown cache policy id"))
    }

    // MARK: Edge functions

    /// An origin-request Lambda@Edge (the cloudfront-authorization-at-edge shape has viewer-request ones; the
    /// dynamic-origin examples use origin-request): a warning note naming the function; the verdict is unchanged.
    @Test func originRequestLambdaIsNoted() throws {
        let distribution = try Self.distribution(
            Self.template(
                behaviour: """
                                      LambdaFunctionAssociations:
                                        - EventType: origin-request
                                          LambdaFunctionARN: arn:aws:lambda:us-east-1:123456789012:function:route:3
                                        - EventType: viewer-request
                                          LambdaFunctionARN: arn:aws:lambda:us-east-1:123456789012:function:auth:1
                                      FunctionAssociations:
                                        - EventType: viewer-response
                                          FunctionARN: arn:aws:cloudfront::123456789012:function/headers
                    """))
        let behaviour = try #require(distribution.behaviors.first)
        #expect(behaviour.edgeFunctions.map(\.eventType) == ["origin-request", "viewer-request", "viewer-response"])
        let findings = DistributionChecks.findings(for: distribution).filter { $0.id == "edge-function-may-change-origin" }
        // only the origin-request Lambda: viewer-request Lambda@Edge cannot change Host or the origin, and a
        // viewer-response function runs after the origin
        #expect(findings.count == 1)
        #expect(findings.first?.severity == .warning)
        #expect(findings.first?.message.contains("function:route:3") == true)
        #expect(findings.first?.path == "Resources.Cdn.Properties.DistributionConfig.DefaultCacheBehavior.LambdaFunctionAssociations[0]")
        let entry = Self.entry(distribution)
        #expect(entry.status == .notProbed)
        #expect(entry.origins.first?.notes.contains { $0.id == "edge-function-may-change-origin" } == true)
        #expect(
            DistributionTextReport.render(DistributionReport(offline: true, distributions: [entry]))
                .contains("edge-function-may-change-origin"))
    }

    /// A viewer-request CloudFront Function can change the origin (origin modification helpers), not Host.
    @Test func viewerRequestCloudFrontFunctionIsNoted() throws {
        let distribution = try Self.distribution(
            Self.template(
                behaviour: """
                                      FunctionAssociations:
                                        - EventType: viewer-request
                                          FunctionARN: !GetAtt Router.FunctionARN
                    """))
        let findings = DistributionChecks.findings(for: distribution).filter { $0.id == "edge-function-may-change-origin" }
        #expect(findings.count == 1)
        #expect(findings.first?.message.contains("cannot change Host") == true)
    }

    /// The API spelling (`get-distribution-config`: `{Quantity, Items}`) is read too.
    @Test func apiSpellingOfAssociationsIsRead() throws {
        let json = """
            {"DistributionConfig": {"CallerReference": "x", "Aliases": {"Quantity": 0},
              "Origins": {"Quantity": 1, "Items": [{"Id": "app", "DomainName": "origin.example.com",
                "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only",
                  "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]}}}]},
              "DefaultCacheBehavior": {"TargetOriginId": "app", "CachePolicyId": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
                "LambdaFunctionAssociations": {"Quantity": 1, "Items": [
                  {"LambdaFunctionARN": "arn:aws:lambda:us-east-1:123456789012:function:route:3", "EventType": "origin-request", "IncludeBody": false}]}}}}
            """
        let distribution = try #require(try DistributionFile.parse(json, file: "config.json").first)
        let behaviour = try #require(distribution.behaviors.first)
        #expect(behaviour.forwardsHost == false)
        #expect(behaviour.edgeFunctions.first?.function == .resolved("arn:aws:lambda:us-east-1:123456789012:function:route:3"))
        #expect(DistributionChecks.findings(for: distribution).contains { $0.id == "edge-function-may-change-origin" })
    }

    // MARK: No origins

    /// `Origins: !If [HasOrigins, [...], !Ref AWS::NoValue]` with the condition false: CloudFront requires an origin.
    /// The `no-origins` finding used to be dropped by the audit (it names no origin), leaving "PASSED — no custom
    /// origin to probe". Now it is a cause of the distribution, which fails, in every format.
    @Test func noOriginsFailsTheDistribution() throws {
        let text = Self.template(
            behaviour: "",
            origins: """
                    !If [HasOrigins, [{Id: app, DomainName: origin.example.com, CustomOriginConfig: {OriginProtocolPolicy: https-only}}], !Ref AWS::NoValue]
                """)
        let distribution = try Self.distribution(text, parameters: ["Enabled": "no"])
        #expect(distribution.origins.isEmpty)
        let entry = Self.entry(distribution)
        #expect(entry.status == .failed)
        #expect(entry.causes.map(\.id) == ["no-origins"])
        let report = DistributionReport(offline: true, distributions: [entry])
        #expect(report.status == .failed)
        let rendered = DistributionTextReport.render(report)
        #expect(rendered.contains("FAILED"))
        #expect(rendered.contains("(distribution): no-origins"))
        #expect(!rendered.contains("PASSED"))
        #expect(DistributionMarkdownReport.render(report).contains("no-origins"))
        #expect(DistributionHTMLReport.render(report).contains("no-origins"))
        let junit = DistributionJUnitReport.render(report)
        #expect(junit.contains("failures=\"1\""))
        let sarif = SARIFReport.render(report, sourceMaps: [:])
        #expect(sarif.contains("distribution/no-origins"))
        // and the same file with the condition true has its origin and no cause
        let enabled = Self.entry(try Self.distribution(text, parameters: ["Enabled": "yes"]))
        #expect(enabled.causes.isEmpty)
        #expect(enabled.status == .notProbed)
    }

    // MARK: Unresolved aliases

    /// The Copilot shape: `Aliases: [!Sub '${DomainName}']` with no value, and `!ImportValue`. They are not "none".
    @Test func unresolvedAliasesAreListedNotNone() throws {
        let distribution = try Self.distribution(
            Self.template(
                behaviour: "          OriginRequestPolicyId: 216adef6-5c7f-47e4-b989-5492eafa07d3",
                aliases: "[!ImportValue shared-domain, www.example.com]"))
        let entry = Self.entry(distribution)
        #expect(entry.aliases == ["www.example.com"])
        #expect(entry.unresolvedAliases.count == 1)
        #expect(entry.unresolvedAliases.first?.expression.contains("ImportValue") == true)
        #expect(entry.unresolvedAliases.first?.path == "Resources.Cdn.Properties.DistributionConfig.Aliases[0]")
        let text = DistributionTextReport.render(DistributionReport(offline: true, distributions: [entry]))
        #expect(text.contains("Aliases: www.example.com, (unresolved: "))
        // Host is forwarded (AllViewer) and an alias is unknown: the audit cannot be complete
        #expect(entry.status == .incomplete)

        let onlyUnresolved = Self.entry(try Self.distribution(Self.template(behaviour: "", aliases: "[!ImportValue shared-domain]")))
        #expect(onlyUnresolved.aliases.isEmpty)
        let rendered = DistributionTextReport.render(DistributionReport(offline: true, distributions: [onlyUnresolved]))
        #expect(!rendered.contains("Aliases: none"))
        #expect(
            DistributionMarkdownReport.render(DistributionReport(offline: true, distributions: [onlyUnresolved]))
                .contains("(unresolved: "))
    }

    // MARK: Input files in the report

    /// Per-file results used to reach standard error only. Now the report carries them: an unusable file, a
    /// resource a false Condition leaves out, a nested stack that cannot be followed.
    @Test func inputFileProblemsReachTheReport() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("parent.yaml").path
        let broken = folder.appendingPathComponent("notes.txt").path
        try """
        Parameters:
          Stage: {Type: String, Default: dev}
        Conditions:
          IsProd: !Equals [!Ref Stage, prod]
        Resources:
          Child:
            Type: AWS::CloudFormation::Stack
            Properties:
              TemplateURL: https://s3.amazonaws.com/bucket/child.yaml
          ProdCdn:
            Type: AWS::CloudFront::Distribution
            Condition: IsProd
            Properties:
              DistributionConfig:
                Origins: [{Id: a, DomainName: a.example.com, CustomOriginConfig: {OriginProtocolPolicy: https-only}}]
                DefaultCacheBehavior: {TargetOriginId: a}
          Cdn:
            Type: AWS::CloudFront::Distribution
            Properties:
              DistributionConfig:
                Origins: [{Id: a, DomainName: a.example.com, CustomOriginConfig: {OriginProtocolPolicy: https-only}}]
                DefaultCacheBehavior: {TargetOriginId: a}
        """.write(toFile: good, atomically: true, encoding: .utf8)
        try "just some notes\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let results = DistributionFile.loadAll(paths: [good, broken])
        let entries = results.flatMap(\.distributions).map(Self.entry)
        let report = DistributionReport(offline: true, distributions: entries, files: results.map(FileEntry.init))
        #expect(report.files.count == 2)
        #expect(report.files[0].skipped.map(\.logicalId) == ["ProdCdn"])
        #expect(report.files[0].nestedStacks.first?.problem != nil)
        #expect(report.files[1].error != nil)

        let text = DistributionTextReport.render(report)
        #expect(text.contains("Input files"))
        #expect(text.contains("✗ \(broken): not audited"))
        #expect(text.contains("ProdCdn (AWS::CloudFront::Distribution) is not created: its condition IsProd is false"))
        #expect(text.contains("nested stack Child not followed"))
        #expect(DistributionMarkdownReport.render(report).contains("## Input files"))
        #expect(DistributionHTMLReport.render(report).contains("<h2>Input files</h2>"))
        #expect(DistributionJUnitReport.render(report).contains("<testcase classname=\"input files\""))
        let sarif = SARIFReport.render(report, sourceMaps: results.reduce(into: [:]) { $0.merge($1.sourceMaps) { a, _ in a } })
        #expect(sarif.contains("distribution/file-not-audited"))
        #expect(sarif.contains("distribution/file-not-followed"))
        // the JSON round-trips
        let json = ReportCoding.encode(report, pretty: true)
        let decoded = try ReportCoding.decode(DistributionReport.self, from: Data(json.utf8))
        #expect(decoded == report)
    }
}
