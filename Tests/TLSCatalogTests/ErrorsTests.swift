import Testing
@testable import TLSCatalog

/// TLSMatrixError: codes decide the exit status; tests and callers compare codes, never wording.
struct ErrorsTests {
    @Test func errorsCodesMapToTheDocumentedExitStatuses() {
        let input: [TLSMatrixError.Code] = [
            .invalidTarget, .invalidTargetList, .invalidShard, .invalidTrustStore,
            .invalidCertificate, .invalidSavedReport, .invalidDistribution,
        ]
        for code in input { #expect(code.exitStatus == 2, "\(code)") }
        for code in [TLSMatrixError.Code.nameNotResolved, .nameResolutionTimedOut] { #expect(code.exitStatus == 3, "\(code)") }
        for code in [TLSMatrixError.Code.invalidCatalogData, .internalError] { #expect(code.exitStatus == 4, "\(code)") }
        #expect(TLSMatrixError.Code.invalidShard.description == "invalidShard")
    }

    @Test func errorsCompareByCodeOnly() {
        let a = TLSMatrixError(.invalidTarget, "'a': empty label in host name")
        let b = TLSMatrixError(.invalidTarget, "something else entirely")
        #expect(a == b && a.hashValue == b.hashValue)
        #expect(a != TLSMatrixError(.invalidTargetList, a.reason))
        #expect(Set([a, b]).count == 1)
    }

    @Test func errorsKeepTheReasonAsTheirDescription() {
        let error = TLSMatrixError(.invalidTarget, "'h:0': port 0 is outside 1-65535")
        #expect("\(error)" == "'h:0': port 0 is outside 1-65535")
        let prefixed = error.prefixed("fleet.txt:3: ")
        #expect(prefixed.code == .invalidTarget)
        #expect(prefixed.description == "fleet.txt:3: 'h:0': port 0 is outside 1-65535")
        #expect(error.debugDescription.hasPrefix("TLSMatrixError.invalidTarget: 'h:0'"))
        #expect(error.debugDescription.contains("ErrorsTests.swift:"))
    }

    @Test func errorsBadCatalogDataIsAnInternalError() {
        #expect {
            _ = try Catalog.decode(
                cipherSuitesJSON: "{", groupsJSON: EmbeddedData.groups,
                signatureSchemesJSON: EmbeddedData.signatureSchemes, clientJSONs: [])
        } throws: { error in
            let error = error as? TLSMatrixError
            return error?.code == .invalidCatalogData && error?.code.exitStatus == 4
                && error?.reason.hasPrefix("catalog file cipher-suites.json does not decode: ") == true
        }
    }
}
