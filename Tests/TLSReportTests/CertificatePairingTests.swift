import Foundation
import TestSupport
import Testing
import TLSAudit
import TLSScan
@testable import TLSReport

/// Issue 11, item 9 (reports that lie about which certificate is which): every certificate of a saved report carries
/// its own DER and position, undecodable ones included, so the chain read back is the chain as sent.
@Suite(.serialized) struct CertificatePairingTests {
    static func pki() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-pairing-\(UUID().uuidString)")
        let root = try TestOrigin.repoRoot()
        let made = try TestOrigin.run(root.appendingPathComponent("scripts/testpki"), [dir.path], in: root)
        guard made.status == 0 else { throw TestOriginError.startFailed(kind: "testpki", status: made.status, stderr: made.stderr) }
        return dir
    }

    static func der(_ dir: URL, _ name: String) throws -> [UInt8] {
        let pem = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return Array(try #require(Data(base64Encoded: body)))
    }

    @Test func reportsPairEachCertificateWithItsOwnDER() async throws {
        let dir = try Self.pki()
        let garbage: [UInt8] = [0x30, 0x03, 0x02, 0x01, 0x05]
        let good = try Self.der(dir, "good.crt")
        let intermediate = try Self.der(dir, "int.crt")
        let sent = [garbage, good, intermediate]
        var scan = ScanResult(target: Target(host: "origin.example.com", port: 443), reachability: .reachable)
        scan.serverName = "origin.example.com"
        scan.certificates = [CertificateChain(authentication: "RSA", der: sent, seenWith: .tls12, sni: "origin.example.com")]
        var options = AnalysisOptions()
        options.trustStore = try TrustStore(pem: String(contentsOf: dir.appendingPathComponent("root.crt"), encoding: .utf8))
        let analysis = await ScanAnalysis.analyze(scan, options: options)

        let json = JSONReport.render(analysis)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let chains = try #require(object["certificates"] as? [[String: Any]])
        let entries = try #require(chains.first?["certificates"] as? [[String: Any]])
        #expect(entries.count == 3)
        #expect(entries.map { $0["position"] as? Int } == [0, 1, 2])
        #expect(entries.map { $0["decoded"] as? Bool } == [false, true, true])
        #expect(entries.map { ($0["der"] as? String).flatMap { Data(base64Encoded: $0) }.map(Array.init) } == sent)
        // The subject shown next to each DER is that DER's subject.
        #expect(entries[1]["subject"] as? String == "CN=origin.example.com")
        #expect(entries[2]["subject"] as? String == "CN=tlsmatrix Audit Intermediate CA")
        #expect((entries[0]["error"] as? String)?.isEmpty == false)

        // Read back: the same chain, the same analysis.
        let file = dir.appendingPathComponent("saved.json")
        try json.write(to: file, atomically: true, encoding: .utf8)
        let loaded = try SavedScan.load(path: file.path)
        #expect(loaded.certificates.first?.der == sent)
        let again = await ScanAnalysis.analyze(loaded, options: options)
        #expect(again.chains.first?.report == analysis.chains.first?.report)
    }
}
