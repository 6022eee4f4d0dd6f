import Foundation
import TestSupport
import Testing

/// `scan` with many targets, JSON Lines, shards, `merge`, interrupts, and the bad input around them.
@Suite(.serialized) struct FleetCLITests {
    func temp(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-\(UUID().uuidString)-\(name)")
    }

    func lines(_ url: URL) throws -> [[String: Any]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    /// A port that refuses connections until the returned socket is closed (bound, never listening): no parallel
    /// test's server can take it meanwhile.
    func refusedPort() throws -> BoundPort {
        try BoundPort()
    }

    @Test func targetsFileStreamsJSONLinesAndASummary() async throws {
        let modern = try await TestOrigin.start("openssl-modern")
        defer { modern.stop() }
        let legacy = try await TestOrigin.start("gnutls-legacy")
        defer { legacy.stop() }
        let refused = try refusedPort()
        defer { refused.close() }
        let dead = refused.port
        let list = temp("fleet.txt")
        let out = temp("fleet.jsonl")
        defer { try? FileManager.default.removeItem(at: list); try? FileManager.default.removeItem(at: out) }
        try """
        # three origins
        127.0.0.1:\(modern.port) sni=localhost
        127.0.0.1:\(legacy.port)
        127.0.0.1:\(dead)   # refused
        """.write(to: list, atomically: true, encoding: .utf8)
        let run = try await CLI.run([
            "scan", "--targets-file", list.path, "--format", "jsonl", "--output", out.path,
            "--no-http-check", "--attempts", "1", "--no-cross-check",
        ])
        #expect(run.status == 3, "\(run.stderr)")  // one origin is down
        #expect(run.stderr.isEmpty, "no progress bar when standard error is not a terminal: \(run.stderr)")
        let objects = try lines(out)
        #expect(objects.count == 4)
        let reports = objects.dropLast()
        #expect(Set(reports.compactMap { ($0["target"] as? [String: Any])?["port"] as? Int }) == [modern.port, legacy.port, dead])
        for report in reports {
            let connections = try #require(report["connections"] as? Int)
            let bound = try #require(report["connectionLowerBound"] as? Int)
            #expect(connections >= bound && bound >= 1)
        }
        let summary = try #require(objects.last?["summary"] as? [String: Any])
        #expect(summary["targets"] as? Int == 3)
        #expect(summary["scanned"] as? Int == 3)
        #expect(summary["complete"] as? Bool == false)
        #expect(summary["exitStatus"] as? Int == 3)
        let rows = try #require(summary["results"] as? [[String: Any]])
        #expect(rows.map { $0["target"] as? String } == ["127.0.0.1:\(modern.port)", "127.0.0.1:\(legacy.port)", "127.0.0.1:\(dead)"])
        #expect(rows.map { $0["status"] as? String } == ["passed", "passed", "incomplete"])
        #expect(rows[0]["sni"] as? String == "localhost")
    }

    @Test func shardsMergeIntoTheWholeList() async throws {
        let origins = try await TestOrigin.start(["openssl-modern", "gnutls-legacy", "openssl-ecdsa-x25519"])
        defer { origins.forEach { $0.stop() } }
        let list = temp("fleet.txt")
        // Shards keep a host's targets together: 127.0.0.1 (targets 1 and 3) in shard 1, localhost in shard 2.
        let hosts = ["127.0.0.1", "localhost", "127.0.0.1"]
        try zip(hosts, origins).map { "\($0):\($1.port)" }.joined(separator: "\n").write(to: list, atomically: true, encoding: .utf8)
        let parts = [temp("1.jsonl"), temp("2.jsonl")]
        let merged = temp("merged.jsonl")
        defer { ([list, merged] + parts).forEach { try? FileManager.default.removeItem(at: $0) } }
        for (index, part) in parts.enumerated() {
            let run = try await CLI.run([
                "scan", "--targets-file", list.path, "--shard", "\(index + 1)/2", "--format", "jsonl",
                "--output", part.path, "--no-http-check", "--no-cross-check", "--no-groups",
            ])
            #expect(run.status == 0, "\(run.stderr)")
        }
        #expect(try lines(parts[0]).count == 3)  // targets 1 and 3 + summary
        #expect(try lines(parts[1]).count == 2)  // target 2 + summary
        let run = try await CLI.run(["merge", parts[1].path, parts[0].path, "--output", merged.path])
        #expect(run.status == 0, "\(run.stderr)")
        let objects = try lines(merged)
        #expect(objects.count == 4)
        let ports = objects.dropLast().compactMap { ($0["target"] as? [String: Any])?["port"] as? Int }
        #expect(Set(ports) == Set(origins.map(\.port)))
        let summary = try #require(objects.last?["summary"] as? [String: Any])
        #expect(summary["complete"] as? Bool == true)
        #expect(summary["targets"] as? Int == 3)
        #expect(summary["shards"] as? [String] == ["1/2", "2/2"])

        let missing = try await CLI.run(["merge", parts[0].path, "--format", "text"])
        #expect(missing.status == 3)
        #expect(missing.stdout.contains("shard 2/2 (missing)"))
        let twice = try await CLI.run(["merge", parts[0].path, parts[0].path])
        #expect(twice.status == 2 && twice.stderr.contains("given twice"))
    }

    /// Runs the CLI, waits (polling with async sleeps, ≤ 60 s) until `ready` holds for its output file, sends
    /// `signal`, and returns the exit status (awaited through the termination handler, no thread blocked).
    func interrupt(_ arguments: [String], output: URL, signal: Int32, ready: (String) -> Bool) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try CLI.binary())
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var waited = 0
        while waited < 600, process.isRunning, !ready((try? String(contentsOf: output, encoding: .utf8)) ?? "") {
            try await Task.sleep(for: .milliseconds(100))
            waited += 1
        }
        kill(process.processIdentifier, signal)
        return await ProcessExit.wait(for: process).status
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func interruptKeepsFinishedTargetsAndExitsThree(_ signal: Int32) async throws {
        let origin = try await TestOrigin.start("openssl-modern")
        defer { origin.stop() }
        let hanging = try SilentListener()
        defer { hanging.stop() }
        let list = temp("fleet.txt")
        let out = temp("fleet.jsonl")
        defer { try? FileManager.default.removeItem(at: list); try? FileManager.default.removeItem(at: out) }
        try "127.0.0.1:\(hanging.port)\n127.0.0.1:\(origin.port)\n".write(to: list, atomically: true, encoding: .utf8)
        let status = try await interrupt(
            [
                "scan", "--targets-file", list.path, "--format", "jsonl", "--output", out.path,
                "--timeout", "120", "--no-http-check",
            ], output: out, signal: signal
        ) { $0.contains("\n") }
        #expect(status == 3)
        let objects = try lines(out)
        #expect(objects.count == 2)
        #expect((objects[0]["target"] as? [String: Any])?["port"] as? Int == origin.port)
        let summary = try #require(objects.last?["summary"] as? [String: Any])
        #expect(summary["interrupted"] as? String == (signal == SIGINT ? "SIGINT" : "SIGTERM"))
        #expect(summary["complete"] as? Bool == false)
        #expect(summary["pending"] as? [String] == ["127.0.0.1:\(hanging.port)"])
        #expect(summary["scanned"] as? Int == 1)
    }

