import Foundation
import TestSupport
import Testing

/// Issue 15: `--policies-file` reads what AWS reports (`aws elbv2 describe-ssl-policies`, `aws elb
/// describe-load-balancer-policies`; fixtures written here in the documented output shape), maps cipher names to
/// code points through the catalog, refuses unknown names, and overrides the built-in policy of the same name.
struct PolicyImportCLITests {
    static let elbv2 = """
        {"SslPolicies": [
          {"Name": "ELBSecurityPolicy-2016-08", "SslProtocols": ["TLSv1.2"],
           "Ciphers": [{"Name": "ECDHE-RSA-AES256-GCM-SHA384", "Priority": 2}, {"Name": "ECDHE-RSA-AES128-GCM-SHA256", "Priority": 1}],
           "SupportedLoadBalancerTypes": ["application", "network"]},
          {"Name": "Custom-TLS13", "SslProtocols": ["TLSv1.3"],
           "Ciphers": [{"Name": "TLS_AES_128_GCM_SHA256", "Priority": 1}], "SupportedLoadBalancerTypes": ["application"]}
        ]}
        """
    static let classic = """
        {"PolicyDescriptions": [{"PolicyName": "my-classic", "PolicyTypeName": "SSLNegotiationPolicyType",
          "PolicyAttributeDescriptions": [
            {"AttributeName": "Protocol-TLSv1", "AttributeValue": "false"},
            {"AttributeName": "Protocol-TLSv1.2", "AttributeValue": "true"},
            {"AttributeName": "Server-Defined-Cipher-Order", "AttributeValue": "true"},
            {"AttributeName": "ECDHE-RSA-AES128-GCM-SHA256", "AttributeValue": "true"},
            {"AttributeName": "AES128-SHA", "AttributeValue": "false"}]}]}
        """

