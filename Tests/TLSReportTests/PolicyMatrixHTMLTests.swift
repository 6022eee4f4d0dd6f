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
        let policies = Catalog.shared.policies(family: "elb")
        let clients = try CloudFrontGeneration.allCases.map { try #require(Catalog.shared.client(id: $0.profileID)) }
        let matrix = PolicyMatrix(clients: clients, policies: policies)
        guard case let (dom, console)? = try await HTMLReportTests.chromiumDOM(PolicyMatrixReport.html(matrix)) else { return }
        #expect(dom.contains("id=\"policy-matrix\""))
        let connects = matrix.rows.flatMap { $0 }.filter(\.connects).count
        #expect(dom.components(separatedBy: "<td class=\"ok\">").count - 1 == connects)
        #expect(dom.components(separatedBy: "<td class=\"bad\">").count - 1 + connects == clients.count * policies.count)
        #expect(!dom.lowercased().contains("<script"))
        #expect(console.isEmpty, "browser console reported: \(console.joined(separator: "\n"))")
    }
}
