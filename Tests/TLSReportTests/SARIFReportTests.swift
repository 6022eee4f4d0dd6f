import Foundation
import Testing
import TLSAudit
import TLSModel
import TLSReport

/// SARIF 2.1.0 of a scan: one rule per finding id, one result per finding, the counts computed from the saved
/// scan's own findings (the JSON contract), not from the SARIF writer.
struct SARIFReportTests {
    static func log(_ name: String) async throws -> (report: ScanReport, sarif: [String: Any]) {
        let analysis = try await GoldenReportTests.analysis(name)
        let report = ScanReport(analysis)
        let text = SARIFReport.render(analysis)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return (report, try #require(object as? [String: Any]))
    }

    @Test(arguments: GoldenReportTests.fixtures) func everyFindingIsOneResultOfItsRule(_ name: String) async throws {
        let (report, sarif) = try await Self.log(name)
        #expect(sarif["version"] as? String == "2.1.0")
        #expect((sarif["$schema"] as? String)?.hasSuffix("sarif-schema-2.1.0.json") == true)
        let runs = try #require(sarif["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let run = try #require(runs.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "tlsmatrix")
        let rules = try #require(driver["rules"] as? [[String: Any]]).compactMap { $0["id"] as? String }
        #expect(Set(rules).count == rules.count, "one rule per id")
        let results = try #require(run["results"] as? [[String: Any]])

        let certificate = report.certificates.flatMap(\.findings)
        let causes =
            report.verdicts.cloudfront.compatible == false
            ? report.verdicts.cloudfront.causes.count
            : (report.verdicts.cloudfront.compatible == nil ? 1 : 0)
        #expect(results.count == certificate.count + report.findings.count + causes + Self.policyResults(report))
        for result in results {
            let rule = try #require(result["ruleId"] as? String)
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(rules.indices.contains(index) && rules[index] == rule)
            #expect(["error", "warning", "note"].contains(result["level"] as? String ?? ""))
            let locations = try #require(result["locations"] as? [[String: Any]])
            let logical = locations.first?["logicalLocations"] as? [[String: Any]]
            #expect((logical?.first?["name"] as? String)?.hasPrefix("\(report.target.host):\(report.target.port)") == true)
        }
        // every certificate finding keeps its id, its level and its fix
        for finding in certificate {
            let match = results.first { ($0["ruleId"] as? String) == "certificate/" + finding.id }
            let expectedLevel = finding.severity == .error ? "error" : finding.severity == .warning ? "warning" : "note"
            #expect(match?["level"] as? String == expectedLevel, "\(finding.id)")
            if let fix = finding.fix {
                let text = (match?["message"] as? [String: Any])?["text"] as? String
                #expect(text?.contains(fix) == true, "\(finding.id): the fix is in the message")
            }
        }
    }

    static func policyResults(_ report: ScanReport) -> Int {
        guard let policy = report.verdicts.policy else { return 0 }
        if policy.conforms == false { return policy.outside.count + policy.missing.count }
        return policy.conforms == nil ? 1 : 0
    }

    @Test func aFileFindingPointsAtItsLineAndColumn() throws {
        let log = SARIFLog(findings: [
            .init(
                rule: "distribution/origin-is-elb-dns-name", level: .error, message: "The origin is an ELB name.",
                fix: "Use a name on the certificate.", file: "./stacks/my cdn.yaml", line: 42, column: 9)
        ])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(log.rendered().utf8)) as? [String: Any])
        let result = try #require(((object["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])?.first)
        let physical = try #require((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        #expect((physical["artifactLocation"] as? [String: Any])?["uri"] as? String == "stacks/my%20cdn.yaml")
        let region = try #require(physical["region"] as? [String: Any])
        #expect(region["startLine"] as? Int == 42 && region["startColumn"] as? Int == 9)
    }

    /// Every saved scan's SARIF, and a template finding with its line, validate against the OASIS schema.
    @Test func logsValidateAgainstTheSARIFSchema() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-sarif-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var files: [String] = []
        for name in GoldenReportTests.fixtures {
            let file = folder.appendingPathComponent("\(name).sarif")
            try Data(SARIFReport.render(try await GoldenReportTests.analysis(name)).utf8).write(to: file)
            files.append(file.path)
        }
        let template = folder.appendingPathComponent("template.sarif")
        try Data(
            SARIFLog(findings: [.init(rule: "distribution/x", level: .warning, message: "m", file: "a.yaml", line: 3, column: 5)])
                .rendered().utf8
        ).write(to: template)
        files.append(template.path)
        let run = try await SchemaValidator.validateSARIF(files)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("\(files.count) valid, 0 invalid"))
    }
}
