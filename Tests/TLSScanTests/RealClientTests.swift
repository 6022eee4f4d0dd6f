import Foundation
import TestSupport
import Testing
import TLSAudit
import TLSCatalog
import TLSEngines
import TLSModel
@testable import TLSScan

/// The simulation against the real clients it names: `openssl s_client` (profile openssl-3-default, captured
/// from this machine's s_client) and curl (curl-openssl3) connect to each origin, and what they negotiate, or
/// that they fail, must be the simulation's row for their profile.
@Suite(.serialized) struct RealClientTests {
    struct Handshake: Equatable, CustomStringConvertible {
        var version: TLSVersion
        var suite: UInt16
        var description: String { "\(version) \(CodePointFormat.hex(suite))" }
    }

    static let openssl = URL(fileURLWithPath: "/usr/bin/openssl")
    static let curl = URL(fileURLWithPath: "/usr/bin/curl")

    /// `openssl s_client -brief` (its defaults otherwise): "Protocol version: TLSv1.2" and "Ciphersuite: ECDHE-…",
    /// written as soon as the handshake completes; nil when it failed.
    static func sClient(port: Int) async throws -> Handshake? {
        let run = try await TestOrigin.run(
            openssl, ["s_client", "-brief", "-connect", "127.0.0.1:\(port)", "-servername", "localhost"], in: nil)
        let lines = (run.stdout + "\n" + run.stderr).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        func value(_ key: String) -> String? {
            lines.first { $0.hasPrefix(key + ":") }.map { String($0.dropFirst(key.count + 1)).trimmingCharacters(in: .whitespaces) }
        }
        guard let protocolName = value("Protocol version"), let version = TLSVersion(name: protocolName),
            let cipher = value("Ciphersuite"), let suite = Catalog.shared.suite(named: cipher)
        else { return nil }
        return Handshake(version: version, suite: suite.code)
    }

    /// curl verifying against the origin's own root: "SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384".
    static func curlHandshake(port: Int, root: String) async throws -> Handshake? {
        let run = try await TestOrigin.run(
            curl,
            [
                "-sv", "-o", "/dev/null", "--max-time", "10", "--cacert", root,
                "--resolve", "localhost:\(port):127.0.0.1", "https://localhost:\(port)/",
            ], in: nil)
        guard run.status == 0,
            let line = run.stderr.split(separator: "\n").first(where: { $0.contains("SSL connection using") })
        else { return nil }
        let words = line.split(separator: " ")
        guard let at = words.firstIndex(of: "using"), words.count > at + 3,
            let version = TLSVersion(name: String(words[at + 1])),
            let suite = Catalog.shared.suite(named: String(words[at + 3]))
        else { return nil }
        return Handshake(version: version, suite: suite.code)
    }

    static func row(_ analysis: ScanAnalysis, _ id: String) -> Handshake?? {
        guard let row = analysis.simulations.first(where: { $0.client.id == id }) else { return nil }
        guard case .success(let choice) = row.result else { return .some(nil) }
        return .some(Handshake(version: choice.version, suite: choice.suite))
    }

    @Test(arguments: ["tlslite-sslv3", "openssl-modern", "nginx-modern", "gnutls-legacy", "openssl-ecdsa-x25519", "no-common-cloudfront"])
    func realClientsGetWhatTheSimulationSays(_ kind: String) async throws {
        let origin = try await TestOrigin.start(kind)
        defer { origin.stop() }
        let analysis = try await RealClientQuirkTests.scan(origin)
        let sClient = try await Self.sClient(port: origin.port)
        let simulatedSClient = try #require(Self.row(analysis, "openssl-3-default"))
        #expect(
            simulatedSClient == sClient,
            "\(kind): s_client got \(sClient.map(String.init(describing:)) ?? "no connection"), the simulation says \(simulatedSClient.map(String.init(describing:)) ?? "no connection")"
        )
        let curl = try await Self.curlHandshake(port: origin.port, root: origin.dir + "/root.crt")
        let simulatedCurl = try #require(Self.row(analysis, "curl-openssl3"))
        #expect(
            simulatedCurl == curl,
            "\(kind): curl got \(curl.map(String.init(describing:)) ?? "no connection"), the simulation says \(simulatedCurl.map(String.init(describing:)) ?? "no connection")"
        )
    }
}
