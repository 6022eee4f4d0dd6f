import Foundation
import TestSupport
import Testing

/// Files a run reads and writes: every target gets report files of its own, names taken from data stay
/// inside --output, the JSON Lines file is never written through a symbolic link, and a targets file is
/// read with a hard bound.
@Suite(.serialized) struct FilesTests {
    func temp(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-files-\(UUID().uuidString)-\(name)")
    }

    /// A port that refuses connections until the returned socket is closed (bound, never listening): no parallel
    /// test's server can take it meanwhile.
    func refusedPort() throws -> BoundPort {
        try BoundPort()
    }

    /// (a) One host:port with two SNIs and a Host header: three targets, three sets of files.
    @Test func filesOfOneHostWithDifferentSNIAndHostHeaderDoNotOverwriteEachOther() async throws {
        let origin = try await TestOrigin.start("openssl-modern")
        defer { origin.stop() }
        let list = temp("fleet.txt")
        let folder = temp("reports")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { [list, folder].forEach { try? FileManager.default.removeItem(at: $0) } }
        try """
        127.0.0.1:\(origin.port) sni=localhost
        127.0.0.1:\(origin.port) sni=other.example
        127.0.0.1:\(origin.port) sni=localhost host=www.example
        """.write(to: list, atomically: true, encoding: .utf8)
        let run = try await CLI.run([
            "scan", "--targets-file", list.path, "--format", "json,text", "--output", folder.path,
            "--no-http-check", "--no-groups", "--no-cross-check",
        ])
        #expect([0, 1].contains(run.status), "\(run.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        let reports = names.filter { $0.hasSuffix(".json") && $0 != "summary.json" }
        #expect(reports.count == 3, "\(names)")
        #expect(names.filter { $0.hasSuffix(".txt") }.count == 3, "\(names)")
        var seen: [String] = []
        for name in reports {
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(name))) as? [String: Any])
            seen.append((json["target"] as? [String: Any])?["sni"] as? String ?? "none")
        }
        #expect(seen.sorted() == ["localhost", "localhost", "other.example"], "\(names)")
        #expect(reports.contains("127.0.0.1_\(origin.port)_sni-other.example.json"), "\(names)")
        #expect(reports.contains("127.0.0.1_\(origin.port)_sni-localhost_host-www.example.json"), "\(names)")
    }

    /// (b) A saved report's host is data: `../../x`, `a/b`, a leading dot, controls, 300 characters —
    /// each one's files land directly in --output, under a harmless name.
    @Test func filesNamedFromASavedReportStayInsideTheOutputFolder() async throws {
        let origin = try await TestOrigin.start("openssl-modern")
        defer { origin.stop() }
        let base = temp("base")
        let out = base.appendingPathComponent("a/b/out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        let saved = base.appendingPathComponent("scan.json")
        let scan = try await CLI.run([
            "scan", "127.0.0.1:\(origin.port)", "--sni", "localhost", "--format", "json", "--output", saved.path,
            "--no-http-check", "--no-groups", "--no-cross-check",
        ])
        #expect(scan.status == 0, "\(scan.stderr)")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: saved)) as? [String: Any])
        let hosts = ["../../x", "a/b", ".hidden", "..", "x\u{1B}[2K\r\n", String(repeating: "a", count: 300), "/etc/passwd"]
        for host in hosts {
            var target = try #require(object["target"] as? [String: Any])
            target["host"] = host
            target["sni"] = host
            object["target"] = target
            let edited = base.appendingPathComponent("edited.json")
            try JSONSerialization.data(withJSONObject: object).write(to: edited)
            let run = try await CLI.run(["report", edited.path, "--format", "json,text", "--output", out.path])
            #expect([0, 1, 3].contains(run.status), "\(host.debugDescription): \(run.stderr)")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(names.count == 2 * hosts.count, "\(names)")
        for name in names {
            #expect(!name.hasPrefix("."), "\(name)")
            #expect(!name.contains("..") && !name.contains("/"), "\(name)")
            #expect(name.utf8.count <= 200, "\(name)")
            #expect(!name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(name.debugDescription)")
        }
        // nothing escaped the folder
        let everything = FileManager.default.enumerator(atPath: base.path)?.compactMap { $0 as? String } ?? []
        let outside = everything.filter { !$0.hasPrefix("a/b/out") && !["scan.json", "edited.json", "a", "a/b"].contains($0) }
        #expect(outside.isEmpty, "written outside --output: \(outside)")
    }

    /// (c) A symbolic link where the JSON Lines file goes is refused (exit 2), and its target is untouched.
    @Test func filesJSONLinesThroughASymbolicLinkAreRefused() async throws {
        let refused = try refusedPort()
        defer { refused.close() }
        let port = refused.port
        let base = temp("links")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        let victim = base.appendingPathComponent("victim.txt")
        try "keep me\n".write(to: victim, atomically: true, encoding: .utf8)
        let link = base.appendingPathComponent("out.jsonl")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: victim.path)
        let folder = base.appendingPathComponent("folder")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("results.jsonl").path, withDestinationPath: victim.path)
        for arguments in [["--format", "jsonl", "--output", link.path], ["--format", "jsonl,json", "--output", folder.path]] {
            let run = try await CLI.run(["scan", "127.0.0.1:\(port)", "--attempts", "1", "--no-http-check"] + arguments)
            #expect(run.status == 2, "\(arguments): exit \(run.status) \(run.stderr)")
            #expect(run.stderr.hasPrefix("tlsmatrix: error: cannot write") && run.stderr.contains("symbolic link"), "\(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1)
            #expect(try String(contentsOf: victim, encoding: .utf8) == "keep me\n", "\(arguments): the link was followed")
            let kind =
                try FileManager.default.attributesOfItem(
                    atPath: arguments[3] == link.path
                        ? link.path
                        : folder.appendingPathComponent("results.jsonl").path)[.type] as? FileAttributeType
            #expect(kind == .typeSymbolicLink, "\(arguments): the link was replaced")
        }
    }

    /// Runs the binary under `ulimit -v 4 GiB` (so a regression cannot eat the machine) and at most
    /// 60 s; returns exit status, stderr and seconds taken. Standard error goes to a file and the exit is
    /// awaited (``ProcessExit``), so no thread blocks.
    func boundedRun(_ arguments: [String]) async throws -> (status: Int32, stderr: String, seconds: Double) {
        let binary = try CLI.binary()
        let errorsFile = temp("bounded-stderr")
        _ = FileManager.default.createFile(atPath: errorsFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorsFile) }
        let errors = try FileHandle(forWritingTo: errorsFile)
        defer { try? errors.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -v 4194304; exec \"$0\" \"$@\"", binary] + arguments
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let start = Date()
        try process.run()
        if !(await AsyncPoll.until(within: .seconds(60)) { !process.isRunning }) { process.terminate() }
        let ended = await ProcessExit.wait(for: process)
        let message = String(decoding: (try? Data(contentsOf: errorsFile)) ?? Data(), as: UTF8.self)
        return (ended.reason == .exit ? ended.status : -ended.status, message, Date().timeIntervalSince(start))
    }

    /// (d) `/dev/zero`, a file over the 64 MiB limit and an endless pipe end at once with exit 2 and one line.
    @Test func filesTargetsFileDevZeroHugeFileAndEndlessPipeFailFast() async throws {
        let base = temp("huge")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        let huge = base.appendingPathComponent("huge.txt")
        _ = FileManager.default.createFile(atPath: huge.path, contents: nil)
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: UInt64(65 << 20))  // sparse: 65 MiB of NULs, no disk used
        try handle.close()
        let fifo = base.appendingPathComponent("endless.fifo")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        // an endless writer: `yes` into the FIFO (it dies of EPIPE/SIGPIPE when the reader closes)
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "exec yes 127.0.0.1:1 > \"$0\"", fifo.path]
        try writer.run()
        defer { if writer.isRunning { writer.terminate() } }

        let cases: [(String, String)] = [
            ("/dev/zero", "--targets-file '/dev/zero' is not a regular file or a pipe"),
            (huge.path, "--targets-file '\(huge.path)' is larger than 64 MiB"),
            (fifo.path, "--targets-file '\(fifo.path)' is larger than 64 MiB"),
        ]
        for (path, message) in cases {
            let run = try await boundedRun(["scan", "--targets-file", path])
            #expect(run.status == 2, "\(path): exit \(run.status) \(run.stderr)")
            #expect(run.stderr == "tlsmatrix: error: \(message)\n", "\(path): \(run.stderr)")
            #expect(run.seconds < 20, "\(path): took \(run.seconds) s")
        }
        // a pipe on standard input (`-`) is read like a file
        let stdin = Process()
        stdin.executableURL = URL(fileURLWithPath: "/bin/sh")
        stdin.arguments = ["-c", "printf '%s\\n' 'bad_host!' | exec \"$0\" scan --targets-file -", try CLI.binary()]
        let errors = Pipe()
        stdin.standardError = errors
        try stdin.run()
        let errHandle = errors.fileHandleForReading
        let said = String(decoding: try await OffPool.run { errHandle.readDataToEndOfFile() }, as: UTF8.self)
        let ended = await ProcessExit.wait(for: stdin)
        #expect(ended.status == 2 && said.contains("-:1:"), "\(said)")
    }
}
