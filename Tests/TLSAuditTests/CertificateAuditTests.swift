import TLSModel
import Foundation
import Testing
import TLSAudit

/// One chain from the test PKI and exactly the finding ids it must produce.
struct ChainCase: Sendable, CustomTestStringConvertible {
    var name: String
    var chain: [String]
    var origin: String? = "origin.example.com"
    var host: String? = nil
    var expected: Set<String>
    var trusted: Bool? = true

    var testDescription: String { name }
}

@Suite("Certificate audit against the test PKI")
struct CertificateAuditTests {
    static let cases: [ChainCase] = [
        ChainCase(name: "good chain", chain: ["good", "int"], expected: []),
        ChainCase(name: "good chain with root sent", chain: ["good", "int", "root"], expected: []),
        ChainCase(name: "good chain, Host header covered", chain: ["good", "int"], host: "localhost", expected: []),
        ChainCase(name: "good chain, Host header with port", chain: ["good", "int"], host: "localhost:443", expected: []),
        ChainCase(
            name: "good chain, Host header not covered", chain: ["good", "int"], host: "www.example.org",
            expected: ["host-header-mismatch"]),
        ChainCase(
            name: "good chain, origin not covered", chain: ["good", "int"], origin: "cdn.example.org",
            expected: ["name-mismatch"]),
        ChainCase(
            name: "both names wrong", chain: ["good", "int"], origin: "a.example.org", host: "b.example.org",
            expected: ["name-mismatch", "host-header-mismatch"]),
        ChainCase(name: "no names to check", chain: ["good", "int"], origin: nil, expected: []),
        ChainCase(name: "expired", chain: ["expired", "int"], expected: ["expired"]),
        ChainCase(name: "not yet valid", chain: ["notyet", "int"], expected: ["not-yet-valid"]),
        ChainCase(name: "expires in 10 days", chain: ["soon", "int"], expected: ["expires-soon"]),
        ChainCase(name: "self-signed leaf", chain: ["selfsigned"], expected: ["self-signed"], trusted: false),
        ChainCase(name: "wrong name", chain: ["wrongname", "int"], expected: ["name-mismatch"]),
        ChainCase(name: "wildcard covers one label", chain: ["wildcard", "int"], expected: []),
        ChainCase(
            name: "wildcard does not cover the apex", chain: ["wildcard", "int"], origin: "example.com",
            expected: ["name-mismatch"]),
        ChainCase(
            name: "wildcard does not cover two labels", chain: ["wildcard", "int"], origin: "a.origin.example.com",
            expected: ["name-mismatch"]),
        ChainCase(name: "SHA-1 signature", chain: ["sha1", "int"], expected: ["weak-signature"]),
        ChainCase(name: "RSA 1024 key", chain: ["rsa1024", "int"], expected: ["weak-key"]),
        ChainCase(name: "ECDSA P-256 leaf", chain: ["ecdsa", "int"], expected: []),
        ChainCase(name: "CN only, no SAN", chain: ["cnonly", "int"], expected: []),
        ChainCase(name: "CN only, other name", chain: ["cnonly", "int"], origin: "localhost", expected: ["name-mismatch"]),
        ChainCase(name: "wrong order", chain: ["int", "good"], expected: ["wrong-chain-order"]),
        ChainCase(name: "wrong order with root", chain: ["good", "root", "int"], expected: ["wrong-chain-order"]),
        ChainCase(name: "missing intermediate", chain: ["good"], expected: ["missing-intermediate"], trusted: false),
        ChainCase(name: "extra certificate", chain: ["good", "int", "other-root"], expected: ["extra-certificate"]),
        ChainCase(name: "duplicate certificate", chain: ["good", "int", "int"], expected: ["duplicate-certificate"]),
        ChainCase(
            name: "expired and wrong name and missing intermediate", chain: ["expired"], origin: "x.example.net",
            expected: ["expired", "name-mismatch", "missing-intermediate"], trusted: false),
    ]

    @Test("each chain yields exactly its finding ids", arguments: cases)
    func findingIDs(_ testCase: ChainCase) async throws {
        let pki = try CertificateTestPKI.load()
        let audit = CertificateAudit(trustRoots: try pki.rootStore())
        let report = await audit.audit(
            chain: try pki.chain(testCase.chain), originDomain: testCase.origin,
            hostHeader: testCase.host)
        #expect(report.findingIDs == testCase.expected, "\(report.findings.map { "\($0.id): \($0.message)" })")
        #expect(report.trusted == testCase.trusted)
        #expect(report.findings.allSatisfy { Finding.ID.certificate.contains($0.id) && !$0.message.isEmpty })
        #expect(report.certificates.count == testCase.chain.count)
    }

