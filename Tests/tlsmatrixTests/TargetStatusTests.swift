import TLSAudit
import TLSCatalog
import TLSScan
import Testing
@testable import tlsmatrix

/// Named values instead of strings: a target's status in fleet summaries, the CloudFront profile id.
struct TargetStatusTests {
    /// One status type with one worst-of rule for fleet rows and distribution audits (issue 23); the JSON words
    /// of fleet summaries are unchanged.
    @Test func summaryStatusesKeepTheirJSONWords() {
        #expect(AuditStatus(ExitStatus.passed).rawValue == "passed")
        #expect(AuditStatus(ExitStatus.failedVerdict).rawValue == "failed")
        #expect(AuditStatus(ExitStatus.incomplete).rawValue == "incomplete")
        #expect(AuditStatus(ExitStatus.internalError) == .incomplete)
        #expect(FleetRun.combine(.incomplete, .failedVerdict) == .failedVerdict)
        #expect(FleetRun.combine(.failedVerdict, .incomplete) == .failedVerdict)
        #expect(FleetRun.combine(.passed, .incomplete) == .incomplete)
        #expect(FleetRun.combine(.incomplete, .passed) == .incomplete)
        #expect(AuditStatus.combine([.passed, .notProbed, .incomplete]) == .incomplete)
    }

    @Test func theCloudFrontProfileIsInTheCatalog() {
        #expect(ClientProfile.ID.cloudFrontOrigin == "cloudfront-origin")
        #expect(Catalog.shared.client(id: ClientProfile.ID.cloudFrontOrigin)?.originSslProtocols != nil)
    }
}
