import Foundation
import TestSupport
import Testing

/// A problem of the scanning machine (out of file descriptors, no route, a local firewall) is not a
/// dead origin: the probe fails with a local reason, the scan is incomplete (exit 3, never 1), and the
/// report says the origin was not at fault. The open-file limit is checked against the concurrency first.
///
/// Real local errors on loopback terms: 127.255.255.255 is the broadcast address of `lo` (127.0.0.0/8),
/// and a TCP connect to a broadcast address fails at once with ENETUNREACH, without a packet sent.
/// EMFILE comes from lowering the running binary's RLIMIT_NOFILE with prlimit(1).
/// (The classifier and the engines' connect paths: TLSScanTests/LocalErrorsEngineTests.)
@Suite(.serialized) struct LocalErrorsTests {
    /// Loopback's broadcast address: connect() gives ENETUNREACH on this machine alone.
    static let unroutable = "127.255.255.255"

    func temp(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-\(UUID().uuidString)-\(name)")
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    func causes(_ report: [String: Any]) -> [[String: Any]] {
        ((report["verdicts"] as? [String: Any])?["cloudfront"] as? [String: Any])?["causes"] as? [[String: Any]] ?? []
    }

    func runUnderLimit(_ limit: String, _ arguments: [String]) async throws -> TestOrigin.RunResult {
        try await TestOrigin.run(
            URL(fileURLWithPath: "/usr/bin/prlimit"), ["--nofile=\(limit)", try CLI.binary()] + arguments,
            in: try TestOrigin.repoRoot())
    }

    /// The real binary: exit 3 (not 1 under --client cloudfront-origin), no "origin not responding",
    /// the report says the problem is local.
    @Test func testLocalErrorsUnroutableAddressIsIncompleteNotADeadOrigin() async throws {
        let run = try await CLI.run([
            "scan", "\(Self.unroutable):443", "--client", "cloudfront-origin", "--format", "json", "--no-http-check",
        ])
        #expect(run.status == 3, "exit \(run.status): \(run.stdout) \(run.stderr)")
        let report = try json(run.stdout)
        let reachability = try #require(report["reachability"] as? [String: Any])
        #expect(reachability["status"] as? String == "local-error")
        let message = reachability["message"] as? String ?? ""
        #expect(message.contains("local problem on the scanning machine, not the origin") && message.contains("ENETUNREACH"), "\(message)")
        #expect(!run.stdout.contains("not responding"), "\(run.stdout)")
        #expect(!causes(report).contains { $0["id"] as? String == "origin-not-responding" })
        #expect(((report["verdicts"] as? [String: Any])?["cloudfront"] as? [String: Any])?["compatible"] is NSNull)
        #expect(report["complete"] as? Bool == false)

        let text = try await CLI.run(["scan", "\(Self.unroutable):443", "--no-http-check"])
        #expect(text.status == 3)
        #expect(text.stdout.contains("UNDECIDED") && text.stdout.contains("not the origin"), "\(text.stdout)")
        #expect(!text.stdout.contains("not responding"), "\(text.stdout)")
    }

    // MARK: EMFILE, for real

    /// The open-file limit under which exactly `free` descriptor numbers are unused, given the open ones.
    static func limit(leavingFree free: Int, open: Set<Int>) -> Int {
        var limit = 0
        var unused = 0
        while unused < free {
            if !open.contains(limit) { unused += 1 }
            limit += 1
        }
        return limit
    }

    /// The open-file limit is lowered while the binary runs, after its start-up check: its first
    /// connection (to a relay in front of a real origin) is held open until the limit leaves only 4
    /// descriptors free, then let through. The first probe completes; every later probe fails with EMFILE
    /// before its socket (the scan keeps 8 descriptors for the runtime, `DescriptorHeadroom`). The report
    /// must call those probes a local problem, never "not responding", exit 3, and the process must not crash.
    @Test func testLocalErrorsOutOfFileDescriptorsMidScanIsALocalProblem() async throws {
        let origin = try await TestOrigin.start("openssl-modern")
        defer { origin.stop() }
        let folder = temp("hold")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let relay = try await OffPool.run { try Relay.start(listen: "127.0.0.1", to: origin.port, hold: folder.path) }
        defer { relay.stop() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try CLI.binary())
        process.arguments = [
            "scan", "127.0.0.1:\(relay.port)", "--sni", "localhost", "--ca-file", origin.dir + "/root.crt",
            "--format", "json", "--no-http-check", "--attempts", "1",
            // the held first probe must outlive a loaded machine's delay before prlimit runs:
            // with the default 10 s it timed out first under a full parallel test run
            "--timeout", "120", "--connect-timeout", "120",
        ]
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var waited = 0
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("accepted").path), process.isRunning, waited < 3000 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        try #require(FileManager.default.fileExists(atPath: folder.appendingPathComponent("accepted").path), "no first connection")
        // the limit leaves 4 descriptors free: fewer than the scan keeps for the runtime (libdispatch opens
        // /proc/<tid>/stat once a second while work is queued and stops the process when it cannot), so every
        // later probe fails locally before its socket and the runtime still has room
        let open = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd").compactMap { Int($0) }
        let limit = Self.limit(leavingFree: 4, open: Set(open))
        // 4 is below what the scan keeps free (DescriptorHeadroom.kept, 8)
        let lower = try await TestOrigin.run(
            URL(fileURLWithPath: "/usr/bin/prlimit"),
            ["--pid", String(process.processIdentifier), "--nofile=\(limit):\(limit)"], in: nil)
        try #require(lower.status == 0, "prlimit: \(lower.stderr)")
        #expect(FileManager.default.createFile(atPath: folder.appendingPathComponent("go").path, contents: nil))
        // the reads block: off the cooperative pool (stderr is drained while stdout is read); the exit is awaited
        let (outHandle, errHandle) = (stdout.fileHandleForReading, stderr.fileHandleForReading)
        async let errorBytes = OffPool.run { errHandle.readDataToEndOfFile() }
        let output = try await OffPool.run { outHandle.readDataToEndOfFile() }
        let errors = String(decoding: try await errorBytes, as: UTF8.self)
        _ = await ProcessExit.wait(for: process)
        let text = String(decoding: output, as: UTF8.self)
        #expect(process.terminationStatus == 3, "exit \(process.terminationStatus): \(text) \(errors)")
        let report = try json(text)
        #expect((report["reachability"] as? [String: Any])?["status"] as? String == "reachable", "the first probe got through")
        let undecided = try #require(report["undecided"] as? [[String: Any]])
        #expect(!undecided.isEmpty)
        for item in undecided {
            let reason = item["reason"] as? String ?? ""
            #expect(reason.hasPrefix("local problem on the scanning machine, not the origin") && reason.contains("EMFILE"), "\(reason)")
            #expect(reason.contains("descriptors are left"), "not refused before its socket: \(reason)")
        }
        let notes = (report["protocols"] as? [[String: Any]] ?? []).compactMap { $0["note"] as? String }
        #expect(notes.contains { $0.contains("not the origin") && $0.contains("EMFILE") }, "\(notes)")
        #expect(!text.contains("not responding"), "\(text)")
        #expect(report["complete"] as? Bool == false)
    }

