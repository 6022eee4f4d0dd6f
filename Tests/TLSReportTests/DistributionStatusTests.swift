import Foundation
import TestSupport
import Testing
import TLSAudit
import TLSDistribution
import TLSModel
@testable import TLSReport

/// Issue 22, honest results: a distribution whose custom origins were not probed never reads PASSED (status
/// `not-probed`, "UNVERIFIED", exit 6), an error cause never stands beside a passing verdict, and one worst-of rule
/// decides every status. In-memory distributions, and the CLI on small files for the exit status.
struct DistributionStatusTests {
    static let base = "DistributionConfig"

    static func distribution(_ origins: [Origin], aliases: [String] = ["www.example.com"]) -> Distribution {
        Distribution(
            name: "E2EXAMPLE", sourceFile: "dist.json", path: base, aliases: aliases.map(Value.resolved), origins: origins,
            behaviors: [
                Behavior(
                    pathPattern: Behavior.defaultPattern, targetOriginId: origins[0].id, forwardsHost: false,
                    why: "no origin request policy and no forwarded headers", path: base + ".DefaultCacheBehavior")
            ],
            originGroups: [], unresolved: [])
    }

    static let custom = Origin(
        id: "app", domain: .resolved("origin.example.com"), protocolPolicy: .httpsOnly,
        path: base + ".Origins.Items[0]")
    static let bucket = Origin(
        id: "assets", domain: .resolved("assets.s3.us-east-1.amazonaws.com"),
        kind: .s3(reason: "S3OriginConfig is set"), path: base + ".Origins.Items[1]")

    /// `--offline` with a custom origin: nothing in the file fails, but nothing about the origin was verified.
    @Test func offlineAuditWithAnUnprobedCustomOriginIsNotPassed() {
        let distribution = Self.distribution([Self.custom, Self.bucket])
        let entry = DistributionAudit.audit(
            distribution, outcomes: ["app": .offline, "assets": .skipped("S3 origin")],
            findings: DistributionChecks.findings(for: distribution), embedding: ScanReport.self)
        #expect(entry.status == .notProbed)
        let report = DistributionReport(offline: true, distributions: [entry])
        #expect(report.status == .notProbed)
        let text = DistributionTextReport.render(report)
        #expect(!text.contains("PASSED"))
        #expect(text.contains("Verdict: UNVERIFIED — no offline findings; 1 of 2 origins not probed"))
        #expect(DistributionMarkdownReport.render(report).contains("UNVERIFIED"))
        #expect(DistributionHTMLReport.render(report).contains("UNVERIFIED"))
        #expect(ReportCoding.encode(report, pretty: false).contains("\"status\":\"not-probed\""))
    }

