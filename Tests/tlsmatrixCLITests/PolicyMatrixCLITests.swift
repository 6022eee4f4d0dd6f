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
        for (arguments, message) in [(["policies", "matrix"], "give --family"),
                                     (["policies", "matrix", "--family", "nope"], "unknown family"),
                                     (["policies", "matrix", "--family", "elb", "--client", "nope"], "unknown client"),
                                     (["policies", "matrix", "--family", "elb", "--format", "pdf"], "unknown format")] {
            let run = try await CLI.run(arguments)
            #expect(run.status == 2 && run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
    }
}
