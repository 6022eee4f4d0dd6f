import Foundation
import TestSupport
import Testing

/// Issue 15: `tlsmatrix policies matrix` in every format, and its bad input.
struct PolicyMatrixCLITests {
    static let policies = ["ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-2016-08"]
    static let clients = ["cloudfront-origin", "cloudfront-upstream-2025", "ie11-win7"]

    static func arguments(_ format: String) -> [String] {
        ["policies", "matrix", "--format", format] + policies.flatMap { ["--policy", $0] } + clients.flatMap { ["--client", $0] }
    }

    @Test func csvAndJSONHaveACellPerClientAndPolicy() async throws {
        let csv = try await CLI.run(Self.arguments("csv"))
        #expect(csv.status == 0)
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.count == 1 + Self.policies.count * Self.clients.count)
        #expect(lines.contains { $0.hasPrefix("cloudfront-origin,ELBSecurityPolicy-TLS13-1-3-2021-06,false,") })
        let json = try await CLI.run(Self.arguments("json"))
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let cells = try #require(object["cells"] as? [[String: Any]])
        #expect(cells.count == Self.policies.count * Self.clients.count)
        let policies = try #require(object["policies"] as? [[String: Any]])
        #expect(policies.first?["failingClients"] as? [String] == ["cloudfront-origin", "ie11-win7"])
    }

    @Test func everyFormatRendersAndBadInputIsAUsageError() async throws {
        for format in ["text", "markdown", "html"] {
            let run = try await CLI.run(Self.arguments(format))
            #expect(run.status == 0, "\(format): \(run.stderr)")
            #expect(run.stdout.contains("ELBSecurityPolicy-TLS13-1-3-2021-06"))
        }
        for (arguments, message) in [
            (["policies", "matrix"], "give --family"),
            (["policies", "matrix", "--family", "nope"], "unknown family"),
            (["policies", "matrix", "--family", "elb", "--client", "nope"], "unknown client"),
            (["policies", "matrix", "--family", "elb", "--format", "pdf"], "unknown format"),
        ] {
            let run = try await CLI.run(arguments)
            #expect(run.status == 2 && run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
    }

    /// `policies diff` also lists the clients whose result changes: going to a TLS 1.3-only policy breaks every
    /// client without TLS 1.3 (the documented CloudFront client among them) and none with it.
    @Test func diffListsTheClientsThatBreak() async throws {
        let run = try await CLI.run([
            "policies", "diff", "ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-TLS13-1-3-2021-06", "--format", "json",
        ])
        #expect(run.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let clients = try #require(object["clients"] as? [[String: Any]])
        let breaking = Set(clients.filter { $0["breaks"] as? Bool == true }.compactMap { $0["client"] as? String })
        #expect(breaking.contains("cloudfront-origin") && breaking.contains("cloudfront-upstream"))
        #expect(!breaking.contains("cloudfront-upstream-2025") && !breaking.contains("chrome-current"))
        let text = try await CLI.run(["policies", "diff", "ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-TLS13-1-3-2021-06"])
        #expect(text.stdout.contains("✗ BREAKS Amazon CloudFront → custom origin"))
    }

    /// `policies check --baseline`: ELBSecurityPolicy-2016-08 allows TLS 1.0 (its data: TLSv1.0–1.2), which PCI DSS
    /// forbids; ELBSecurityPolicy-TLS13-1-2-2021-06 allows TLS 1.2 and 1.3 with AEAD suites only, and conforms.
    @Test func baselineNamesTheViolations() async throws {
        let run = try await CLI.run([
            "policies", "check", "--baseline", "pci-dss", "--policy", "ELBSecurityPolicy-2016-08",
            "--policy", "ELBSecurityPolicy-TLS13-1-2-2021-06", "--format", "json",
        ])
        #expect(run.status == 1, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let entries = try #require(object["policies"] as? [[String: Any]])
        let old = try #require(entries.first { $0["policy"] as? String == "ELBSecurityPolicy-2016-08" })
        #expect(old["conforms"] as? Bool == false)
        #expect((old["requirements"] as? [String])?.contains { $0.contains("TLSv1.0") } == true)
        #expect(entries.first { $0["policy"] as? String == "ELBSecurityPolicy-TLS13-1-2-2021-06" }?["conforms"] as? Bool == true)
        let mixed = try await CLI.run(["policies", "check", "--baseline", "pci-dss", "--client", "java-8"])
        #expect(mixed.status == 2)
    }
}
