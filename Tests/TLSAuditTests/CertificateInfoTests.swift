import Foundation
import Testing
import TLSAudit

@Suite("Certificate facts")
struct CertificateInfoTests {
    private func info(_ name: String) async throws -> CertificateInfo {
        let pki = try CertificateTestPKI.load()
        let report = await CertificateAudit(trustRoots: .empty()).audit(chain: [try pki.der(name)], originDomain: nil, hostHeader: nil)
        return try #require(report.certificates.first)
    }

    @Test func rsaLeaf() async throws {
        let leaf = try await info("good")
        #expect(leaf.subject == "CN=origin.example.com")
        #expect(leaf.issuer == "CN=tlsmatrix Audit Intermediate CA")
        #expect(leaf.commonName == "origin.example.com")
        #expect(leaf.subjectAltNames == ["localhost", "origin.example.com"])
        #expect(leaf.keyType == "RSA")
        #expect(leaf.keyBits == 2048)
        #expect(leaf.curve == nil)
        #expect(leaf.signatureAlgorithm == "sha256WithRSAEncryption")
        #expect(!leaf.isSelfSigned)
        #expect(!leaf.isCA)
        #expect((363...365).contains(leaf.daysLeft))
        #expect(leaf.notAfter.timeIntervalSince(leaf.notBefore) == 365 * 86_400)
    }

    @Test func ecdsaLeaf() async throws {
        let leaf = try await info("ecdsa")
        #expect(leaf.keyType == "ECDSA")
        #expect(leaf.keyBits == 256)
        #expect(leaf.curve == "P-256")
    }

    @Test func weakAndOldLeaves() async throws {
        #expect(try await info("rsa1024").keyBits == 1024)
        #expect(try await info("sha1").signatureAlgorithm == "sha1WithRSAEncryption")
        let expired = try await info("expired")
        #expect(expired.notAfter == Date(timeIntervalSince1970: 1_609_459_200))  // 2021-01-01T00:00:00Z
        #expect(try await info("notyet").notBefore == Date(timeIntervalSince1970: 2_208_988_800))  // 2040-01-01
    }

    @Test func rootsAndSelfSigned() async throws {
        let root = try await info("root")
        #expect(root.isSelfSigned)
        #expect(root.isCA)
        #expect(try await info("int").isCA)
        #expect(try await info("selfsigned").isSelfSigned)
        #expect(try await info("wildcard").subjectAltNames == ["*.example.com"])
        #expect(try await info("cnonly").subjectAltNames.isEmpty)
    }

    @Test func serialAndFingerprint() async throws {
        let pki = try CertificateTestPKI.load()
        for name in ["good", "root", "ecdsa", "rsa1024"] {
            #expect(try await info(name).sha256Fingerprint == (try pki.opensslFingerprint(name)))
        }
        #expect(try await info("root").serialHex == "01")
        #expect(try await info("int").serialHex == "0A")
        #expect(try await info("good").serialHex == "1000")
    }
}
