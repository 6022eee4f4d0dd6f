import Foundation
import TestSupport
import Testing

/// Output that cannot be written (a reader that closed the pipe, a full disk) ends the run with one
/// line on standard error and exit status 5, never with a signal, whatever engine is probing.
@Suite(.serialized) struct SIGPIPETests {
    struct Ended: Sendable {
        var reason: Process.TerminationReason
        var status: Int32
        var firstLine: String
        var stderr: String
        var outlivedReader = false
    }

    func temp(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-sigpipe-\(UUID().uuidString)-\(name)")
    }

    /// Runs the binary with standard output into a pipe, reads the first line, closes the reading end
    /// (as `| head -1` does) and waits (≤ 120 s) for the process to end. The read blocks, so it runs on a
    /// thread of its own, which also closes the pipe at once (on a busy cooperative pool the task could resume
    /// too late, after the second line was written); the wait polls with `Task.sleep` and awaits the exit.
    func runClosingAfterFirstLine(_ arguments: [String]) async throws -> Ended {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try CLI.binary())
        process.arguments = arguments
        let output = Pipe()
        let errors = temp("stderr")
        defer { try? FileManager.default.removeItem(at: errors) }
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let reader = output.fileHandleForReading
        let buffer = try await OffPool.run { () -> Data in
            var buffer = Data()
            while !buffer.contains(0x0A) {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
            }
            try reader.close()
            return buffer
        }
        let outlived = !(await AsyncPoll.until(within: .seconds(120)) { !process.isRunning })
        if outlived { process.terminate() }
        let ended = await ProcessExit.wait(for: process)
        if outlived { Issue.record("\(arguments) still ran 120 s after its reader left") }
        let first = buffer.split(separator: 0x0A).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
        return Ended(
            reason: ended.reason, status: ended.status, firstLine: first,
            stderr: (try? String(contentsOf: errors, encoding: .utf8)) ?? "", outlivedReader: outlived)
    }

    /// `scan … --format jsonl | head -1` with each engine: the first report arrives, the second target
    /// (a port that never answers) finishes after the reader has gone, and its line meets EPIPE.
    @Test(arguments: ["wire", "openssl", "gnutls"])
    func sigpipeFromAClosedPipeEndsWithStatusFiveAndOneLine(_ engine: String) async throws {
        let origin = try await TestOrigin.start("openssl-modern")
        defer { origin.stop() }
        let silent = try SilentListener()
        defer { silent.stop() }
        let list = temp("fleet.txt")
        defer { try? FileManager.default.removeItem(at: list) }
        try "127.0.0.1:\(origin.port) sni=localhost\n127.0.0.1:\(silent.port)\n".write(to: list, atomically: true, encoding: .utf8)
        let ended = try await runClosingAfterFirstLine([
            "scan", "--targets-file", list.path, "--format", "jsonl", "--engine", engine,
            "--no-http-check", "--no-groups", "--timeout", "2", "--attempts", "1",
        ])
        #expect(ended.reason == .exit, "\(engine): ended by signal \(ended.status); stderr: \(ended.stderr)")
        #expect(ended.status == 5, "\(engine): exit \(ended.status); stderr: \(ended.stderr)")
        // whichever target finished first (on a loaded machine the origin's scan may outlast the silent one's 2 s)
        #expect(
            ended.firstLine.contains("\"port\":\(origin.port)") || ended.firstLine.contains("\"port\":\(silent.port)"),
            "\(engine): first line \(ended.firstLine)")
        // a closed pipe on standard output is the reader's choice (`| head`): no error line, as git and grep
        #expect(ended.stderr.isEmpty, "\(engine): \(ended.stderr)")
    }

    /// A full disk: `--output /dev/full` (one report, and the JSON Lines stream) and standard output on
    /// /dev/full end with the same status and a line naming ENOSPC; /dev/full stays a device.
    @Test func enospcOnDevFullEndsWithStatusFiveAndOneLine() async throws {
        let origin = try await TestOrigin.start("openssl-modern")
        defer { origin.stop() }
        let target = "127.0.0.1:\(origin.port)"
        let quick = ["--sni", "localhost", "--no-http-check", "--no-groups", "--no-cross-check"]
        for arguments in [
            ["scan", target, "--format", "json", "--output", "/dev/full"] + quick,
            ["scan", target, "--format", "jsonl", "--output", "/dev/full"] + quick,
        ] {
            let run = try await CLI.run(arguments)
            #expect(run.status == 5, "\(arguments): exit \(run.status) \(run.stderr)")
            #expect(
                run.stderr == "tlsmatrix: error: output could not be written: '/dev/full': No space left on device (ENOSPC)\n",
                "\(arguments): \(run.stderr)")
        }
        let errors = temp("stderr")
        defer { try? FileManager.default.removeItem(at: errors) }
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try CLI.binary())
        process.arguments = ["scan", target] + quick
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        let ended = await ProcessExit.wait(for: process)
        let message = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        #expect(ended.reason == .exit, "ended by signal \(ended.status)")
        #expect(ended.status == 5)
        #expect(
            message == "tlsmatrix: error: output could not be written: standard output: No space left on device (ENOSPC)\n", "\(message)")
        var info = stat()
        #expect(stat("/dev/full", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR, "/dev/full is no longer a device")
    }
}
