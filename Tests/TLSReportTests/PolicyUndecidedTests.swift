import Foundation
import TestSupport
import Testing
import TLSAudit
import TLSCatalog
import TLSModel
@testable import TLSReport

/// Issue 22, the same rule in `scan`: a policy, CloudFront or grade verdict is never given on what was not
/// measured. An origin that cannot be reached conforms to nothing and violates nothing: `conforms: null`, with the
/// reason, in JSON and text; it gets no grade.
@Suite(.serialized) struct PolicyUndecidedTests {
    static let policyID = "ELBSecurityPolicy-TLS13-1-2-2021-06"

    /// The analysis of a target whose TCP connect was refused: no protocol measured.
    @Test func unreachableScanConformsToNothing() async throws {
        let policy = try #require(Catalog.shared.policy(id: Self.policyID))
        let scan = ScanResult(target: Target(host: "127.0.0.1", port: 9), reachability: .refused("connection refused"))
        let conformance = PolicyConformance.check(scan, against: policy)
        #expect(conformance.conforms == nil)
        #expect(conformance.violated == false)
        #expect(conformance.undecided?.contains("origin not responding") == true)
        var options = AnalysisOptions()
        options.policy = policy
        let analysis = await ScanAnalysis.analyze(scan, options: options)
        let entry = try #require(ScanReport(analysis).verdicts.policy)
        #expect(entry.conforms == nil)
        #expect(entry.undecided == conformance.undecided)
        #expect(analysis.grade.notGraded?.hasPrefix("not measured:") == true, "\(analysis.grade)")
        #expect(analysis.grade.caps.isEmpty)
        #expect(analysis.cloudfront.compatible != true)
    }

    /// A reachable scan whose TLS 1.2 result timed out: no violation seen, but none could be excluded.
    @Test func undecidedVersionLeavesConformanceOpen() throws {
        let policy = try #require(Catalog.shared.policy(id: Self.policyID))
        var scan = ScanResult(target: Target(host: "origin.example.com", port: 443), reachability: .reachable)
        var tls13 = ProtocolResult(version: .tls13, supported: true)
        tls13.suites = [SuiteResult(code: 0x1301, evidence: [.wire])]
        scan.protocols = [ProtocolResult(version: .tls12, supported: nil), tls13]
        let conformance = PolicyConformance.check(scan, against: policy)
        #expect(conformance.conforms == nil)
        #expect(conformance.undecided?.contains("TLSv1.2") == true)
    }

    /// A violation seen is definitive, whatever else is undecided.
    @Test func violationIsDecidedEvenWithUndecidedVersions() throws {
        let policy = try #require(Catalog.shared.policy(id: Self.policyID))
        var scan = ScanResult(target: Target(host: "origin.example.com", port: 443), reachability: .reachable)
        scan.protocols = [ProtocolResult(version: .tls10, supported: true), ProtocolResult(version: .tls12, supported: nil)]
        let conformance = PolicyConformance.check(scan, against: policy)
        #expect(conformance.conforms == false)
        #expect(conformance.undecided == nil)
    }

    func refusedPort() throws -> Int {
        let listener = try SilentListener()
        let port = listener.port
        listener.stop()
        return port
    }

    /// `scan --policy P` against a closed loopback port: exit 3, `"conforms": null` with `undecided`, the text says
    /// UNDECIDED, and the grade is not given.
    @Test func scanPolicyOfAClosedPortIsUndecided() async throws {
        let port = try refusedPort()
        let json = try await CLI.run(["scan", "127.0.0.1:\(port)", "--policy", Self.policyID, "--format", "json", "--no-http-check"])
        #expect(json.status == 3, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let verdicts = try #require(object["verdicts"] as? [String: Any])
        let policy = try #require(verdicts["policy"] as? [String: Any])
        #expect(policy["conforms"] is NSNull, "\(policy)")
        #expect((policy["undecided"] as? String)?.contains("not measured") == true)
        #expect(json.stdout.contains("\"conforms\" : null") || json.stdout.contains("\"conforms\": null"))
        let grade = object["grade"] as? [String: Any]
        #expect((grade?["notGraded"] as? String)?.hasPrefix("not measured") == true, "\(String(describing: grade))")
        let text = try await CLI.run(["scan", "127.0.0.1:\(port)", "--policy", Self.policyID, "--no-http-check"])
        #expect(text.status == 3)
        #expect(text.stdout.contains("UNDECIDED — not measured"), "\(text.stdout)")
        #expect(!text.stdout.contains(": conforms"))
    }
}
