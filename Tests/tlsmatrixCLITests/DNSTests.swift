import Foundation
import TestSupport
import Testing

/// Names: resolved concurrently with a deadline each; a name that does not resolve is that target's
/// report (`origin-dns-failure`, exit 3), never a stop of the run; `--all-ips` scans at most
/// `--max-addresses` addresses per name.
///
/// Failing names are `*.invalid` (RFC 6761: never exists). Succeeding names are `localhost`, or names
/// from a hosts file bind-mounted over /etc/hosts inside a private user+mount namespace of the one
/// binary run (`unshare -rm`): /etc/hosts itself is never changed, and nothing is looked up over the
/// network. The resolver's deadline and concurrency: TLSScanTests/ResolverTests.
@Suite(.serialized) struct DNSTests {
    static let missing = "nonexistent.invalid"

    func temp(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-\(UUID().uuidString)-\(name)")
    }

    func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        }
    }

    func cloudfront(_ report: [String: Any]) -> [String: Any] {
        ((report["verdicts"] as? [String: Any])?["cloudfront"] as? [String: Any]) ?? [:]
    }

    func port(_ report: [String: Any]) -> Int? { (report["target"] as? [String: Any])?["port"] as? Int }
    func host(_ report: [String: Any]) -> String? { (report["target"] as? [String: Any])?["host"] as? String }

    /// Validates JSON reports against docs/report.schema.json.
    func validate(_ reports: [[String: Any]]) async throws {
        let folder = temp("schema")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var files: [String] = []
        for (index, report) in reports.enumerated() {
            let file = folder.appendingPathComponent("\(index).json")
            try JSONSerialization.data(withJSONObject: report).write(to: file)
            files.append(file.path)
        }
        let root = try TestOrigin.repoRoot()
        let run = try await TestOrigin.run(
            root.appendingPathComponent(".venv/bin/python"),
            [root.appendingPathComponent("scripts/testsupport/validate_report.py").path] + files, in: root)
        #expect(run.status == 0 && run.stdout.contains("\(files.count) valid, 0 invalid"), "\(run.stdout)\(run.stderr)")
    }

    // MARK: an unresolvable name is that target's result

    /// [good origin, nonexistent.invalid, another good origin (by the name localhost)]: both good ones
    /// are scanned, the bad one is reported with origin-dns-failure, the summary lists it, exit 3.
    @Test func testDNSUnresolvableNameInAFleetIsItsOwnReport() async throws {
        let modern = try await TestOrigin.start("openssl-modern")
        defer { modern.stop() }
        let legacy = try await TestOrigin.start("gnutls-legacy")
        defer { legacy.stop() }
        let list = temp("fleet.txt")
        defer { try? FileManager.default.removeItem(at: list) }
        try """
        127.0.0.1:\(modern.port) sni=localhost
        \(Self.missing):443
        localhost:\(legacy.port)
        """.write(to: list, atomically: true, encoding: .utf8)
        let run = try await CLI.run([
            "scan", "--targets-file", list.path, "--format", "jsonl", "--no-http-check", "--no-cross-check", "--attempts", "1",
        ])
        #expect(run.status == 3, "exit \(run.status): \(run.stderr)")
        #expect(run.stderr.isEmpty, "\(run.stderr)")
        let objects = try lines(run.stdout)
        #expect(objects.count == 4)
        let reports = Array(objects.dropLast())
        for good in reports where host(good) != Self.missing {
            #expect((good["reachability"] as? [String: Any])?["status"] as? String == "reachable", "\(good["target"] ?? "")")
            #expect((good["protocols"] as? [[String: Any]])?.contains { $0["supported"] as? Bool == true } == true)
        }
        #expect(Set(reports.compactMap(port)) == [modern.port, 443, legacy.port])
        let bad = try #require(reports.first { host($0) == Self.missing })
        let reachability = try #require(bad["reachability"] as? [String: Any])
        #expect(reachability["status"] as? String == "unresolved")
        #expect((reachability["message"] as? String ?? "").contains("cannot resolve host '\(Self.missing)'"), "\(reachability)")
        #expect((bad["target"] as? [String: Any])?["address"] is NSNull)
        #expect(bad["connections"] as? Int == 0)
        let verdict = cloudfront(bad)
        #expect(verdict["compatible"] is NSNull, "a name that does not resolve here may resolve for CloudFront")
        let causes = verdict["causes"] as? [[String: Any]] ?? []
        let cause = try #require(causes.first { $0["id"] as? String == "origin-dns-failure" }, "\(causes)")
        #expect((cause["message"] as? String ?? "").contains("NonS3OriginDnsError"))
        #expect((cause["fix"] as? String ?? "").contains("DNS record"))
        #expect(!causes.contains { $0["id"] as? String == "origin-not-responding" })

        let summary = try #require(objects.last?["summary"] as? [String: Any])
        #expect(summary["targets"] as? Int == 3)
        #expect(summary["scanned"] as? Int == 3)
        #expect(summary["complete"] as? Bool == false)
        #expect(summary["exitStatus"] as? Int == 3)
        #expect(summary["unresolved"] as? [String] == ["\(Self.missing):443"])
        let rows = try #require(summary["results"] as? [[String: Any]])
        #expect(rows.map { $0["target"] as? String } == ["127.0.0.1:\(modern.port)", "\(Self.missing):443", "localhost:\(legacy.port)"])
        #expect(rows.map { $0["status"] as? String } == ["passed", "incomplete", "passed"])
        #expect(rows.map { $0["reachability"] as? String } == ["reachable", "unresolved", "reachable"])
        #expect((rows[1]["reason"] as? String ?? "").contains(Self.missing))
        try await validate(reports)

        let table = try await CLI.run([
            "scan", "--targets-file", list.path, "--no-http-check", "--no-cross-check", "--attempts", "1", "--no-groups",
        ])
        #expect(table.status == 3)
        #expect(
            table.stdout.contains("[origin-dns-failure]") && table.stdout.contains("did not resolve: \(Self.missing):443"),
            "\(table.stdout)")
    }

    /// One target on the command line that does not resolve: a report with the cause and exit 3 (even
    /// with --client), not a usage error. A name that is not a valid host name is still exit 2.
    @Test func testDNSUnresolvableSingleTargetIsAReportNotAUsageError() async throws {
        let run = try await CLI.run(["scan", Self.missing, "--client", "cloudfront-origin", "--no-http-check"])
        #expect(run.status == 3, "exit \(run.status): \(run.stdout) \(run.stderr)")
        #expect(run.stderr.isEmpty, "\(run.stderr)")
        #expect(run.stdout.contains("tlsmatrix scan of \(Self.missing):443 — address unresolved"), "\(run.stdout)")
        #expect(run.stdout.contains("UNDECIDED") && run.stdout.contains("[origin-dns-failure]"), "\(run.stdout)")
        #expect(!run.stdout.contains("not responding"))

        let json = try await CLI.run(["scan", "\(Self.missing):8443", "--format", "json"])
        #expect(json.status == 3)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json.stdout)")
        #expect((report["reachability"] as? [String: Any])?["status"] as? String == "unresolved")
        #expect((cloudfront(report)["causes"] as? [[String: Any]])?.first?["id"] as? String == "origin-dns-failure")
        #expect(report["complete"] as? Bool == false)
        try await validate([report])

        for invalid in ["bad_host!.com", "dash-.example", "a..b"] {
            let usage = try await CLI.run(["scan", invalid])
            #expect(usage.status == 2, "\(invalid): exit \(usage.status)")
            #expect(usage.stderr.hasPrefix("tlsmatrix: error: ") && usage.stdout.isEmpty, "\(invalid): \(usage.stderr)")
        }
    }

    /// A real run: a name with three loopback addresses (a hosts file seen only by this run's private
    /// mount namespace) and `--all-ips --max-addresses 2` scans two and names the third.
    @Test(.enabled(if: LocalErrorsTests.namespacesWork(), "needs unprivileged user namespaces (unshare -rm)"))
    func testDNSMaxAddressesOnARealName() async throws {
        try LocalErrorsTests.requireUnshare()
        let origin = try await TestOrigin.start("openssl-modern")
        defer { origin.stop() }
        let hosts = temp("hosts")
        defer { try? FileManager.default.removeItem(at: hosts) }
        try "127.0.0.1 localhost\n127.0.0.1 multi.tlsmatrix.test\n127.0.0.2 multi.tlsmatrix.test\n127.0.0.3 multi.tlsmatrix.test\n"
            .write(to: hosts, atomically: true, encoding: .utf8)
        let command = "mount --bind \"$1\" /etc/hosts && shift && exec \"$@\""
        let run = try await TestOrigin.run(
            URL(fileURLWithPath: "/usr/bin/unshare"),
            [
                "-rm", "/bin/sh", "-c", command, "sh", hosts.path, try CLI.binary(),
                "scan", "multi.tlsmatrix.test:\(origin.port)", "--all-ips", "--max-addresses", "2",
                "--format", "jsonl", "--no-http-check", "--no-cross-check", "--no-groups", "--attempts", "1",
            ],
            in: try TestOrigin.repoRoot())
        let objects = try lines(run.stdout)
        #expect(objects.count == 3, "two reports and the summary: \(run.stdout) \(run.stderr)")
        let reports = objects.dropLast()
        #expect(reports.compactMap { ($0["target"] as? [String: Any])?["address"] as? String } == ["127.0.0.1", "127.0.0.2"])
        #expect((reports.first?["reachability"] as? [String: Any])?["status"] as? String == "reachable")
        for report in reports {
            let findings = report["findings"] as? [[String: Any]] ?? []
            let skipped = try #require(findings.first { $0["id"] as? String == "addresses-skipped" }, "\(findings)")
            #expect(
                skipped["message"] as? String
                    == "multi.tlsmatrix.test has 3 addresses; --max-addresses 2 scanned the first 2 and skipped 1: 127.0.0.3.")
        }
    }
}
