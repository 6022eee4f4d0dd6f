import Foundation
import TestSupport
import Testing

/// Issue 12: `clients list` shows the four generations of CloudFront's origin client; `clients show` gives one in
/// full with its sources. Expectations come from the s2n policy names and groups the issue quotes from
/// aws/s2n-tls, not from tlsmatrix's output.
struct ClientsCLITests {
    static let generations = ["cloudfront-origin", "cloudfront-upstream", "cloudfront-upstream-2025", "cloudfront-upstream-2025-pq"]

    @Test func listShowsEveryGeneration() async throws {
        let run = try await CLI.run(["clients", "list"])
        #expect(run.status == 0)
        let ids = run.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        for id in Self.generations { #expect(ids.contains(id), "\(id) missing from clients list") }
    }

    @Test func showNamesPoliciesHybridsAndSources() async throws {
        let run = try await CLI.run(["clients", "show", "cloudfront-upstream-2025-pq"])
        #expect(run.status == 0)
        for policy in ["CloudFront-Upstream-2025-PQ", "CloudFront-Upstream-TLS-1-0-2025-PQ", "CloudFront-Upstream-TLS-1-2-2025-PQ"] {
            #expect(run.stdout.contains(policy), "\(policy)")
        }
        for group in ["X25519MLKEM768", "SecP256r1MLKEM768", "SecP384r1MLKEM1024"] { #expect(run.stdout.contains(group)) }
        #expect(run.stdout.contains("Sources:") && run.stdout.contains("aws/s2n-tls"))
        let documented = try await CLI.run(["clients", "show", "cloudfront-origin", "--format", "json"])
        #expect(documented.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(documented.stdout.utf8)) as? [String: Any])
        #expect(object["generation"] as? String == "documented")
        #expect(object["documented"] as? Bool == true)
        #expect((object["suites"] as? [String])?.count == 16)
    }

    @Test func unknownClientIsAUsageError() async throws {
        let run = try await CLI.run(["clients", "show", "no-such-client"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("unknown client 'no-such-client'"))
        #expect(run.stdout.isEmpty)
    }
}
