import Foundation
import TLSAudit
import TLSCatalog
import TLSEngines
@testable import TLSScan
import TestSupport
import Testing

/// Names: resolved concurrently with a deadline each; a name that does not resolve is that target's
/// report (`origin-dns-failure`, exit 3), never a stop of the run; `--all-ips` scans at most
/// `--max-addresses` addresses per name.
///
/// Failing names are `*.invalid` (RFC 6761: never exists). Succeeding names are `localhost`, or names
/// from a hosts file bind-mounted over /etc/hosts inside a private user+mount namespace of the one
/// binary run (`unshare -rm`): /etc/hosts itself is never changed, and nothing is looked up over the
/// network. The deadline is tested on the resolver with an injected slow lookup, since the only
/// network path there is getaddrinfo itself.
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
    func validate(_ reports: [[String: Any]]) throws {
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
        let run = try TestOrigin.run(root.appendingPathComponent(".venv/bin/python"),
                                     [root.appendingPathComponent("scripts/testsupport/validate_report.py").path] + files, in: root)
        #expect(run.status == 0 && run.stdout.contains("\(files.count) valid, 0 invalid"), "\(run.stdout)\(run.stderr)")
    }

    // MARK: an unresolvable name is that target's result

    /// [good origin, nonexistent.invalid, another good origin (by the name localhost)]: both good ones
    /// are scanned, the bad one is reported with origin-dns-failure, the summary lists it, exit 3.
    @Test func testDNSUnresolvableNameInAFleetIsItsOwnReport() throws {
        let modern = try TestOrigin.start("openssl-modern")
        defer { modern.stop() }
        let legacy = try TestOrigin.start("gnutls-legacy")
        defer { legacy.stop() }
        let list = temp("fleet.txt")
        defer { try? FileManager.default.removeItem(at: list) }
        try """
            127.0.0.1:\(modern.port) sni=localhost
            \(Self.missing):443
            localhost:\(legacy.port)
            """.write(to: list, atomically: true, encoding: .utf8)
        let run = try CLI.run(["scan", "--targets-file", list.path, "--format", "jsonl", "--no-http-check", "--no-cross-check", "--attempts", "1"])
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
        try validate(reports)

        let table = try CLI.run(["scan", "--targets-file", list.path, "--no-http-check", "--no-cross-check", "--attempts", "1", "--no-groups"])
        #expect(table.status == 3)
        #expect(table.stdout.contains("[origin-dns-failure]") && table.stdout.contains("did not resolve: \(Self.missing):443"), "\(table.stdout)")
    }

    /// One target on the command line that does not resolve: a report with the cause and exit 3 (even
    /// with --client), not a usage error. A name that is not a valid host name is still exit 2.
    @Test func testDNSUnresolvableSingleTargetIsAReportNotAUsageError() throws {
        let run = try CLI.run(["scan", Self.missing, "--client", "cloudfront-origin", "--no-http-check"])
        #expect(run.status == 3, "exit \(run.status): \(run.stdout) \(run.stderr)")
        #expect(run.stderr.isEmpty, "\(run.stderr)")
        #expect(run.stdout.contains("tlsmatrix scan of \(Self.missing):443 — address unresolved"), "\(run.stdout)")
        #expect(run.stdout.contains("UNDECIDED") && run.stdout.contains("[origin-dns-failure]"), "\(run.stdout)")
        #expect(!run.stdout.contains("not responding"))

        let json = try CLI.run(["scan", "\(Self.missing):8443", "--format", "json"])
        #expect(json.status == 3)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json.stdout)")
        #expect((report["reachability"] as? [String: Any])?["status"] as? String == "unresolved")
        #expect((cloudfront(report)["causes"] as? [[String: Any]])?.first?["id"] as? String == "origin-dns-failure")
        #expect(report["complete"] as? Bool == false)
        try validate([report])

        for invalid in ["bad_host!.com", "dash-.example", "a..b"] {
            let usage = try CLI.run(["scan", invalid])
            #expect(usage.status == 2, "\(invalid): exit \(usage.status)")
            #expect(usage.stderr.hasPrefix("tlsmatrix: error: ") && usage.stdout.isEmpty, "\(invalid): \(usage.stderr)")
        }
    }

    // MARK: deadline and concurrency (the resolver, with an injected blocking lookup)

    @Test func testDNSDeadlineStopsWaitingForASlowLookup() async throws {
        let slow: Resolver.Lookup = { _ in
            Thread.sleep(forTimeInterval: 60)  // a resolver that does not answer in time
            return ["127.0.0.1"]
        }
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try await Resolver.addresses(of: "slow.invalid", timeout: .milliseconds(300), lookup: slow)
            Issue.record("a lookup past its deadline must fail")
        } catch let failure as TLSMatrixError {
            #expect(failure.code == .nameResolutionTimedOut)
            #expect(failure.description == "cannot resolve host 'slow.invalid': no answer within 0.3 s (--dns-timeout)")
        }
        #expect(clock.now - start < .seconds(30), "waited \(clock.now - start) for a lookup that takes 60 s")

        let fast = try await Resolver.addresses(of: "fast.invalid", timeout: .seconds(5), lookup: { _ in ["127.0.0.9", "::1"] })
        #expect(fast == ["127.0.0.9", "::1"])
        do {
            _ = try await Resolver.addresses(of: "nx.invalid", timeout: .seconds(5),
                                             lookup: { host in throw TLSMatrixError(.nameNotResolved, "cannot resolve host '\(host)': NXDOMAIN") })
            Issue.record("a failing lookup must fail")
        } catch let failure as TLSMatrixError {
            #expect(failure.code == .nameNotResolved && failure.description.hasSuffix("NXDOMAIN"))
        }
        // the real getaddrinfo: localhost resolves, an .invalid name does not
        #expect(try await Resolver.addresses(of: "localhost", timeout: .seconds(10)).contains("127.0.0.1"))
        await #expect(throws: TLSMatrixError(.nameNotResolved)) { try await Resolver.addresses(of: Self.missing, timeout: .seconds(10)) }
    }

    /// 20 names looked up by a fleet: each lookup waits (at most 10 s) until 16 lookups are running at
    /// once, so one-at-a-time resolution could never get there; a name whose lookup hangs gets its own
    /// deadline failure and the others resolve.
    @Test func testDNSLookupsRunConcurrentlyEachWithItsDeadline() async throws {
        let barrier = Barrier(count: FleetScanner.lookupsInFlight)
        var options = ScanOptions()
        options.limits = ScanLimits(globalConcurrency: 4, perHostConcurrency: 4, delay: .zero)
        let fleet = FleetScanner(options: options, environment: SystemEnvironment(), targetsInFlight: 1, resolve: { host in
            try await Resolver.addresses(of: host, timeout: host.hasPrefix("hang") ? .milliseconds(300) : .seconds(30), lookup: { name in
                if name.hasPrefix("hang") {
                    Thread.sleep(forTimeInterval: 60)
                    return ["127.0.0.1"]
                }
                return barrier.arriveAndWait(upTo: 10) ? ["127.0.0.1"] : []
            })
        })
        let specs = (0..<20).map { TargetSpec(target: Target(host: "n\($0).invalid", port: 443)) }
            + [TargetSpec(target: Target(host: "hang.invalid", port: 443))]
        let resolved = await fleet.resolveAll(specs, allAddresses: false)
        #expect(resolved.count == 21)
        #expect(barrier.wasReached, "16 lookups never ran at the same time")
        for item in resolved.dropLast() {
            #expect(item.addresses == ["127.0.0.1"] && item.failure == nil, "\(item.spec.target): \(item.failure ?? "")")
        }
        #expect(resolved.last?.addresses.isEmpty == true)
        #expect(resolved.last?.failure == "cannot resolve host 'hang.invalid': no answer within 0.3 s (--dns-timeout)")
    }

    // MARK: the address cap

    @Test func testDNSAllIPsAddressCap() async throws {
        let forty = (1...40).map { "127.0.0.\($0)" }
        var options = ScanOptions()
        options.limits = ScanLimits(globalConcurrency: 8, perHostConcurrency: 4, delay: .zero)
        options.httpPort = nil
        let fleet = FleetScanner(options: options, environment: SystemEnvironment(), targetsInFlight: 1, resolve: { _ in forty })
        let spec = TargetSpec(target: Target(host: "many.invalid", port: 443))
        let capped = await fleet.resolveAll([spec], allAddresses: true)
        #expect(capped[0].addresses == Array(forty.prefix(16)), "the default cap is 16")
        #expect(capped[0].skipped == Array(forty.dropFirst(16)))
        let one = await fleet.resolveAll([spec], allAddresses: false)
        #expect(one[0].addresses == ["127.0.0.1"] && one[0].skipped.isEmpty, "without --all-ips only the first is used, nothing is skipped")

        // the finding, on real (refused) connections to loopback
        let listener = try SilentListener()
        let port = listener.port
        listener.stop()
        let three = FleetScanner(options: options, environment: SystemEnvironment(), targetsInFlight: 1, resolve: { _ in ["127.0.0.1", "127.0.0.2", "127.0.0.3"] })
        let target = TargetSpec(target: Target(host: "three.invalid", port: port))
        let resolved = await three.resolveAll([target], allAddresses: true, maxAddresses: 2)
        #expect(resolved[0].addresses == ["127.0.0.1", "127.0.0.2"] && resolved[0].skipped == ["127.0.0.3"])
        let entry = await three.scanEntry(resolved[0], position: 0)
        #expect(entry.scans.map(\.address) == ["127.0.0.1", "127.0.0.2"])
        for scan in entry.scans {
            let finding = try #require(scan.findings.first { $0.id == "addresses-skipped" })
            #expect(finding.message == "three.invalid has 3 addresses; --max-addresses 2 scanned the first 2 and skipped 1: 127.0.0.3.")
        }
    }

    /// A real run: a name with three loopback addresses (a hosts file seen only by this run's private
    /// mount namespace) and `--all-ips --max-addresses 2` scans two and names the third.
    @Test(.enabled(if: LocalErrorsTests.namespacesWork(), "needs unprivileged user namespaces (unshare -rm)"))
    func testDNSMaxAddressesOnARealName() throws {
        let origin = try TestOrigin.start("openssl-modern")
        defer { origin.stop() }
        let hosts = temp("hosts")
        defer { try? FileManager.default.removeItem(at: hosts) }
        try "127.0.0.1 localhost\n127.0.0.1 multi.tlsmatrix.test\n127.0.0.2 multi.tlsmatrix.test\n127.0.0.3 multi.tlsmatrix.test\n"
            .write(to: hosts, atomically: true, encoding: .utf8)
        let command = "mount --bind \"$1\" /etc/hosts && shift && exec \"$@\""
        let run = try TestOrigin.run(URL(fileURLWithPath: "/usr/bin/unshare"),
                                     ["-rm", "/bin/sh", "-c", command, "sh", hosts.path, try CLI.binary(),
                                      "scan", "multi.tlsmatrix.test:\(origin.port)", "--all-ips", "--max-addresses", "2",
                                      "--format", "jsonl", "--no-http-check", "--no-cross-check", "--no-groups", "--attempts", "1"],
                                     in: try TestOrigin.repoRoot())
        let objects = try lines(run.stdout)
        #expect(objects.count == 3, "two reports and the summary: \(run.stdout) \(run.stderr)")
        let reports = objects.dropLast()
        #expect(reports.compactMap { ($0["target"] as? [String: Any])?["address"] as? String } == ["127.0.0.1", "127.0.0.2"])
        #expect((reports.first?["reachability"] as? [String: Any])?["status"] as? String == "reachable")
        for report in reports {
            let findings = report["findings"] as? [[String: Any]] ?? []
            let skipped = try #require(findings.first { $0["id"] as? String == "addresses-skipped" }, "\(findings)")
            #expect(skipped["message"] as? String == "multi.tlsmatrix.test has 3 addresses; --max-addresses 2 scanned the first 2 and skipped 1: 127.0.0.3.")
        }
    }
}

/// Lets threads wait until `count` of them have arrived (or a time limit passes).
final class Barrier: @unchecked Sendable {
    private let condition = NSCondition()
    private let count: Int
    private var arrived = 0
    private(set) var wasReached = false

    init(count: Int) {
        self.count = count
    }

    /// True when `count` threads were waiting here together within `seconds`.
    func arriveAndWait(upTo seconds: Double) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        arrived += 1
        if arrived >= count {
            wasReached = true
            condition.broadcast()
        }
        let deadline = Date().addingTimeInterval(seconds)
        while !wasReached, condition.wait(until: deadline) {}
        return wasReached
    }
}
