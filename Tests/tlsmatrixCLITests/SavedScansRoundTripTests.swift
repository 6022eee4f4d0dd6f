import Foundation
import TestSupport
import Testing

/// Issue 14, item 2, "Saved scans do not round-trip": `tlsmatrix scan … --format json --output a.json`
/// then `tlsmatrix report a.json --format json --output b.json` gives the same bytes and the same exit
/// status — for every test origin, a dead local route (local-error), a name that does not resolve, a
/// refused port, a port that never answers TLS, and a scan judged with a policy, a client, a Host header,
/// origin protocols and a warning window (all remembered in the report's `options`).
@Suite(.serialized) struct SavedScansRoundTripTests {
    func temp(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-\(UUID().uuidString)-\(name)")
    }

    /// Scans with `arguments`, reports on the saved file without any option, and compares.
    func roundTrip(_ label: String, _ arguments: [String], expectStatus: Int32? = nil) async throws {
        let first = temp("a.json")
        let second = temp("b.json")
        defer {
            try? FileManager.default.removeItem(at: first)
            try? FileManager.default.removeItem(at: second)
        }
        let scan = try await CLI.run(["scan"] + arguments + ["--format", "json", "--output", first.path])
        let saved = try Data(contentsOf: first)
        #expect(!saved.isEmpty, "\(label): \(scan.stderr)")
        if let expectStatus { #expect(scan.status == expectStatus, "\(label): \(scan.stderr)") }
        let report = try await CLI.run(["report", first.path, "--format", "json", "--output", second.path])
        #expect(report.status == scan.status, "\(label): scan exited \(scan.status), report \(report.status): \(report.stderr)")
        let again = try Data(contentsOf: second)
        if again != saved {
            let a = String(decoding: saved, as: UTF8.self).split(separator: "\n")
            let b = String(decoding: again, as: UTF8.self).split(separator: "\n")
            let firstDifference = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }
            Issue.record(
                "\(label): the report differs from the scan's JSON at line \((firstDifference?.offset ?? min(a.count, b.count)) + 1): \(firstDifference.map { "\($0.element.0) ≠ \($0.element.1)" } ?? "lengths \(a.count) ≠ \(b.count)")"
            )
        }
    }

    @Test(arguments: TestOrigin.kinds)
    func testSavedScanRoundTripsForEveryTestOrigin(_ kind: String) async throws {
        let origin = try await TestOrigin.start(kind)
        defer { origin.stop() }
        try await roundTrip(kind, ["127.0.0.1:\(origin.port)", "--sni", "localhost", "--ca-file", origin.dir + "/root.crt"])
    }

    @Test func testSavedScanRoundTripsWithAPolicyAndJudgingOptions() async throws {
        let origin = try await TestOrigin.start("openssl-modern")
        defer { origin.stop() }
        try await roundTrip(
            "policy",
            [
                "127.0.0.1:\(origin.port)", "--sni", "localhost", "--ca-file", origin.dir + "/root.crt",
                "--policy", "ELBSecurityPolicy-TLS13-1-3-2021-06", "--client", "cloudfront-origin",
                "--origin-protocols", "TLSv1.1,TLSv1.2", "--host-header", "www.example.com", "--warn-days", "400",
                "--no-http-check",
            ],
            expectStatus: 1)
    }

    @Test func testSavedScanRoundTripsForAnUnresolvableName() async throws {
        try await roundTrip("unresolved", ["nonexistent.invalid", "--dns-timeout", "5"], expectStatus: 3)
    }

    @Test func testSavedScanRoundTripsForARefusedPort() async throws {
        let refused = try BoundPort()  // bound, never listening: refused while the test runs
        defer { refused.close() }
        let port = refused.port
        try await roundTrip("refused", ["127.0.0.1:\(port)", "--attempts", "2"], expectStatus: 3)
    }

    /// 127.255.255.255 is loopback's broadcast address: connect() fails locally (ENETUNREACH).
    @Test func testSavedScanRoundTripsForAnUnreachableTarget() async throws {
        try await roundTrip("local-error", ["127.255.255.255:443", "--attempts", "1"], expectStatus: 3)
    }

    @Test func testSavedScanRoundTripsForAPortThatNeverAnswersTLS() async throws {
        let listener = try SilentListener()
        defer { listener.stop() }
        try await roundTrip("no TLS answer", ["127.0.0.1:\(listener.port)", "--timeout", "1", "--no-http-check"], expectStatus: 3)
    }
}