    /// Only S3 origins: AWS runs their TLS, there is nothing to probe, so offline is as good as online: passed.
    @Test func onlyS3OriginsPassOffline() {
        let distribution = Self.distribution([Self.bucket])
        let entry = DistributionAudit.audit(
            distribution, outcomes: ["assets": .skipped("S3 origin")], findings: [], embedding: ScanReport.self)
        #expect(entry.status == .passed)
        #expect(
            DistributionTextReport.render(DistributionReport(offline: true, distributions: [entry]))
                .contains("PASSED — no custom origin to probe"))
    }

    /// An error cause on a skipped (S3) origin — a custom header CloudFront refuses — used to leave the origin
    /// `skipped` and the distribution PASSED beside the ✗. Now the origin fails and so does the distribution.
    @Test func anErrorCauseNeverStandsBesidePassed() {
        var bucket = Self.bucket
        bucket.customHeaders = [
            CustomHeader(name: "X-Amz-Meta", value: .resolved("x"), path: Self.base + ".Origins.Items[1].CustomHeaders.Items[0]")
        ]
        let distribution = Self.distribution([Self.custom, bucket])
        let findings = DistributionChecks.findings(for: distribution)
        #expect(findings.contains { $0.severity == .error && $0.originId == "assets" })
        let online = DistributionAudit.audit(
            distribution, outcomes: ["app": .offline, "assets": .skipped("S3 origin")], findings: findings, embedding: ScanReport.self)
        #expect(online.status == .failed)
        #expect(online.origins[1].outcome == .fails)
        let text = DistributionTextReport.render(DistributionReport(offline: true, distributions: [online]))
        #expect(text.contains("✗ assets: custom-header-not-allowed"))
        #expect(text.contains("Verdict: FAILED"))
        #expect(!text.contains("PASSED"))
    }

    /// Whatever the outcome, every rendered ✗ (a cause) comes with a failing verdict.
    @Test func everyOriginWithACauseFails() {
        let cause = CauseEntry(id: "x", message: "m", fix: "f", path: "p")
        for outcome in [OriginEntry.Outcome.connects, .skipped, .notScanned, .notAudited] {
            let distribution = Self.distribution([Self.custom])
            var entry = DistributionAudit.audit(distribution, outcomes: ["app": .offline], findings: [], embedding: ScanReport.self)
            entry.origins[0].outcome = outcome
            entry.origins[0].causes = [cause]
            #expect(DistributionAudit.status(entry.origins[0]) == .failed, "\(outcome)")
        }
    }

    /// One worst-of rule: failed > incomplete > not-probed > passed.
    @Test func statusesCombineWorstOf() {
        #expect(AuditStatus.combine([]) == .passed)
        #expect(AuditStatus.combine([.passed, .notProbed]) == .notProbed)
        #expect(AuditStatus.combine([.notProbed, .incomplete, .passed]) == .incomplete)
        #expect(AuditStatus.combine([.incomplete, .failed, .notProbed]) == .failed)
        let entries = [
            DistributionAudit.audit(
                Self.distribution([Self.custom]), outcomes: ["app": .offline], findings: [], embedding: ScanReport.self),
            DistributionAudit.audit(
                Self.distribution([Self.bucket]), outcomes: ["assets": .skipped("S3")], findings: [], embedding: ScanReport.self),
        ]
        let report = DistributionReport(offline: true, distributions: entries)
        #expect(report.status == .notProbed)
        #expect(DistributionTextReport.render(report).contains("1 not probed — UNVERIFIED"))
    }

    // MARK: CLI

    static func file(_ json: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-status-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: url)
        return url
    }

    static let customConfig = """
        {"ETag": "E1", "DistributionConfig": {"CallerReference": "ref", "Aliases": {"Quantity": 1, "Items": ["www.example.com"]},
         "Origins": {"Quantity": 1, "Items": [{"Id": "app", "DomainName": "origin.example.com",
           "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only",
             "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]}}}]},
         "DefaultCacheBehavior": {"TargetOriginId": "app", "ViewerProtocolPolicy": "redirect-to-https",
           "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6", "OriginRequestPolicyId": "59781a5b-3903-41f3-afcb-af62929ccde1"}}}
        """

    static let s3Config = """
        {"ETag": "E1", "DistributionConfig": {"CallerReference": "ref",
         "Origins": {"Quantity": 1, "Items": [{"Id": "assets", "DomainName": "assets.s3.us-east-1.amazonaws.com",
           "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
         "DefaultCacheBehavior": {"TargetOriginId": "assets", "ViewerProtocolPolicy": "redirect-to-https",
           "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}}}
        """

    /// `tlsmatrix distribution --offline` on a custom origin exits 6 (not 0) and says UNVERIFIED; on S3 origins only
    /// it exits 0.
    @Test func offlineExitStatus() async throws {
        let custom = try Self.file(Self.customConfig)
        let s3 = try Self.file(Self.s3Config)
        defer {
            try? FileManager.default.removeItem(at: custom)
            try? FileManager.default.removeItem(at: s3)
        }
        let unverified = try await CLI.run(["distribution", "--offline", custom.path])
        #expect(unverified.status == 6, "\(unverified.stdout)\(unverified.stderr)")
        #expect(unverified.stdout.contains("UNVERIFIED"))
        #expect(!unverified.stdout.contains("PASSED"))
        let json = try await CLI.run(["distribution", "--offline", custom.path, "--format", "json"])
        #expect(json.status == 6)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["status"] as? String == "not-probed")
        let passed = try await CLI.run(["distribution", "--offline", s3.path])
        #expect(passed.status == 0, "\(passed.stdout)\(passed.stderr)")
        #expect(passed.stdout.contains("PASSED"))
    }
}
