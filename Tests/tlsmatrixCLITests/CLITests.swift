import Foundation
import TestSupport
import Testing

/// The command line as users and scripts drive it: exit codes, one-line errors, reports.
@Suite(.serialized) struct CLITests {
    @Test(arguments: [
        ["scan"], ["scan", "host:0"], ["scan", "host:65536"], ["scan", "host:abc"], ["scan", "bad_host!.com"],
        ["scan", "127.0.0.1:1", "--format", "xml"],
        ["scan", "127.0.0.1:1", "--output", "/nonexistent/dir/r.json"], ["scan", "127.0.0.1:1", "--client", "nope"],
        ["scan", "127.0.0.1:1", "--origin-protocols", "TLSv9"], ["bogus"], ["scan", "h", "--concurrency", "0"],
        ["scan", "h", "--timeout", "-1"], ["scan", "[::1", "--format", "json"], ["scan", "h", "--sni", "bad name"],
    ])
    func badInputIsOneLineAndExitTwo(_ arguments: [String]) async throws {
        let run = try await CLI.run(arguments)
        #expect(run.status == 2, "\(arguments): exit \(run.status)")
        #expect(run.stdout.isEmpty)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(arguments): \(run.stderr)")
        #expect(run.stderr.hasPrefix("tlsmatrix: error: "))
    }

