import Foundation
import TestSupport
import Testing
import TLSAudit
import TLSCatalog
import TLSModel
import TLSEngines
import TLSScan

/// Issue 11, items 1, 5 and 6 through the hostile-origin harness: origins that complete well-formed handshakes
/// whose certificates are the attack. Every probe must still end in a definite outcome.
@Suite(.serialized) struct HostileCertificateTests {
    static let deadlines = Deadlines(connect: .seconds(5), handshake: .seconds(5))

    func scan(_ origin: HostileOrigin, sni: String? = nil) async -> ScanResult {
        var options = ScanOptions()
        options.deadlines = Self.deadlines
        options.httpPort = nil
        options.serverName = sni
        options.enumerateGroups = false
        return await Scanner(options: options, environment: SystemEnvironment()).scan(Target(host: "127.0.0.1", port: origin.port))
    }

    /// Item 5: ~2,900 distinct certificates sharing one issuer/subject name in a 1 MiB flight. The scan ends, every
    /// probe definite, and the audit analyses at most 20 certificates with a finding that says so.
    @Test func chainBombIsCappedAndReported() async throws {
        let origin = try await HostileOrigin.start(.chainBomb)
        defer { origin.stop() }
        let result = await scan(origin)
        #expect(result.reachability == .reachable)
        #expect(result.probes.timedOut == 0 && result.probes.failed == 0, "\(result.probes) \(result.undecided)")
        #expect(result.probes.accepted > 0)
        let chain = try #require(result.certificates.first)
        #expect(chain.der.count > 2_000, "the harness sends thousands: \(chain.der.count)")
        // Item 6: one copy per distinct chain and SNI, however many accepted probes brought it.
        #expect(result.certificates.count == 1, "\(result.certificates.count) chains kept")

        var options = AnalysisOptions()
        options.trustStore = try TrustStore.system()
        let analysis = await ScanAnalysis.analyze(result, options: options)
        let report = try #require(analysis.chains.first?.report)
        #expect(report.certificates.count <= CertificateAudit.maxChainCertificates)
        let finding = try #require(report.findings.first { $0.id == Finding.ID.chainTooLong })
        #expect(finding.message.contains("\(chain.der.count) certificates"))
        #expect(analysis.cloudfront.compatible == false)
    }

    /// Item 1 in the harness: a forged brainpool leaf naming a real intermediate, served by a raw-bytes origin.
    /// With the real root trusted, trust is unknown — never "trusted" — and the verdict is not "compatible".
    @Test func forgedLeafFromTheHarnessIsNeverTrusted() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-hostile-root-\(UUID().uuidString).pem")
        defer { try? FileManager.default.removeItem(at: root) }
        let origin = try await HostileOrigin.start(.forgedLeaf, arguments: ["--root-out", root.path])
        defer { origin.stop() }
        let result = await scan(origin, sni: "localhost")
        #expect(result.probes.timedOut == 0 && result.probes.failed == 0, "\(result.probes) \(result.undecided)")
        var options = AnalysisOptions()
        options.trustStore = try TrustStore.empty().adding(pemFile: root.path)
        let analysis = await ScanAnalysis.analyze(result, options: options)
        let report = try #require(analysis.chains.first?.report)
        #expect(report.leaf?.curve == "brainpoolP256r1")
        #expect(report.trusted == nil)
        #expect(report.findingIDs.contains(Finding.ID.unverifiable))
        #expect(analysis.cloudfront.compatible != true)
    }

    /// Item 6: chains are kept once per SHA-256 of the chain (length-prefixed, so a different split of the same
    /// bytes is a different chain) and SNI.
    @Test func memoryChainsAreKeptOncePerDigest() {
        let a: [[UInt8]] = [[1, 2, 3], [4]]
        let b: [[UInt8]] = [[1, 2], [3, 4]]
        #expect(ChainDigest.of(a) != ChainDigest.of(b))
        #expect(ChainDigest.of(a) == ChainDigest.of([[1, 2, 3], [4]]))
        #expect(ChainDigest.of(a).count == 32)
        var chains: [CertificateChain] = []
        for _ in 0..<1_000 {
            chains.appendDistinct(CertificateChain(authentication: "RSA", der: a, seenWith: .tls12, sni: "x"))
        }
        chains.appendDistinct(CertificateChain(authentication: "RSA", der: b, seenWith: .tls12, sni: "x"))
        chains.appendDistinct(CertificateChain(authentication: "RSA", der: a, seenWith: .tls12, sni: nil))
        #expect(chains.count == 3)
    }
}
