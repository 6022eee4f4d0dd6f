import TLSCatalog
import TLSScan
import Testing
@testable import tlsmatrix

/// Named values instead of strings: a target's status in fleet summaries, the CloudFront profile id.
struct TargetStatusTests {
    @Test func summaryStatusesKeepTheirJSONWords() {
        #expect(TargetStatus.allCases.map(\.rawValue) == ["passed", "failed", "incomplete"])
        #expect(TargetStatus(ExitStatus.passed) == .passed)
        #expect(TargetStatus(ExitStatus.failedVerdict) == .failed)
        #expect(TargetStatus(ExitStatus.incomplete) == .incomplete)
    }

    @Test func theCloudFrontProfileIsInTheCatalog() {
        #expect(ClientProfile.ID.cloudFrontOrigin == "cloudfront-origin")
        #expect(Catalog.shared.client(id: ClientProfile.ID.cloudFrontOrigin)?.originSslProtocols != nil)
    }
}
