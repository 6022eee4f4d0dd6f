import Foundation
import TestSupport
import Testing

/// Issue 15 (data): `policies show` of the post-quantum ELB default and of the CloudFront 2025 viewer policies, and the
/// `nist-800-52r2` alias. Expected values come from the cited facts — the ELB pages' three hybrid groups
/// (SecP256r1MLKEM768 0x11EB, SecP384r1MLKEM1024 0x11ED, X25519MLKEM768 0x11EC), aws/s2n-tls's policy snapshots
/// (ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09, CloudFront-TLS-1-2-2025) and the AWS CloudFront cipher table —, not
/// from tlsmatrix's output.
struct PolicyDataCLITests {
    static func json(_ run: CLI.Run) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }

    @Test func pqDefaultListsTheThreeHybridGroupsWithSources() async throws {
        let text = try await CLI.run(["policies", "show", "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"])
        #expect(text.status == 0, "\(text.stderr)")
        let groupsLine = try #require(text.stdout.split(separator: "\n").first { $0.hasPrefix("Groups:") })
        for group in ["SecP256r1MLKEM768", "SecP384r1MLKEM1024", "X25519MLKEM768", "x25519", "secp256r1"] {
            #expect(groupsLine.contains(group), "\(group) missing from \(groupsLine)")
        }
        #expect(
            text.stdout.contains("Sources:") && text.stdout.contains("aws/s2n-tls@")
                && text.stdout.contains("describe-ssl-policies"))
        #expect(text.stdout.contains("Retrieved: "))
        #expect(!text.stdout.contains("copied from"))

        let run = try await CLI.run(["policies", "show", "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", "--format", "json"])
        #expect(run.status == 0)
        let policy = try Self.json(run)
        let codes = (policy["groups"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? Int }
        #expect(Set([0x11EB, 0x11ED, 0x11EC]).isSubset(of: codes))
        #expect(
            (policy["sources"] as? [String] ?? []).contains {
                $0.contains("tests/policy_snapshot/snapshots/ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09")
            })
        #expect((policy["retrieved"] as? String)?.isEmpty == false)
        #expect(policy["unverified"] as? Bool == false)
    }

    @Test func cloudFrontViewerConflictsAreShownInTextAndJSON() async throws {
        let text = try await CLI.run(["policies", "show", "TLSv1.2_2025"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("Conflicts between sources"))
        let lines = text.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let chacha = try #require(lines.firstIndex { $0.contains("suites: TLS_CHACHA20_POLY1305_SHA256") })
        #expect(lines[chacha + 1].contains("LISTED per AWS CloudFront"))
        #expect(lines[chacha + 2].contains("NOT LISTED per aws/s2n-tls CloudFront-TLS-1-2-2025"))
        #expect(text.stdout.contains("groups: X25519MLKEM768"))

        let run = try await CLI.run(["policies", "show", "TLSv1.2_2025", "--format", "json"])
        #expect(run.status == 0)
        let conflicts = try #require(try Self.json(run)["conflicts"] as? [[String: Any]])
        let entry = try #require(conflicts.first { ($0["item"] as? String)?.contains("TLS_CHACHA20_POLY1305_SHA256") == true })
        #expect(entry["field"] as? String == "suites")
        #expect((entry["a"] as? [String: String])?["says"] == "listed")
        #expect((entry["b"] as? [String: String])?["says"] == "not listed")
        #expect((entry["b"] as? [String: String])?["source"]?.contains("CloudFront-TLS-1-2-2025") == true)

        let list = try await CLI.run(["policies", "list", "--family", "cloudfront-viewer"])
        let row = try #require(list.stdout.split(separator: "\n").first { $0.hasPrefix("TLSv1.3_2025 ") })
        #expect(row.contains("sources conflict"))
        let listJSON = try await CLI.run(["policies", "list", "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(listJSON.stdout.utf8)) as? [[String: Any]])
        #expect((rows.first { $0["id"] as? String == "TLSv1.2_2025" }?["conflicts"] as? Int ?? 0) > 0)
    }

    @Test func nist800_52r2AliasWorksAsBaseline() async throws {
        let run = try await CLI.run([
            "policies", "check", "--baseline", "nist-800-52r2", "--policy", "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
        ])
        #expect(run.status != 2, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("Baseline nist-sp800-52r2"))
        let shown = try await CLI.run(["policies", "show", "nist-800-52r2"])
        #expect(shown.status == 0 && shown.stdout.hasPrefix("nist-sp800-52r2 "))
    }
}
