import Foundation
import TestSupport
import Testing
import TLSCatalog
import TLSEngines
@testable import TLSScan

/// Every accepted cell is confirmed by a complete handshake with a library that can speak it, and a
/// server that answers the ServerHello but then breaks the handshake shows up as a disagreement.
@Suite(.serialized) struct CrossCheckTests {
    static func options() -> ScanOptions {
        var options = ScanOptions()
        options.deadlines = Deadlines(connect: .seconds(5), handshake: .seconds(10))
        options.enumerateGroups = false
        return options
    }

    func scan(_ port: Int) async -> ScanResult {
        await Scanner(options: Self.options(), environment: SystemEnvironment()).scan(Target(host: "127.0.0.1", port: port))
    }

    @Test func openSSLConfirmsEverySuiteItCanOfferOnTheWideOrigin() async throws {
        let origin = try await TestOrigin.start("openssl-wide")
        defer { origin.stop() }
        let result = await scan(origin.port)
        var confirmed = 0
        for proto in result.protocols {
            for suite in proto.suites where EngineCapabilities.canOffer(.openssl, version: proto.version, suite: suite.code) {
                #expect(suite.evidence.contains(.openssl), "\(proto.version) \(CodePointFormat.hex(suite.code)) not confirmed")
                confirmed += 1
            }
        }
        #expect(confirmed > 100)
        #expect(result.findings.filter { $0.id == "engine-disagreement" }.isEmpty, "\(result.findings)")
    }

    @Test func gnuTLSConfirmsRC4AndTripleDESOnTheLegacyOrigin() async throws {
        let origin = try await TestOrigin.start("gnutls-legacy")
        defer { origin.stop() }
        let result = await scan(origin.port)
        let tls10 = try #require(result.protocolResult(.tls10))
        for code: UInt16 in [0x0004, 0x000A] {
            let suite = try #require(tls10.suites.first { $0.code == code })
            #expect(suite.evidence == [.wire, .gnutls], "\(CodePointFormat.hex(code)): \(suite.evidence)")
        }
    }

    @Test func sslv3CellsAreWireOnly() async throws {
        let origin = try await TestOrigin.start("tlslite-sslv3")
        defer { origin.stop() }
        let result = await scan(origin.port)
        let sslv3 = try #require(result.protocolResult(.sslv3))
        #expect(!sslv3.suites.isEmpty)
        for suite in sslv3.suites { #expect(suite.evidence == [.wire]) }
    }

    @Test func certificateThatDoesNotMatchItsKeyIsADisagreement() async throws {
        let pki = try await OffPool.run { try TestPKI.make() }
        let server = try await TLSLiteServer.start(
            certificatePEM: pki.appendingPathComponent("rsa-fullchain.pem").path,
            keyPEM: pki.appendingPathComponent("ecdsa.key").path)
        defer { server.stop() }
        let result = await scan(server.port)
        let tls12 = try #require(result.protocolResult(.tls12))
        #expect(tls12.supported == true)
        let disagreements = result.findings.filter { $0.id == "engine-disagreement" }
        #expect(!disagreements.isEmpty)
        #expect(disagreements.allSatisfy { $0.message.contains("handshake failed") })
        for suite in tls12.suites { #expect(!suite.evidence.contains(.openssl)) }
    }

    @Test func chainWithTheIntermediateFirstIsADisagreement() async throws {
        let pki = try await OffPool.run { try TestPKI.make() }
        let wrongOrder = pki.appendingPathComponent("wrong-order.pem")
        let intermediate = try String(contentsOf: pki.appendingPathComponent("int.crt"), encoding: .utf8)
        let leaf = try String(contentsOf: pki.appendingPathComponent("rsa.crt"), encoding: .utf8)
        try (intermediate + leaf).write(to: wrongOrder, atomically: true, encoding: .utf8)
        let server = try await TLSLiteServer.start(certificatePEM: wrongOrder.path, keyPEM: pki.appendingPathComponent("rsa.key").path)
        defer { server.stop() }
        let result = await scan(server.port)
        #expect(result.protocolResult(.tls12)?.supported == true)
        let disagreements = result.findings.filter { $0.id == "engine-disagreement" }
        #expect(!disagreements.isEmpty, "\(result.findings)")
    }

    @Test(arguments: [EngineKind.openssl, .gnutls])
    func libraryEngineEnumeratesAloneAndAgreesWithTheWireEngine(_ kind: EngineKind) async throws {
        let origin = try await TestOrigin.start("openssl-modern")
        defer { origin.stop() }
        var options = Self.options()
        options.crossCheck = false
        let target = Target(host: "127.0.0.1", port: origin.port)
        let wire = await Scanner(options: options, environment: SystemEnvironment()).scan(target)
        let engine: any HandshakeEngine = kind == .openssl ? OpenSSLEngine() : GnuTLSEngine()
        let alone = await Scanner(options: options, environment: SystemEnvironment(), engine: engine).scan(target)
        for version in [TLSVersion.tls12, .tls13] {
            let expected = Set(
                (wire.protocolResult(version)?.suites ?? []).map(\.code)
                    .filter { EngineCapabilities.canOffer(kind, version: version, suite: $0) })
            let got = Set((alone.protocolResult(version)?.suites ?? []).map(\.code))
            #expect(got == expected, "\(kind) \(version): \(got.sorted()) vs wire \(expected.sorted())")
            #expect(alone.protocolResult(version)?.suites.allSatisfy { $0.evidence == [kind] } == true)
        }
        #expect(alone.protocolResult(.tls10)?.supported == false)
    }
}