    @Test func badFleetInputIsOneLineExitTwoAndWritesNothing() async throws {
        let empty = temp("empty.txt")
        let comments = temp("comments.txt")
        let garbage = temp("garbage.txt")
        let binary = temp("binary.txt")
        let out = temp("out.jsonl")
        let files = [empty, comments, garbage, binary, out]
        defer { files.forEach { try? FileManager.default.removeItem(at: $0) } }
        try "".write(to: empty, atomically: true, encoding: .utf8)
        try "# nothing\n\n   \n".write(to: comments, atomically: true, encoding: .utf8)
        try "127.0.0.1:8443\n%%% not a target %%%\n".write(to: garbage, atomically: true, encoding: .utf8)
        try Data([0xFF, 0xFE, 0x00, 0x41]).write(to: binary)
        let cases: [([String], String)] = [
            (["scan", "--targets-file", empty.path], "no targets"),
            (["scan", "--targets-file", comments.path], "no targets"),
            (["scan", "--targets-file", garbage.path], "garbage.txt:2"),
            (["scan", "--targets-file", binary.path], "not UTF-8"),
            (["scan", "--targets-file", "/nonexistent/list.txt"], "does not exist"),
            (["scan", "--targets-file", "/tmp"], "is a directory"),
            (["scan", "127.0.0.1:1", "127.0.0.1:2", "--format", "json"], "needs --output FOLDER"),
            (["scan", "127.0.0.1:1", "127.0.0.1:2", "--output", out.path], "writes to standard output"),
            (["scan", "127.0.0.1:1", "--shard", "3/2"], "--shard"),
            (["scan", "127.0.0.1:1", "--concurrency", "8", "--global-concurrency", "4"], "above --global-concurrency"),
            (["scan", "127.0.0.1:1", "--engine", "openssl", "--no-cross-check"], "wire engine only"),
            (["scan", "127.0.0.1:1", "--https-port", "8443"], "--https-port says 8443"),
            (["scan", "127.0.0.1:1", "--format", "jsonl", "--output", "/proc/tlsmatrix.jsonl"], "cannot write"),
            (["scan", "127.0.0.1:1", "--format", "json,html", "--output", out.path], "existing folder"),
            (["scan", "127.0.0.1:1", "--policy", "NoSuchPolicy"], "unknown policy"),
            (["merge"], "Missing expected argument"),
            (["merge", garbage.path], "not a tlsmatrix report"),
            (["merge", "/nonexistent.jsonl"], "cannot read"),
        ]
        for (arguments, message) in cases {
            let run = try await CLI.run(arguments)
            #expect(run.status == 2, "\(arguments): exit \(run.status) \(run.stderr)")
            #expect(
                run.stderr.split(separator: "\n").count == 1 && run.stderr.hasPrefix("tlsmatrix: error: "), "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
            #expect(run.stdout.isEmpty, "\(arguments)")
            #expect(!FileManager.default.fileExists(atPath: out.path), "\(arguments) wrote \(out.path)")
        }
    }

