import Foundation
import TestSupport
import Testing
import TLSCatalog
import TLSModel
import TLSScan
@testable import TLSAudit

/// Issue 11, items 1 and 3: chains made at test time by `scripts/testpki` (openssl), served by a scripted TLS 1.2
/// origin (``ScriptedEnvironment``: what is analysed is the chain, not the network path), scanned and analysed.
/// "Cannot verify" must never read as "verified"; IP and DNS names never stand in for each other.
@Suite struct TrustForgeryTests {
    static let pki: Result<URL, any Error> = Result { try TestPKI.audit("forgery") }

    /// `openssl s_server`'s TLS 1.2 defaults as far as they matter here: ECDHE with ECDSA and RSA keys, and RSA.
    static let suites: [UInt16] = [0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8, 0xC009, 0xC013, 0x009C, 0x002F]

    /// Serves `chain` (leaf first, as `s_server -cert chain[0] -cert_chain rest` sends it) for the suites of the
    /// leaf's `keyType`, scans it with SNI `sni` (nil: none) and analyses it against a trust store holding only the
    /// test root.
    func analyse(_ chain: [String], keyType: CipherSuite.Authentication, sni: String? = "origin.example.com") async throws -> ScanAnalysis {
        let dir = try Self.pki.get()
        let certificate = try ScriptedServer.Certificate(keyType, pemFiles: chain.map { dir.appendingPathComponent($0) })
        let server = ScriptedServer(protocols: [.init(.tls12, suites: Self.suites)], certificates: [certificate])
        var options = ScanOptions()
        options.serverName = sni
        options.crossCheck = false
        options.checkWithoutSNI = false
        options.enumerateGroups = false
        options.httpPort = nil
        options.versions = [.tls12]
        let scan = await Scanner(options: options, environment: ScriptedEnvironment(server: server)).scan(
            Target(host: "127.0.0.1", port: 443))
        #expect(scan.certificates.map(\.der) == [certificate.chain], "the chain analysed is the one served, as served")
        var analysisOptions = AnalysisOptions()
        analysisOptions.trustStore = try TrustStore(pem: String(contentsOf: dir.appendingPathComponent("root.crt"), encoding: .utf8))
        return await ScanAnalysis.analyze(scan, options: analysisOptions)
    }

    /// Item 1: a brainpool leaf (which swift-certificates cannot decode) naming the real intermediate as issuer,
    /// signed by another key with sha224WithRSA, sent with the real intermediate. It used to read as trusted and
    /// COMPATIBLE because the verifier started at the intermediate and the leaf's signature "could not be checked".
    @Test func forgedLeafIsNeverTrusted() async throws {
        let analysis = try await analyse(["forged-brainpool.crt", "int.crt"], keyType: .ecdsa)
        let chain = try #require(analysis.chains.first)
        #expect(chain.report.leaf?.curve == "brainpoolP256r1")
        #expect(chain.report.trusted == nil)
        let finding = try #require(chain.report.findings.first { $0.id == Finding.ID.unverifiable })
        #expect(
            finding.message.contains("#1 (CN=origin.example.com)") && finding.message.contains("#2 (CN=tlsmatrix Audit Intermediate CA)"))
        #expect(finding.message.contains("sha224WithRSAEncryption"))
        #expect(analysis.cloudfront.compatible != true)
        #expect(analysis.cloudfront.causes.map(\.id).contains("unverifiable-chain"))
    }

    /// Item 1: a leaf correctly signed by an end-entity certificate (CA:FALSE, no keyCertSign) that the real
    /// intermediate issued. The leaf's brainpool key made the verifier start at the end-entity "issuer".
    @Test func forgedLeafSignedByNonCAIsUntrusted() async throws {
        let analysis = try await analyse(["ee-signed.crt", "ee-issuer.crt", "int.crt"], keyType: .ecdsa)
        let chain = try #require(analysis.chains.first)
        #expect(chain.report.trusted == false)
        let untrusted = try #require(chain.report.findings.first { $0.id == Finding.ID.untrusted })
        #expect(untrusted.message.contains("CN=attacker.example.net") && untrusted.message.contains("not a CA"))
        #expect(analysis.cloudfront.compatible == false)
        #expect(analysis.cloudfront.causes.map(\.id).contains("untrusted"))
    }

    /// Item 1: a leaf the intermediate really signed, with sha224WithRSA, which tlsmatrix cannot verify: trust is
    /// unknown (not "untrusted", not "trusted"), and the verdict is not "compatible".
    @Test func forgedLeafSHA224SignatureIsUnknownNotVerified() async throws {
        let analysis = try await analyse(["sha224.crt", "int.crt"], keyType: .rsa)
        let chain = try #require(analysis.chains.first)
        #expect(chain.report.trusted == nil)
        #expect(chain.report.findingIDs.contains(Finding.ID.unverifiable))
        #expect(!chain.report.findingIDs.contains(Finding.ID.untrusted))
        #expect(chain.report.trustLabel == "trust unknown")
        #expect(analysis.cloudfront.compatible == nil)
    }

    /// Control: the same server with the good leaf is trusted and compatible (the harness can say yes).
    @Test func goodChainIsTrusted() async throws {
        let analysis = try await analyse(["good.crt", "int.crt"], keyType: .rsa)
        #expect(analysis.chains.first?.report.trusted == true)
        #expect(analysis.cloudfront.compatible == true, "\(analysis.cloudfront.causes)")
    }

    /// Item 3: a dNSName "127.0.0.1" does not cover the IP origin 127.0.0.1 (RFC 6125: IP identities match only
    /// iPAddress entries).
    @Test func ipAndDNSNamesDNSNameSpelledLikeAnAddressDoesNotMatch() async throws {
        let analysis = try await analyse(["ipdns.crt", "int.crt"], keyType: .rsa, sni: nil)
        let chain = try #require(analysis.chains.first)
        #expect(analysis.originDomain == "127.0.0.1")
        #expect(chain.report.leaf?.dnsNames == ["127.0.0.1"])
        #expect(chain.report.leaf?.ipAddresses == [])
        #expect(chain.report.findingIDs.contains(Finding.ID.nameMismatch))
        #expect(analysis.cloudfront.causes.map(\.id).contains("name-mismatch"))
    }

    /// Item 3: an 8-octet iPAddress is neither shown as an IPv6 address nor matched.
    @Test func ipAndDNSNamesInvalidIPAddressLength() async throws {
        let analysis = try await analyse(["ip8.crt", "int.crt"], keyType: .rsa, sni: nil)
        let leaf = try #require(analysis.chains.first?.report.leaf)
        #expect(leaf.subjectAltNames == ["localhost", "invalid iPAddress (8 bytes: 7F:00:00:01:FF:FF:FF:FF)"])
        #expect(leaf.dnsNames == ["localhost"])
        #expect(!leaf.subjectAltNames.contains { $0.contains("7f00:1") })
        #expect(analysis.chains.first?.report.findingIDs.contains(Finding.ID.nameMismatch) == true)
    }
}
