import Foundation

/// A test server written in Python (scripts/origins/*.py) that prints `LISTENING <port>` once bound
/// and serves until killed. Stopped by PID (SIGKILL) in `stop()` and on deinit.
public final class ListeningScript: @unchecked Sendable {
    public let port: Int
    public let process: Process

    /// Runs `scripts/origins/<script>` with the project's venv Python (system python3 as a fallback).
    public init(script: String, arguments: [String], stderr: FileHandle? = nil) throws {
        let root = try TestOrigin.repoRoot()
        let venv = root.appendingPathComponent(".venv/bin/python")
        let python = FileManager.default.isExecutableFile(atPath: venv.path) ? venv : URL(fileURLWithPath: "/usr/bin/python3")
        let process = Process()
        process.executableURL = python
        process.arguments = [root.appendingPathComponent("scripts/origins/\(script)").path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = stderr ?? FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        var buffer = Data()
        let deadline = Date().addingTimeInterval(15)
        var found: Int?
        while found == nil, Date() < deadline, process.isRunning {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            let text = String(decoding: buffer, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("LISTENING ") }) {
                found = Int(line.dropFirst("LISTENING ".count).trimmingCharacters(in: .whitespaces))
            }
        }
        guard let found else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            throw TestOriginError.startFailed(kind: script, status: -1, stderr: String(decoding: buffer, as: UTF8.self))
        }
        self.port = found
    }

    public var pid: Int32 { process.processIdentifier }

    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// `scripts/origins/relay.py`: forwards connections on another loopback address to an origin, so one
/// server can appear at two addresses (e.g. 127.0.0.1 and 127.0.0.2 for `--all-ips`), and injects network
/// faults for tests (the kernels here have no netem).
public enum Relay {
    /// With `maxSuites`, a ClientHello offering more suites than that is answered by a bare close
    /// (a hello-intolerant middlebox).
    /// With `hold`, connections wait (accepted, nothing forwarded) until `hold/go` exists; `hold/accepted`
    /// appears when the first one arrives.
    /// Faults: `latencyMs` adds that one-way delay in each direction (FIN and RST included); connection k
    /// (accept order) takes the k-th draw u of `random.Random(seed)` (seed 0 by default): u < `resetShare`
    /// resets it (TCP RST) after its ClientHello, u < `resetShare + stallShare` stalls it (nothing sent until
    /// the client closes); `throttle` N resets, after its ClientHello, any connection that would be more
    /// than N accepted within the last second. `log` is a file that gets one JSON line per ended connection
    /// (read it with `RelayLog.read`).
    public static func start(
        listen host: String, port: Int = 0, to targetPort: Int, on targetHost: String = "127.0.0.1",
        maxSuites: Int? = nil, hold: String? = nil,
        latencyMs: Double? = nil, resetShare: Double? = nil, stallShare: Double? = nil,
        seed: Int? = nil, throttle: Int? = nil, log: String? = nil
    ) throws -> ListeningScript {
        var arguments = ["--listen", "\(host):\(port)", "--to", "\(targetHost):\(targetPort)"]
        arguments += maxSuites.map { ["--max-suites", String($0)] } ?? []
        arguments += hold.map { ["--hold", $0] } ?? []
        arguments += latencyMs.map { ["--latency-ms", String($0)] } ?? []
        arguments += resetShare.map { ["--reset-share", String($0)] } ?? []
        arguments += stallShare.map { ["--stall-share", String($0)] } ?? []
        arguments += seed.map { ["--seed", String($0)] } ?? []
        arguments += throttle.map { ["--throttle", String($0)] } ?? []
        arguments += log.map { ["--log", $0] } ?? []
        return try ListeningScript(script: "relay.py", arguments: arguments)
    }
}