    @Test func trustedChainHasValidatedPath() async throws {
        let pki = try CertificateTestPKI.load()
        let report = await CertificateAudit(trustRoots: try pki.rootStore())
            .audit(chain: try pki.chain(["good", "int"]), originDomain: "origin.example.com", hostHeader: nil)
        #expect(report.trusted == true)
        #expect(
            report.validatedPath?.map(\.subject) == [
                "CN=origin.example.com", "CN=tlsmatrix Audit Intermediate CA", "CN=tlsmatrix Audit Root CA",
            ])
        #expect(report.leafIndex == 0)
    }

    @Test func weakLeafKeyStillGetsAValidatedPath() async throws {
        let pki = try CertificateTestPKI.load()
        let report = await CertificateAudit(trustRoots: try pki.rootStore())
            .audit(chain: try pki.chain(["rsa1024", "int"]), originDomain: "origin.example.com", hostHeader: nil)
        #expect(report.validatedPath?.count == 3)
        #expect(report.validatedPath?.first?.keyBits == 1024)
    }

    @Test func wrongOrderFindsTheRealLeaf() async throws {
        let pki = try CertificateTestPKI.load()
        let report = await CertificateAudit(trustRoots: try pki.rootStore())
            .audit(chain: try pki.chain(["int", "good"]), originDomain: "origin.example.com", hostHeader: nil)
        #expect(report.leafIndex == 1)
        #expect(report.leaf?.commonName == "origin.example.com")
        let finding = try #require(report.findings.first)
        #expect(finding.severity == .error)
        #expect(finding.message.contains("502"))
    }

    @Test func messagesNameWhatIsWrong() async throws {
        let pki = try CertificateTestPKI.load()
        let audit = CertificateAudit(trustRoots: try pki.rootStore())
        let mismatch = await audit.audit(
            chain: try pki.chain(["wrongname", "int"]), originDomain: "origin.example.com",
            hostHeader: nil)
        let name = try #require(mismatch.findings.first)
        #expect(name.message.contains("origin.example.com"))
        #expect(name.message.contains("wrong.example.net"))
        #expect(name.fix?.contains("Subject Alternative Name") == true)

        let expired = await audit.audit(chain: try pki.chain(["expired", "int"]), originDomain: nil, hostHeader: nil)
        let finding = try #require(expired.findings.first)
        #expect(finding.message.contains("2021-01-01"))
        #expect(expired.leaf.map { $0.daysLeft < 0 } == true)

        let missing = await audit.audit(chain: try pki.chain(["good"]), originDomain: nil, hostHeader: nil)
        #expect(missing.findings.first?.message.contains("CN=tlsmatrix Audit Intermediate CA") == true)
    }

    @Test func warnDaysIsConfigurable() async throws {
        let pki = try CertificateTestPKI.load()
        let relaxed = CertificateAudit(trustRoots: try pki.rootStore(), warnDays: 5)
        let report = await relaxed.audit(chain: try pki.chain(["soon", "int"]), originDomain: nil, hostHeader: nil)
        #expect(report.findings.isEmpty)
        let later = CertificateAudit(trustRoots: try pki.rootStore(), now: Date().addingTimeInterval(400 * 86_400))
        let expired = await later.audit(chain: try pki.chain(["good", "int"]), originDomain: nil, hostHeader: nil)
        #expect(expired.findingIDs == ["expired"])
    }

    @Test func noCertificate() async throws {
        let report = await CertificateAudit(trustRoots: .empty()).audit(chain: [], originDomain: "a.example.com", hostHeader: nil)
        #expect(report.findingIDs == ["no-certificate"])
        #expect(report.trusted == nil)
        #expect(report.leaf == nil)
    }

    @Test func unparseableCertificate() async throws {
        let pki = try CertificateTestPKI.load()
        let audit = CertificateAudit(trustRoots: try pki.rootStore())
        let garbage = await audit.audit(chain: [[0x30, 0x03, 0x02, 0x01, 0x01]], originDomain: nil, hostHeader: nil)
        #expect(garbage.findingIDs == ["unparseable-certificate"])
        #expect(garbage.certificates.isEmpty)
        var chain = try pki.chain(["good", "int"])
        chain.insert([0xDE, 0xAD], at: 1)
        let mixed = await audit.audit(chain: chain, originDomain: "origin.example.com", hostHeader: nil)
        #expect(mixed.findingIDs == ["unparseable-certificate"])
        #expect(mixed.findings.first?.message.contains("#2") == true)
        #expect(mixed.trusted == true)
    }

    /// Issue 11, item 2: an empty store leaves trust undecided *and says so* (it used to pass silently).
    @Test func emptyTrustStoreLeavesTrustUndecided() async throws {
        let pki = try CertificateTestPKI.load()
        let report = await CertificateAudit(trustRoots: .empty())
            .audit(chain: try pki.chain(["good", "int"]), originDomain: "origin.example.com", hostHeader: nil)
        #expect(report.trusted == nil)
        #expect(report.findingIDs == [Finding.ID.trustNotChecked])
        #expect(report.trustLabel == "trust not checked")
    }
}