    /// Scanning needs no privilege. Root of a fresh user namespace has no capability in this machine's
    /// network namespace, like any ordinary user: the wire engine's sockets must still connect (it once
    /// set TCP_NODELAY at the socket level, which is SO_DEBUG and needs CAP_NET_ADMIN: EACCES).
    @Test(.enabled(if: LocalErrorsTests.namespacesWork(), "needs unprivileged user namespaces (unshare -r)"))
    func testLocalErrorsUnprivilegedScanConnects() async throws {
        try Self.requireUnshare()
        let origin = try await TestOrigin.start("openssl-modern")
        defer { origin.stop() }
        let run = try await TestOrigin.run(
            URL(fileURLWithPath: "/usr/bin/unshare"),
            [
                "-r", try CLI.binary(), "scan", "127.0.0.1:\(origin.port)", "--sni", "localhost",
                "--ca-file", origin.dir + "/root.crt", "--format", "json", "--no-http-check",
            ],
            in: try TestOrigin.repoRoot())
        #expect(run.status == 0, "exit \(run.status): \(run.stderr)")
        let report = try json(run.stdout)
        #expect((report["reachability"] as? [String: Any])?["status"] as? String == "reachable", "\(report["reachability"] ?? "")")
        #expect(report["complete"] as? Bool == true)
    }

    /// Whether unprivileged user and mount namespaces work here (`unshare -rm`); a kernel that forbids them skips
    /// the tests that need them (shown as skipped). A missing `unshare` is another matter: in CI (`CI` set) the
    /// tests run and fail on it (``requireUnshare()``), outside CI they are skipped too.
    static func namespacesWork() -> Bool {
        if unshareMissing, ProcessInfo.processInfo.environment["CI"] != nil { return true }
        return (try? TestOrigin.run(URL(fileURLWithPath: "/usr/bin/unshare"), ["-rm", "/bin/true"], in: nil).status) == 0
    }

    static var unshareMissing: Bool { !FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") }

    /// Fails, naming the tool and how to install it, when `unshare` is missing (the tests get here only in CI).
    static func requireUnshare() throws {
        try #require(!unshareMissing, "/usr/bin/unshare is missing: install util-linux (apt-get install util-linux)")
    }

    /// A hard limit too low for --global-concurrency: one clear line, exit 2, before any probe.
    @Test func testLocalErrorsFileLimitTooLowIsAUsageError() async throws {
        let run = try await runUnderLimit("100:100", ["scan", "127.0.0.1:1", "--global-concurrency", "64", "--no-http-check"])
        #expect(run.status == 2, "exit \(run.status): \(run.stdout) \(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(run.stderr.hasPrefix("tlsmatrix: error: too few file descriptors"), "\(run.stderr)")
        #expect(run.stderr.contains("is 100 (hard limit 100)") && run.stderr.contains("ulimit -n"), "\(run.stderr)")
        #expect(run.stderr.contains("or lower --global-concurrency to "), "\(run.stderr)")
    }

    /// A low soft limit under a high hard limit is raised, and the scan completes.
    @Test func testLocalErrorsLowSoftFileLimitIsRaised() async throws {
        let origin = try await TestOrigin.start("openssl-modern")
        defer { origin.stop() }
        let run = try await runUnderLimit(
            "16:4096",
            [
                "scan", "127.0.0.1:\(origin.port)", "--sni", "localhost", "--ca-file", origin.dir + "/root.crt",
                "--global-concurrency", "64", "--concurrency", "64", "--format", "json", "--no-http-check",
            ])
        #expect(run.status == 0, "exit \(run.status): \(run.stderr)")
        let report = try json(run.stdout)
        #expect(report["complete"] as? Bool == true)
        #expect((report["probes"] as? [String: Any])?["failed"] as? Int == 0, "\(report["undecided"] ?? "")")
    }
}
