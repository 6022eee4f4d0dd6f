import Foundation
import TestSupport
import Testing
import TLSCatalog
import TLSEngines
import TLSScan
@testable import TLSAudit

/// End to end: a real origin serving a good or a broken certificate, scanned, analysed, and judged as
/// CloudFront would judge it. Each case must yield exactly the documented cause.
@Suite(.serialized) struct CloudFrontVerdictTests {
    static let pki: Result<URL, any Error> = Result { try TestPKI.audit("verdict") }

    func verdict(chain: [String], key: String = "leaf.key", sni: String = "origin.example.com", hostHeader: String? = nil,
                 originProtocols: [TLSVersion] = [.tls12]) async throws -> CloudFrontVerdict {
        let dir = try Self.pki.get()
        let pem = try chain.map { try String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8) }.joined()
        let file = dir.appendingPathComponent("served-\(UUID().uuidString).pem")
        try pem.write(to: file, atomically: true, encoding: .utf8)
        let server = try TLSLiteServer(certificatePEM: file.path, keyPEM: dir.appendingPathComponent(key).path)
        defer { server.stop() }
        var options = ScanOptions()
        options.serverName = sni
        options.crossCheck = false
        options.checkWithoutSNI = false
        options.versions = [.tls10, .tls11, .tls12, .tls13]
        let scan = await Scanner(options: options, environment: SystemEnvironment()).scan(Target(host: "127.0.0.1", port: server.port))
        var analysisOptions = AnalysisOptions()
        analysisOptions.trustStore = try TrustStore(pem: String(contentsOf: dir.appendingPathComponent("root.crt"), encoding: .utf8))
        analysisOptions.hostHeader = hostHeader
        analysisOptions.originProtocols = originProtocols
        return await ScanAnalysis.analyze(scan, options: analysisOptions).cloudfront
    }

    @Test func goodCertificateIsCompatible() async throws {
        let result = try await verdict(chain: ["good.crt", "int.crt"])
        #expect(result.compatible == true, "\(result.causes)")
        #expect(result.causes.isEmpty)
        #expect(result.protocolVersion == .tls12)
        #expect(result.suite.map { Catalog.shared.client(id: ClientProfile.ID.cloudFrontOrigin)?.offers(suite: $0) } == true)
    }

    @Test(arguments: [
        (["expired.crt", "int.crt"], "origin.example.com", "expired"),
        (["notyet.crt", "int.crt"], "origin.example.com", "not-yet-valid"),
        (["wrongname.crt", "int.crt"], "origin.example.com", "name-mismatch"),
        (["wildcard.crt", "int.crt"], "a.b.example.com", "name-mismatch"),
        (["good.crt"], "origin.example.com", "incomplete-chain"),
        (["int.crt", "good.crt"], "origin.example.com", "wrong-chain-order"),
    ])
    func brokenCertificateHasExactlyItsCause(_ chain: [String], _ sni: String, _ cause: String) async throws {
        let result = try await verdict(chain: chain, sni: sni)
        #expect(result.compatible == false)
        // the s2n generations name a chain sent intermediate first by their own rule (s2n takes the first as the leaf)
        let expected = cause == "wrong-chain-order" ? [cause, CloudFrontVerdict.leafNotFirst] : [cause]
        #expect(result.causes.map(\.id) == expected, "\(chain): \(result.causes.map(\.id))")
        #expect(result.causes.allSatisfy { !$0.fix.isEmpty })
    }

    @Test func selfSignedCertificate() async throws {
        let result = try await verdict(chain: ["selfsigned.crt"])
        #expect(result.compatible == false)
        #expect(result.causes.map(\.id) == ["self-signed"])
    }

    @Test func wildcardMatchesOneLabel() async throws {
        let result = try await verdict(chain: ["wildcard.crt", "int.crt"], sni: "www.example.com")
        #expect(result.compatible == true, "\(result.causes)")
    }

    @Test func forwardedHostHeaderMustMatch() async throws {
        let result = try await verdict(chain: ["good.crt", "int.crt"], hostHeader: "cdn.other.example")
        #expect(result.causes.map(\.id) == ["host-header-mismatch"])
        let ok = try await verdict(chain: ["good.crt", "int.crt"], hostHeader: "origin.example.com")
        #expect(ok.compatible == true)
    }

    @Test func tls12OnlyOriginDependsOnOriginProtocols() async throws {
        let modern = try await verdict(chain: ["good.crt", "int.crt"], originProtocols: [.tls12])
        #expect(modern.compatible == true)
        let legacy = try await verdict(chain: ["good.crt", "int.crt"], originProtocols: [.tls10, .tls11])
        #expect(legacy.compatible == false)
        #expect(legacy.causes.map(\.id) == ["no-common-protocol"])
    }

    @Test func legacyOriginNamesTheSuiteCloudFrontWouldGet() async throws {
        let origin = try await TestOrigin.start("gnutls-legacy")
        defer { origin.stop() }
        var options = ScanOptions()
        options.crossCheck = false
        let scan = await Scanner(options: options, environment: SystemEnvironment()).scan(Target(host: origin.host, port: origin.port))
        let verdict = CloudFrontVerdict.evaluate(scan, originProtocols: [.tls10])
        #expect(verdict.compatible == true)
        #expect(verdict.protocolVersion == .tls10)
        // Client-order server: CloudFront's own order decides, and DES-CBC3-SHA precedes RC4-MD5 in it.
        #expect(verdict.suite == 0x000A)
        let strict = CloudFrontVerdict.evaluate(scan, originProtocols: [.tls12])
        #expect(strict.compatible == false)
        #expect(strict.causes.map(\.id) == ["no-common-protocol"])
    }
}
