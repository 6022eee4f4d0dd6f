import Foundation
import TestSupport
import Testing

/// Issue 11, item 2 (trust fails open): a missing or empty system trust store is an input error unless --ca-file is
/// given, and every report says where its roots came from and how many there are.
@Suite(.serialized) struct TrustStoreCLITests {
    /// The binary with SSL_CERT_FILE set (the system bundle tlsmatrix reads, as OpenSSL does).
    func run(_ arguments: [String], certFile: String?) async throws -> TestOrigin.RunResult {
        var prefix: [String] = []
        if let certFile { prefix = ["SSL_CERT_FILE=\(certFile)"] }
        return try await TestOrigin.run(
            URL(fileURLWithPath: "/usr/bin/env"), prefix + [try CLI.binary()] + arguments,
            in: try TestOrigin.repoRoot())
    }

    @Test func trustFailsOpenMissingStoreIsAnError() async throws {
        let origin = try await TestOrigin.start("openssl-modern")
        defer { origin.stop() }
        let result = try await run(
            ["scan", "127.0.0.1:\(origin.port)", "--sni", "localhost", "--no-http-check"], certFile: "/nonexistent/ca.pem")
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("tlsmatrix: error: no system trust store found (looked for SSL_CERT_FILE=/nonexistent/ca.pem)"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func trustFailsOpenEmptyStoreIsAnError() async throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-empty-\(UUID().uuidString).pem")
        try Data().write(to: empty)
        defer { try? FileManager.default.removeItem(at: empty) }
        let result = try await run(["scan", "127.0.0.1:1", "--no-http-check"], certFile: empty.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("the system trust store \(empty.path) is unusable"))
        // `report` re-judges a saved scan: the same rule.
        let saved = try await run(["report", "/nonexistent.json"], certFile: empty.path)
        #expect(saved.status == 2)
    }

    @Test func trustFailsOpenCAFileAloneIsUsedAndNamed() async throws {
        let origin = try await TestOrigin.start("openssl-modern")
        defer { origin.stop() }
        let caFile = origin.dir + "/root.crt"
        let json = try await run(
            [
                "scan", "127.0.0.1:\(origin.port)", "--sni", "localhost", "--no-http-check", "--format", "json",
                "--ca-file", caFile,
            ], certFile: "/nonexistent/ca.pem")
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let store = try #require(object["trustStore"] as? [String: Any])
        #expect(store["roots"] as? Int == 1)
        let sources = try #require(store["sources"] as? [[String: Any]])
        #expect(sources.count == 1)
        #expect(sources.first?["path"] as? String == caFile)
        #expect(sources.first?["kind"] as? String == "ca-file")
        let chains = try #require(object["certificates"] as? [[String: Any]])
        #expect(chains.allSatisfy { $0["trusted"] as? Bool == true })
    }

    @Test func trustFailsOpenEveryReportNamesTheStore() async throws {
        let origin = try await TestOrigin.start("openssl-modern")
        defer { origin.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await run(
            [
                "scan", "127.0.0.1:\(origin.port)", "--sni", "localhost", "--no-http-check",
                "--format", "text,json,html,markdown,junit", "--output", folder.path,
            ], certFile: nil)
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(files.count == 5)
        // The system bundle (Debian's ca-certificates, installed by scripts/bootstrap) with its real count.
        let bundle = "/etc/ssl/certs/ca-certificates.crt"
        let count = try String(contentsOfFile: bundle, encoding: .utf8).components(separatedBy: "-----BEGIN CERTIFICATE-----").count - 1
        #expect(count > 50)
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            if file.hasSuffix(".json") {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
                let store = try #require(object["trustStore"] as? [String: Any])
                let sources = try #require(store["sources"] as? [[String: Any]])
                #expect(sources.first?["path"] as? String == bundle)
                // Roots swift-certificates cannot use are skipped; all of Mozilla's current roots are usable.
                #expect((sources.first?["roots"] as? Int).map { $0 > count - 5 && $0 <= count } == true, "\(sources)")
            } else {
                #expect(text.contains(bundle) && text.contains("system, "), "\(file) does not name the trust store")
            }
        }
    }
}