    @Test func helpHasExamples() async throws {
        let run = try await CLI.run(["scan", "--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("Examples:"))
    }

    /// `tlsmatrix --version` prints the one version constant (`CLIVersion.current` in TLSMatrix.swift) and exits 0.
    /// `--version` and every JSON report name the same version (one constant, TLSReport's `ToolVersion`).
    @Test func versionIsTheOneConstant() async throws {
        let run = try await CLI.run(["--version"])
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty)
        let version = run.stdout.trimmingCharacters(in: .newlines)
        #expect(version.wholeMatch(of: /[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?/) != nil, "\(run.stdout)")
        let refused = try BoundPort()  // bound, never listening: refused while the test runs
        defer { refused.close() }
        let port = refused.port
        let scan = try await CLI.run(["scan", "127.0.0.1:\(port)", "--format", "json", "--no-http-check"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(scan.stdout.utf8)) as? [String: Any])
        let tool = try #require(json["tool"] as? [String: Any])
        #expect(tool["name"] as? String == "tlsmatrix")
        #expect(tool["version"] as? String == version)
    }

    @Test func refusedPortIsOriginNotResponding() async throws {
        let refused = try BoundPort()  // bound, never listening: refused while the test runs
        defer { refused.close() }
        let port = refused.port
        let run = try await CLI.run(["scan", "127.0.0.1:\(port)"])
        #expect(run.status == 3)
        #expect(run.stdout.contains("origin not responding"))
    }

    @Test func hangingPortCostsOneTimeout() async throws {
        let listener = try SilentListener()
        defer { listener.stop() }
        let run = try await CLI.run(["scan", "127.0.0.1:\(listener.port)", "--timeout", "1", "--format", "json", "--no-http-check"])
        #expect(run.status == 3)
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect((json?["reachability"] as? [String: Any])?["status"] as? String == "no-tls-answer")
        #expect(json?["connections"] as? Int == 1)
    }

    @Test func jsonFollowsTheContract() async throws {
        let origin = try await TestOrigin.start("openssl-modern")
        defer { origin.stop() }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try await CLI.run([
            "scan", "127.0.0.1:\(origin.port)", "--sni", "localhost", "--format", "json", "--output", file.path,
            "--ca-file", origin.dir + "/root.crt", "--no-http-check",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        #expect(json["schemaVersion"] as? Int == 1)
        let target = try #require(json["target"] as? [String: Any])
        #expect(target["host"] as? String == "127.0.0.1")
        #expect(target["port"] as? Int == origin.port)
        #expect(target["address"] as? String == "127.0.0.1")
        #expect(target["sni"] as? String == "localhost")
        let protocols = try #require(json["protocols"] as? [[String: Any]])
        #expect(protocols.map { $0["version"] as? String } == ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"])
        let tls12 = try #require(protocols.first { $0["version"] as? String == "TLSv1.2" })
        #expect(tls12["supported"] as? Bool == true)
        #expect(tls12["serverPreference"] as? Bool == true)
        let suites = try #require(tls12["suites"] as? [[String: Any]])
        #expect(suites.map { $0["code"] as? String } == ["0xC030", "0xCCA8", "0xC02F", "0xC027"])
        #expect(suites.first?["iana"] as? String == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
        #expect(suites.first?["openssl"] as? String == "ECDHE-RSA-AES256-GCM-SHA384")
        #expect((suites.first?["evidence"] as? [String])?.contains("wire") == true)
        let tls10 = try #require(protocols.first { $0["version"] as? String == "TLSv1.0" })
        #expect(tls10["supported"] as? Bool == false)
        #expect(tls10["serverPreference"] is NSNull)
        let cloudfront = try #require((json["verdicts"] as? [String: Any])?["cloudfront"] as? [String: Any])
        #expect(cloudfront["compatible"] as? Bool == true)
        #expect(cloudfront["protocol"] as? String == "TLSv1.2")
        #expect(cloudfront["causes"] as? [Any] != nil)
        #expect(json["connections"] as? Int ?? 0 > 0)
        let probes = try #require(json["probes"] as? [String: Any])
        for key in ["accepted", "rejected", "timedOut", "failed"] { #expect(probes[key] is Int) }
    }

    @Test func cloudFrontClientExitsOneWhenIncompatible() async throws {
        let origin = try await TestOrigin.start("no-common-cloudfront")
        defer { origin.stop() }
        let run = try await CLI.run(["scan", "127.0.0.1:\(origin.port)", "--client", "cloudfront-origin"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("no-common-cipher"))
    }

    @Test func policyViolationExitsOneWithChangesNeeded() async throws {
        let origin = try await TestOrigin.start("openssl-modern")
        defer { origin.stop() }
        let run = try await CLI.run([
            "scan", "127.0.0.1:\(origin.port)", "--no-http-check", "--no-cross-check",
            "--policy", "ELBSecurityPolicy-TLS13-1-2-2021-06", "--format", "json",
        ])
        #expect(run.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let policy = try #require((json["verdicts"] as? [String: Any])?["policy"] as? [String: Any])
        #expect(policy["conforms"] as? Bool == false)
        // openssl-modern accepts ECDHE-RSA-CHACHA20-POLY1305, which that ELB policy does not include.
        let outside = (policy["outside"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(outside == ["0xCCA8"])
        #expect(!(policy["changesNeeded"] as? [String] ?? []).isEmpty)
    }

    @Test func compareSavedScanWithAPolicy() async throws {
        let origin = try await TestOrigin.start("gnutls-legacy")
        defer { origin.stop() }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        _ = try await CLI.run([
            "scan", "127.0.0.1:\(origin.port)", "--no-http-check", "--no-cross-check", "--format", "json",
            "--output", file.path,
        ])
        let upgrade = try await CLI.run(["compare", file.path, "ELBSecurityPolicy-TLS13-1-2-2021-06"])
        #expect(upgrade.stdout.contains("TLSv1.0: yes → no"))
        #expect(upgrade.stdout.contains("+ 0x1301"))
        // The other way round, modern clients that only speak TLS 1.2+ lose the server.
        let downgrade = try await CLI.run(["compare", "ELBSecurityPolicy-TLS13-1-2-2021-06", file.path])
        #expect(downgrade.status == 1)
        #expect(downgrade.stdout.contains("BREAKS"))
        let bad = try await CLI.run(["compare", "/nonexistent.json", "nope"])
        #expect(bad.status == 2)
    }

    /// Real reports of several origins, plus an unreachable one and one with a policy verdict,
    /// validate against docs/report.schema.json (jsonschema, draft 2020-12).
    @Test func realReportsValidateAgainstTheSchema() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var files: [String] = []
        for kind in ["openssl-modern", "gnutls-legacy", "tlslite-sslv3", "nginx-modern"] {
            let origin = try await TestOrigin.start(kind)
            defer { origin.stop() }
            let file = folder.appendingPathComponent("\(kind).json").path
            _ = try await CLI.run([
                "scan", "127.0.0.1:\(origin.port)", "--sni", "localhost", "--format", "json", "--output", file,
                "--policy", "mozilla-intermediate", "--http-port", "1",
            ])
            files.append(file)
        }
        let refused = try BoundPort()  // bound, never listening: refused while the test runs
        defer { refused.close() }
        let port = refused.port
        let dead = folder.appendingPathComponent("refused.json").path
        _ = try await CLI.run(["scan", "127.0.0.1:\(port)", "--format", "json", "--output", dead, "--attempts", "1"])
        files.append(dead)
        let root = try TestOrigin.repoRoot()
        let validation = try await TestOrigin.run(
            root.appendingPathComponent(".venv/bin/python"),
            [root.appendingPathComponent("scripts/testsupport/validate_report.py").path] + files, in: root)
        #expect(validation.status == 0, "\(validation.stdout)\(validation.stderr)")
        #expect(validation.stdout.contains("5 valid, 0 invalid"))
    }

    @Test func savedScanIsJudgedAgainOffline() async throws {
        let origin = try await TestOrigin.start("gnutls-legacy")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-\(UUID().uuidString).json")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-root-\(UUID().uuidString).crt")
        defer {
            try? FileManager.default.removeItem(at: file)
            try? FileManager.default.removeItem(at: root)
        }
        try FileManager.default.copyItem(atPath: origin.dir + "/root.crt", toPath: root.path)
        _ = try await CLI.run([
            "scan", "127.0.0.1:\(origin.port)", "--no-http-check", "--format", "json", "--output", file.path,
            "--ca-file", root.path,
        ])
        origin.stop()  // from here on, no network: the saved observations are all there is
        let modern = try await CLI.run(["report", file.path, "--client", "cloudfront-origin", "--ca-file", root.path])
        #expect(modern.status == 1)
        #expect(modern.stdout.contains("no-common-protocol"))
        let legacy = try await CLI.run([
            "report", file.path, "--client", "cloudfront-origin", "--origin-protocols", "TLSv1",
            "--format", "json", "--ca-file", root.path,
        ])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(legacy.stdout.utf8)) as? [String: Any])
        let verdict = try #require((json["verdicts"] as? [String: Any])?["cloudfront"] as? [String: Any])
        #expect(verdict["protocol"] as? String == "TLSv1.0")
        #expect(verdict["code"] as? String == "0x000A")
        #expect((json["certificates"] as? [Any])?.isEmpty == false)
    }
}