    static func file(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-policies-\(UUID().uuidString).json")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func json(_ run: CLI.Run) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }

    /// `policies show --format json` lists suites as objects; their codes, in order.
    static func codes(_ policy: [String: Any]) -> [String]? {
        (policy["suites"] as? [[String: Any]])?.compactMap { $0["code"] as? String }
    }

    @Test func elbv2PoliciesOverrideTheCatalogInPriorityOrder() async throws {
        let path = try Self.file(Self.elbv2)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let shown = try await CLI.run(["policies", "show", "ELBSecurityPolicy-2016-08", "--policies-file", path, "--format", "json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let policy = try Self.json(shown)
        #expect(Self.codes(policy) == ["0xC02F", "0xC030"])  // Priority 1 first
        #expect(policy["versions"] as? [String] == ["TLSv1.2"])
        #expect((policy["sources"] as? [String])?.first?.contains("imported from \(path)") == true)
        let builtIn = try await CLI.run(["policies", "show", "ELBSecurityPolicy-2016-08", "--format", "json"])
        #expect(Self.codes(try Self.json(builtIn))?.count ?? 0 > 2)  // without the file: the catalog's
        let listed = try await CLI.run(["policies", "list", "--family", "elb", "--policies-file", path])
        #expect(listed.status == 0 && listed.stdout.contains("Custom-TLS13"))
        let compared = try await CLI.run(["compare", "ELBSecurityPolicy-2016-08", "Custom-TLS13", "--policies-file", path])
        #expect(compared.status == 1)  // clients without TLS 1.3 break
        #expect(compared.stdout.contains("BREAKS Amazon CloudFront → custom origin"))
    }

    @Test func classicPolicyAttributes() async throws {
        let path = try Self.file(Self.classic)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try await CLI.run(["policies", "show", "my-classic", "--policies-file", path, "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let policy = try Self.json(run)
        #expect(policy["family"] as? String == "elb-classic")
        #expect(policy["versions"] as? [String] == ["TLSv1.2"])
        #expect(Self.codes(policy) == ["0xC02F"])
    }

    @Test func unknownCipherOrShapeIsAnInputError() async throws {
        let bad = try Self.file(Self.elbv2.replacingOccurrences(of: "ECDHE-RSA-AES256-GCM-SHA384", with: "FOO-BAR-SHA999"))
        let shapeless = try Self.file("{\"Policies\": []}")
        defer { [bad, shapeless].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let run = try await CLI.run(["policies", "list", "--policies-file", bad])
        #expect(run.status == 2 && run.stderr.contains("unknown cipher 'FOO-BAR-SHA999'") && run.stdout.isEmpty)
        let other = try await CLI.run(["policies", "list", "--policies-file", shapeless])
        #expect(other.status == 2 && other.stderr.contains("describe-ssl-policies"))
        let missing = try await CLI.run(["policies", "list", "--policies-file", "/nonexistent/policies.json"])
        #expect(missing.status == 2 && missing.stderr.contains("no such file"))
    }

    /// `report --policy` with an imported policy judges a saved scan against it.
    @Test func reportJudgesAgainstAnImportedPolicy() async throws {
        let path = try Self.file(Self.elbv2)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let golden = try TestOrigin.repoRoot().appendingPathComponent("Tests/TLSReportTests/Fixtures/golden")
        let run = try await CLI.run([
            "report", golden.appendingPathComponent("rsa-origin.json").path, "--format", "json",
            "--ca-file", golden.appendingPathComponent("ca.pem").path,
            "--policy", "Custom-TLS13", "--policies-file", path,
        ])
        let report = try Self.json(run)
        let verdict = try #require((report["verdicts"] as? [String: Any])?["policy"] as? [String: Any])
        #expect(verdict["id"] as? String == "Custom-TLS13")
        #expect(verdict["conforms"] as? Bool == false)  // the origin also speaks TLS 1.2, which the policy does not allow
        #expect(run.status == 1)
    }

    /// `scan --policy` against a live origin: the imported policy of the same name replaces the built-in one for the
    /// run, and the report says where it came from. The origin (s_server) accepts only ECDHE-RSA-AES128-GCM-SHA256
    /// with TLS 1.2; the imported ELBSecurityPolicy-2016-08 allows only ECDHE-RSA-AES256-GCM-SHA384, the built-in
    /// one (Data/policies/elb.json) includes the origin's suite.
    @Test func scanJudgesALiveOriginAgainstAnImportedPolicy() async throws {
        let pki = try TestPKI.audit("policy-import")
        let file = { (name: String) in pki.appendingPathComponent(name).path }
        let server = try await OpenSSLServer.start(
            certificate: file("good.crt"), key: file("leaf.key"), chain: file("int.crt"),
            extra: ["-no_tls1_3", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"])
        defer { server.stop() }
        let path = try Self.file(
            """
            {"SslPolicies": [{"Name": "ELBSecurityPolicy-2016-08", "SslProtocols": ["TLSv1.2"],
              "Ciphers": [{"Name": "ECDHE-RSA-AES256-GCM-SHA384", "Priority": 1}], "SupportedLoadBalancerTypes": ["application"]}]}
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let scan = [
            "scan", "127.0.0.1:\(server.port)", "--sni", "origin.example.com", "--ca-file", file("root.crt"),
            "--no-http-check", "--no-cross-check", "--policy", "ELBSecurityPolicy-2016-08",
        ]

        let imported = try await CLI.run(scan + ["--policies-file", path, "--format", "json"])
        #expect(imported.status == 1, "\(imported.stderr)")
        let verdict = try #require((try Self.json(imported)["verdicts"] as? [String: Any])?["policy"] as? [String: Any])
        #expect(verdict["conforms"] as? Bool == false)
        #expect((verdict["outside"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["0xC02F"])
        #expect((verdict["missing"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["0xC030"])
        #expect((verdict["source"] as? String)?.hasPrefix("imported from \(path)") == true)
        let text = try await CLI.run(scan + ["--policies-file", path])
        #expect(text.stdout.contains("imported from \(path) (aws elbv2 describe-ssl-policies)"))

        // the built-in policy of that name includes the origin's only suite: it conforms, and says no source
        let data = try Data(contentsOf: try TestOrigin.repoRoot().appendingPathComponent("Data/policies/elb.json"))
        let builtIn = try #require(
            ((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["policies"] as? [[String: Any]])?
                .first { $0["id"] as? String == "ELBSecurityPolicy-2016-08" })
        #expect(
            (builtIn["suites"] as? [String])?.contains("0xC02F") == true && (builtIn["versions"] as? [String])?.contains("TLSv1.2") == true)
        let catalog = try await CLI.run(scan + ["--format", "json"])
        #expect(catalog.status == 0, "\(catalog.stderr)")
        let catalogVerdict = (try Self.json(catalog)["verdicts"] as? [String: Any])?["policy"] as? [String: Any]
        #expect(catalogVerdict?["conforms"] as? Bool == true)
        #expect(catalogVerdict?["source"] == nil)
    }
}
