import Foundation
import TestSupport
import Testing

/// Issue 16 through the binary: `scan --checks`, its "not tested" rendering in every format, the withheld grade,
/// the saved report's round trip, unknown names (exit 2); and a run sharded over 4 processes by a Kubernetes
/// Indexed Job's variable, merged, against one unsharded run.
@Suite(.serialized) struct ChecksCLITests {
    func temp(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-\(UUID().uuidString)-\(name)")
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func unknownCheckNamesExitTwo() async throws {
        for checks in ["ciphers", "protocols,bogus", "", "cloudfront,"] {
            let run = try await CLI.run(["scan", "127.0.0.1:1", "--checks", checks])
            #expect(run.status == 2, "--checks '\(checks)': \(run.stderr)")
            #expect(run.stdout.isEmpty)
            #expect(run.stderr.contains("unknown check"), "\(run.stderr)")
        }
        // what a check needs is checked too: a verdict or policy the scan would not measure
        let client = try await CLI.run(["scan", "127.0.0.1:1", "--checks", "protocols", "--client", "cloudfront-origin"])
        #expect(client.status == 2 && client.stderr.contains("needs the cloudfront check"), "\(client.stderr)")
        let policy = try await CLI.run(["scan", "127.0.0.1:1", "--checks", "cloudfront", "--policy", "mozilla-intermediate"])
        #expect(policy.status == 2 && policy.stderr.contains("needs the suites check"), "\(policy.stderr)")
    }

    @Test func cloudFrontChecksShowWhatWasNotTestedInEveryFormat() async throws {
        let origin = try await TestOrigin.start("openssl-modern")
        defer { origin.stop() }
        let folder = temp("reports")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try await CLI.run([
            "scan", "127.0.0.1:\(origin.port)", "--checks", "cloudfront", "--no-http-check",
            "--ca-file", origin.dir + "/root.crt",
            "--format", "text,json,markdown,html,csv,junit", "--output", folder.path,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        func file(_ ext: String) throws -> String {
            let name = try #require(files.first { $0.hasSuffix("." + ext) }, "no .\(ext) in \(files)")
            return try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        }
        let header = "Checks: cloudfront (not tested: protocols, suites, groups, certificates, simulation)"
        let text = try file("txt")
        #expect(text.split(separator: "\n")[1] == Substring(header), "\(text)")
        for version in ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1"] {
            #expect(
                text.split(separator: "\n").contains { $0.hasPrefix("  \(version)") && $0.contains("not tested") },
                "\(version) should read 'not tested':\n\(text)")
            // the state column is "not tested", never "no"
            #expect(
                !text.split(separator: "\n").contains { $0.hasPrefix("  \(version)") && $0.split(separator: " ").dropFirst().first == "no" }
            )
        }
        #expect(text.contains("Not graded: not measured: protocols, suites, certificates"))
        #expect(!text.contains("Grade "))
        #expect(text.contains("Key exchange groups: not tested"))
        #expect(text.contains("Handshake simulation: not tested"))
        let markdown = try file("md")
        #expect(
            markdown.contains(header) && markdown.contains("| SSLv3 | not tested |") && markdown.contains("**Not graded**"), "\(markdown)")
        let html = try file("html")
        #expect(html.contains(header) && html.contains("Not graded: ") && html.contains("<small>not tested</small>"))
        let junit = try file("xml")
        #expect(junit.contains("name=\"checks\" value=\"\(header)\"") && junit.contains("<skipped message=\"not graded: "), "\(junit)")
        let csv = try file("csv")
        #expect(
            csv.contains(",SSLv3,") && csv.split(separator: "\r\n").contains { $0.contains(",SSLv3,") && $0.contains("not tested") },
            "\(csv)")
        let report = try json(try file("json"))
        let options = try #require(report["options"] as? [String: Any])
        #expect(options["checks"] as? [String] == ["cloudfront"])
        let protocols = try #require(report["protocols"] as? [[String: Any]])
        let coverage = Dictionary(
            uniqueKeysWithValues: protocols.map { ($0["version"] as? String ?? "?", $0["coverage"] as? String ?? "enumerated") })
        #expect(
            coverage == [
                "SSLv2": "not-tested", "SSLv3": "not-tested", "TLSv1.0": "not-tested", "TLSv1.1": "not-tested",
                "TLSv1.2": "sampled", "TLSv1.3": "sampled",
            ])
        let grade = try #require(report["grade"] as? [String: Any])
        #expect(grade["letter"] as? String == "-")
        #expect((grade["notGraded"] as? String)?.hasPrefix("not measured") == true)
        #expect((report["simulation"] as? [Any])?.isEmpty == true)
        let connections = try #require(report["connections"] as? Int)
        #expect(connections <= 10 && connections >= (report["connectionLowerBound"] as? Int ?? .max), "\(connections) connections")
    }

    /// A full scan's report does not name its checks (absent = all), so existing reports and golden files stay as they were.
    @Test func aFullScanNamesNoChecks() async throws {
        let origin = try await TestOrigin.start("gnutls-legacy")
        defer { origin.stop() }
        let run = try await CLI.run(["scan", "127.0.0.1:\(origin.port)", "--no-http-check", "--format", "json"])
        let report = try json(run.stdout)
        #expect((report["options"] as? [String: Any])?["checks"] == nil)
        #expect((report["protocols"] as? [[String: Any]])?.allSatisfy { $0["coverage"] == nil } == true)
        #expect((report["grade"] as? [String: Any])?["notGraded"] == nil)
        let text = try await CLI.run(["scan", "127.0.0.1:\(origin.port)", "--no-http-check"])
        #expect(!text.stdout.contains("Checks:") && text.stdout.contains("Grade "))
    }

    /// `tlsmatrix report saved.json` gives the same JSON and exit status for scans with --checks (SavedScansRoundTripTests' pattern).
    @Test(arguments: ["cloudfront", "protocols,certificates", "protocols", "suites"])
    func savedScansWithChecksRoundTrip(_ checks: String) async throws {
        let origin = try await TestOrigin.start("nginx-modern")
        defer { origin.stop() }
        let first = temp("a.json")
        let second = temp("b.json")
        defer { [first, second].forEach { try? FileManager.default.removeItem(at: $0) } }
        let scan = try await CLI.run([
            "scan", "127.0.0.1:\(origin.port)", "--sni", "localhost", "--ca-file", origin.dir + "/root.crt",
            "--checks", checks, "--format", "json", "--output", first.path,
        ])
        let saved = try Data(contentsOf: first)
        #expect(!saved.isEmpty, "\(scan.stderr)")
        let report = try await CLI.run(["report", first.path, "--format", "json", "--output", second.path])
        #expect(report.status == scan.status, "scan \(scan.status), report \(report.status): \(report.stderr)")
        #expect(try Data(contentsOf: second) == saved, "--checks \(checks): the report differs from the scan's JSON")
        let text = try await CLI.run(["report", first.path])
        #expect(text.stdout.contains("Checks: "), "\(text.stdout)")
        if !checks.contains("suites") {
            // judging a saved scan by what it did not measure is refused too
            let policy = try await CLI.run(["report", first.path, "--policy", "mozilla-intermediate"])
            #expect(policy.status == 2 && policy.stderr.contains("needs the suites check"), "\(policy.stderr)")
        }
        let root = try TestOrigin.repoRoot()
        let validation = try await TestOrigin.run(
            root.appendingPathComponent(".venv/bin/python"),
            [root.appendingPathComponent("scripts/testsupport/validate_report.py").path, first.path], in: root)
        #expect(validation.status == 0 && validation.stdout.contains("1 valid, 0 invalid"), "\(validation.stdout)\(validation.stderr)")
    }

    /// Item 3: `--shard auto/4` in 4 processes, each given JOB_COMPLETION_INDEX 0…3 as a Kubernetes Indexed Job
    /// does, merged with `tlsmatrix merge`, gives every target the result one unsharded run gives it.
    @Test func indexedJobShardsMergeToTheUnshardedResults() async throws {
        let origins = try await TestOrigin.start(["openssl-modern", "gnutls-legacy", "nginx-modern", "no-common-cloudfront"])
        defer { origins.forEach { $0.stop() } }
        let dead = try BoundPort(address: "127.0.0.2")  // bound, never listening: refused while the test runs
        defer { dead.close() }
        let deadPort = dead.port
        // four distinct host names (one host's targets stay in one shard): 127.0.0.1, localhost, a refused
        // address, and a name that does not resolve
        let list = temp("fleet.txt")
        let whole = temp("whole.jsonl")
        let merged = temp("merged.jsonl")
        let parts = (0..<4).map { temp("part-\($0).jsonl") }
        defer { ([list, whole, merged] + parts).forEach { try? FileManager.default.removeItem(at: $0) } }
        try """
        127.0.0.1:\(origins[0].port)
        localhost:\(origins[1].port)
        127.0.0.1:\(origins[2].port)
        127.0.0.2:\(deadPort)
        nonexistent.invalid:443
        localhost:\(origins[3].port)
        """.write(to: list, atomically: true, encoding: .utf8)
        let common = [
            "--targets-file", list.path, "--format", "jsonl", "--no-http-check", "--attempts", "1",
            "--connect-timeout", "2", "--dns-timeout", "5", "--no-progress",
        ]
        let binary = try CLI.binary()
        let root = try TestOrigin.repoRoot()
        let unsharded = try await CLI.run(["scan"] + common + ["--output", whole.path])
        let shards = await withTaskGroup(of: (Int, Int32, String).self) { group in
            for index in 0..<4 {
                group.addTask {
                    let result = try? await TestOrigin.run(
                        URL(fileURLWithPath: "/usr/bin/env"),
                        ["JOB_COMPLETION_INDEX=\(index)", binary, "scan"] + common + ["--shard", "auto/4", "--output", parts[index].path],
                        in: root)
                    return (index, result?.status ?? -1, result?.stderr ?? "did not run")
                }
            }
            var all: [(Int, Int32, String)] = []
            for await item in group { all.append(item) }
            return all
        }
        for (index, status, stderr) in shards {
            #expect([0, 1, 3].contains(status), "shard \(index): \(stderr)")
        }
        let merge = try await CLI.run(["merge"] + parts.map(\.path) + ["--output", merged.path])
        #expect(
            merge.status == unsharded.status, "merge \(merge.status): \(merge.stderr); unsharded \(unsharded.status): \(unsharded.stderr)")
        func reports(_ url: URL) throws -> [String: [String: Any]] {
            var byTarget: [String: [String: Any]] = [:]
            for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
                let object = try json(String(line))
                guard let target = object["target"] as? [String: Any] else { continue }  // the summary line
                byTarget["\(target["host"] ?? "?"):\(target["port"] ?? "?")"] = object
            }
            return byTarget
        }
        let one = try reports(whole)
        let joined = try reports(merged)
        #expect(one.count == 6)
        #expect(Set(joined.keys) == Set(one.keys))
        // every shard got a host: the four names are dealt round-robin
        for (index, part) in parts.enumerated() {
            #expect(try reports(part).count >= 1, "shard \(index) scanned nothing")
        }
        for (target, report) in one {
            let other = try #require(joined[target], "\(target) missing from the merged run")
            for key in ["reachability", "protocols", "groups", "verdicts", "grade", "connections", "complete"] {
                let a = try JSONSerialization.data(withJSONObject: report[key] ?? NSNull(), options: [.sortedKeys, .fragmentsAllowed])
                let b = try JSONSerialization.data(withJSONObject: other[key] ?? NSNull(), options: [.sortedKeys, .fragmentsAllowed])
                #expect(
                    a == b, "\(target) \(key): unsharded \(String(decoding: a, as: UTF8.self)) merged \(String(decoding: b, as: UTF8.self))"
                )
            }
        }
    }
}
