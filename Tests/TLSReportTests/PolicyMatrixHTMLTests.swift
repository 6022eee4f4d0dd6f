import Foundation
import TestSupport
import Testing
import TLSAudit
import TLSCatalog
@testable import TLSReport

/// Issue 15: the clients × policies page renders in headless Chromium as one table with a colour class per cell,
/// no script, and no Content-Security-Policy complaint.
struct PolicyMatrixHTMLTests {
    @Test func chromiumRendersTheMatrix() async throws {
        guard let chromium = HTMLReportTests.chromiumPath() else {
            Issue.record("chromium is not installed: run scripts/bootstrap (apt-get install -y chromium) or set CHROMIUM")
            return
        }
        let policies = Catalog.shared.policies(family: "elb")
        let clients = try CloudFrontGeneration.allCases.map { try #require(Catalog.shared.client(id: $0.profileID)) }
        let matrix = PolicyMatrix(clients: clients, policies: policies)
        let result = try await HTMLReportTests.dumpDOM(PolicyMatrixReport.html(matrix), chromium: chromium)
        try #require(result.status == 0, "chromium failed (\(result.status)): \(result.stderr.suffix(2000))")
        let dom = result.stdout
        #expect(dom.contains("id=\"policy-matrix\""))
        let connects = matrix.rows.flatMap { $0 }.filter(\.connects).count
        #expect(dom.components(separatedBy: "<td class=\"ok\">").count - 1 == connects)
        #expect(dom.components(separatedBy: "<td class=\"bad\">").count - 1 + connects == clients.count * policies.count)
        #expect(!dom.lowercased().contains("<script"))
        let console = result.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") || $0.contains("Content Security Policy") }
        #expect(console.isEmpty, "browser console reported: \(console.joined(separator: "\n"))")
    }
}
