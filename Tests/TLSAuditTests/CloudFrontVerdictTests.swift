import Foundation
import TestSupport
import Testing
import TLSCatalog
import TLSScan
@testable import TLSAudit

/// End to end without sockets: a scripted origin (``ScriptedEnvironment``) serving a good or a broken certificate
/// from `scripts/testpki`, scanned, analysed, and judged as CloudFront would judge it. Each case must yield exactly
/// the documented cause; the suite and version CloudFront gets follow from the origin's configuration and
/// CloudFront's profile.
@Suite struct CloudFrontVerdictTests {
    static let pki: Result<URL, any Error> = Result { try TestPKI.audit("verdict") }

    /// A TLS 1.2 origin like tlslite-ng's defaults (`--min 3.3 --max 3.3`): ECDHE-RSA, DHE-RSA and RSA suites in
    /// its own order, X25519, P-256 and P-384.
    static let tls12Suites: [UInt16] = [
        0xCCA8, 0xC030, 0xC02F, 0x009F, 0x009E, 0x009D, 0x009C, 0xC028, 0xC027,
        0xC014, 0xC013, 0x0035, 0x002F,
    ]

    static func server(chain: [String], protocols: [ScriptedServer.Version]? = nil) throws -> ScriptedServer {
        let dir = try pki.get()
        let certificate = try ScriptedServer.Certificate(.rsa, pemFiles: chain.map { dir.appendingPathComponent($0) })
        return ScriptedServer(
            protocols: protocols ?? [.init(.tls12, suites: tls12Suites)], groups: [0x001D, 0x0017, 0x0018],
            certificates: [certificate])
    }

    static func scan(_ server: ScriptedServer, options: ScanOptions) async -> ScanResult {
        await Scanner(options: options, environment: ScriptedEnvironment(server: server)).scan(Target(host: "127.0.0.1", port: 443))
    }

    func verdict(
        chain: [String], sni: String = "origin.example.com", hostHeader: String? = nil,
        originProtocols: [TLSVersion] = [.tls12]
    ) async throws -> CloudFrontVerdict {
        let dir = try Self.pki.get()
        var options = ScanOptions()
        options.serverName = sni
        options.crossCheck = false
        options.checkWithoutSNI = false
        options.versions = [.tls10, .tls11, .tls12, .tls13]
        let scan = await Self.scan(try Self.server(chain: chain), options: options)
        var analysisOptions = AnalysisOptions()
        analysisOptions.trustStore = try TrustStore(pem: String(contentsOf: dir.appendingPathComponent("root.crt"), encoding: .utf8))
        analysisOptions.hostHeader = hostHeader
        analysisOptions.originProtocols = originProtocols
        return await ScanAnalysis.analyze(scan, options: analysisOptions).cloudfront
    }

    static func documented() throws -> ClientProfile {
        try #require(Catalog.shared.client(id: ClientProfile.ID.cloudFrontOrigin))
    }

    @Test func goodCertificateIsCompatible() async throws {
        let result = try await verdict(chain: ["good.crt", "int.crt"])
        #expect(result.compatible == true, "\(result.causes)")
        #expect(result.causes.isEmpty)
        #expect(result.protocolVersion == .tls12)
        #expect(result.suite.map { Catalog.shared.client(id: ClientProfile.ID.cloudFrontOrigin)?.offers(suite: $0) } == true)
        // a server-order origin: its first suite CloudFront offers
        #expect(result.suite == Self.tls12Suites.first(where: try Self.documented().offers))
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

    /// gnutls-legacy (scripts/origins/origin.py): TLS 1.0 with RC4-MD5, RC4-SHA and DES-CBC3-SHA, in the client's
    /// order.
    @Test func legacyOriginNamesTheSuiteCloudFrontWouldGet() async throws {
        let suites: [UInt16] = [0x0004, 0x0005, 0x000A]
        let server = try Self.server(chain: ["good.crt", "int.crt"], protocols: [.init(.tls10, suites: suites, order: .client)])
        var options = ScanOptions()
        options.crossCheck = false
        let scan = await Self.scan(server, options: options)
        let verdict = CloudFrontVerdict.evaluate(scan, originProtocols: [.tls10])
        #expect(verdict.compatible == true)
        #expect(verdict.protocolVersion == .tls10)
        // Client-order server: CloudFront's own order decides, and DES-CBC3-SHA precedes RC4-MD5 in it.
        #expect(verdict.suite == (try Self.documented()).suites.first(where: suites.contains))
        #expect(verdict.suite == 0x000A)
        let strict = CloudFrontVerdict.evaluate(scan, originProtocols: [.tls12])
        #expect(strict.compatible == false)
        #expect(strict.causes.map(\.id) == ["no-common-protocol"])
    }

    /// An origin that answers every TLS 1.2 hello with a broken flight: whether it speaks CloudFront's version is
    /// not known, so the verdict stays open, never "not compatible".
    @Test func anUndecidedVersionLeavesTheVerdictOpen() async throws {
        var server = try Self.server(chain: ["good.crt", "int.crt"])
        server.faults = [.init(.failure(ProbeFailure(.protocolViolation, "scripted: the flight broke off")), version: .tls12)]
        var options = ScanOptions()
        options.serverName = "origin.example.com"
        options.crossCheck = false
        options.observeCloudFront = false
        let scan = await Self.scan(server, options: options)
        let verdict = CloudFrontVerdict.evaluate(scan, originProtocols: [.tls12])
        #expect(verdict.compatible == nil, "\(verdict.causes.map(\.id))")
        #expect(verdict.causes.map(\.id) == ["scan-incomplete"])
        #expect(scan.reachability == .reachable)
        #expect(scan.protocolResult(.tls12)?.supported == nil)
    }
}
