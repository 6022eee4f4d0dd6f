import Foundation
import TLSCatalog
import Testing
import TLSAudit

@Suite("Trust stores")
struct CertificateTrustStoreTests {
    @Test func systemStoreLoads() throws {
        let store = try TrustStore.system()
        #expect(store.count > 50)
    }

    @Test func testRootIsUntrustedAgainstTheSystemStore() async throws {
        let pki = try CertificateTestPKI.load()
        let audit = CertificateAudit(trustRoots: try TrustStore.system())
        let withRoot = await audit.audit(
            chain: try pki.chain(["good", "int", "root"]), originDomain: "origin.example.com",
            hostHeader: nil)
        #expect(withRoot.trusted == false)
        #expect(withRoot.findingIDs == ["untrusted"], "\(withRoot.findings)")
        #expect(withRoot.findings.first?.message.contains("CN=tlsmatrix Audit Root CA") == true)

        // Without the root the intermediate's issuer is a root the store lacks: untrusted, not incomplete.
        let withoutRoot = await audit.audit(
            chain: try pki.chain(["good", "int"]), originDomain: "origin.example.com",
            hostHeader: nil)
        #expect(withoutRoot.trusted == false)
        #expect(withoutRoot.findingIDs == ["untrusted"])
        // The leaf alone, its issuer neither sent nor a root: the intermediate is missing.
        let leafOnly = await audit.audit(chain: try pki.chain(["good"]), originDomain: "origin.example.com", hostHeader: nil)
        #expect(leafOnly.findingIDs == ["missing-intermediate"])
    }

    @Test func caFileAddsRoots() async throws {
        let pki = try CertificateTestPKI.load()
        let store = try TrustStore.system().adding(pemFile: pki.path("root.crt"))
        let report = await CertificateAudit(trustRoots: store)
            .audit(chain: try pki.chain(["good", "int"]), originDomain: "origin.example.com", hostHeader: nil)
        #expect(report.trusted == true)
        #expect(report.findings.isEmpty)
    }

    @Test func otherRootDoesNotTrustTheChain() async throws {
        let pki = try CertificateTestPKI.load()
        let audit = CertificateAudit(trustRoots: try TrustStore(pem: pki.pem("other-root")))
        let report = await audit.audit(
            chain: try pki.chain(["good", "int", "root"]), originDomain: "origin.example.com",
            hostHeader: nil)
        #expect(report.findingIDs == ["untrusted"])
        let message = try #require(report.findings.first?.message)
        #expect(!message.contains("Certificate(version"))
    }

    @Test func badInputsThrow() throws {
        #expect(throws: TLSMatrixError(.invalidTrustStore)) { try TrustStore(pem: "not a certificate") }
        #expect(throws: TLSMatrixError(.invalidTrustStore)) { try TrustStore.empty().adding(pemFile: "/nonexistent/ca.pem") }
        #expect(TrustStore.empty().isEmpty)
    }
}