    /// Under a pseudo-terminal (util-linux `script`) the progress bar is drawn on standard error and cleared.
    @Test func progressBarOnlyOnATerminal() async throws {
        let origin = try await TestOrigin.start("openssl-modern")
        defer { origin.stop() }
        let out = temp("p.jsonl")
        defer { try? FileManager.default.removeItem(at: out) }
        let command =
            "\(try CLI.binary()) scan 127.0.0.1:\(origin.port) localhost:\(origin.port) 127.0.0.1:\(origin.port) --sni localhost --no-http-check --format jsonl --output \(out.path)"
        let run = try await TestOrigin.run(URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, "/dev/null"], in: nil)
        #expect(run.status == 0, "\(run.stdout)")
        #expect(run.stdout.contains("1/2 targets") && run.stdout.contains("handshakes"), "\(run.stdout)")
        #expect(try lines(out).count == 3, "duplicate targets are scanned once")
        let quiet = try await TestOrigin.run(
            URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command + " --no-progress", "/dev/null"], in: nil)
        #expect(!quiet.stdout.contains("targets ·"), "\(quiet.stdout)")
    }

    @Test(arguments: ["scan", "merge", "engines", "policies", "clients", "compare", "report"])
    func everyCommandsHelpHasExamples(_ command: String) async throws {
        let run = try await CLI.run([command, "--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("Examples:"), "\(command)")
    }
}
