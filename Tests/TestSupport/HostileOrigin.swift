import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A misbehaving origin on 127.0.0.1 from `scripts/origins/hostile_origin.py`: one TCP server that breaks
/// the TLS protocol in one chosen way (see that script for exactly which bytes each mode sends).
///
///     let origin = try await HostileOrigin.start(.unofferedSuite)
///     defer { origin.stop() }
///     // probe 127.0.0.1:origin.port, then read origin.connections() for what the server sent
///
/// The server runs until ``stop()`` (SIGKILL by PID) or until this process exits (it watches its
/// stdin, which only this object holds open).
public final class HostileOrigin: @unchecked Sendable {
    /// The ways the origin misbehaves (the script's `--mode` names).
    public enum Mode: String, CaseIterable, Sendable, CustomStringConvertible {
        case silent, close, reset, http, random, truncated, oversized
        case zeroHandshake = "zero-handshake"
        case unofferedSuite = "unoffered-suite"
        case unofferedVersion = "unoffered-version"
        case hrrTwice = "hrr-twice"
        case sslv2
        case unknownAlert = "unknown-alert"
        case slow
        case hugeCertificate = "huge-certificate"
        case endless
        case endlessAlerts = "endless-alerts"
        case chainBomb = "chain-bomb"
        case forgedLeaf = "forged-leaf"
        /// A real certificate chain whose leaf names carry terminal control sequences (scripts/controlcert).
        case controlCN = "control-cn"
        /// TLS 1.3: a HelloRetryRequest with no key_share and no cookie (wolfSSL 5.5 with no common group).
        case hrrNoGroup = "hrr-no-group"
        /// TLS 1.3: a HelloRetryRequest with a cookie and no key_share; answers a second hello that echoes it.
        case hrrCookie = "hrr-cookie"
        /// TLS ≤ 1.2: ECDHE ServerHello and Certificate, then a clean close (mbedTLS 2.28 with no common curve).
        case ecdheNoKeyExchange = "ecdhe-no-kx"
        /// The same flight, then a reset.
        case ecdheNoKeyExchangeReset = "ecdhe-no-kx-reset"
        /// The same flight and half a ServerKeyExchange record, then a clean close.
        case ecdheNoKeyExchangeCut = "ecdhe-no-kx-cut"

        public var description: String { rawValue }

        /// Modes that complete a well-formed handshake flight whose certificates are the attack: a scan may
        /// rightly report suites for them.
        public var servesCertificates: Bool { self == .chainBomb || self == .forgedLeaf || self == .controlCN }

        /// Modes that copy how a real stack answers (wolfSSL, mbedTLS) rather than break the protocol to attack
        /// the client; their tests check the exact outcome.
        public var copiesAStack: Bool {
            [.hrrNoGroup, .hrrCookie, .ecdheNoKeyExchange, .ecdheNoKeyExchangeReset, .ecdheNoKeyExchangeCut].contains(self)
        }

        /// Modes that break the protocol itself (every mode but those serving hostile certificates and those
        /// copying a real stack).
        public static var protocolBreaking: [Mode] { allCases.filter { !$0.servesCertificates && !$0.copiesAStack } }
    }

    /// What the origin logged about one connection when it ended.
    public struct ConnectionRecord: Decodable, Sendable, CustomStringConvertible {
        /// 1 for the first connection accepted, and so on.
        public let conn: Int
        public let mode: String
        /// Bytes read from the client.
        public let received: Int
        /// Bytes the kernel accepted for sending before the client left (send buffers are kept small).
        public let sent: Int
        /// Client hellos read and understood.
        public let hellos: Int
        /// How the connection ended, in words ("client left (BrokenPipeError)", "answered", …).
        public let end: String

        public var description: String { "#\(conn) \(mode): received \(received), sent \(sent), \(hellos) hello(s), \(end)" }
    }

    public let mode: Mode
    public let port: Int
    public let pid: Int32
    /// One JSON line per finished connection.
    public let logURL: URL
    private let process: Process
    private let input: Pipe
    private let stderrURL: URL
    private let lock = NSLock()
    private var stopped = false

    private init(mode: Mode, port: Int, process: Process, input: Pipe, logURL: URL, stderrURL: URL) {
        self.mode = mode
        self.port = port
        self.pid = process.processIdentifier
        self.process = process
        self.input = input
        self.logURL = logURL
        self.stderrURL = stderrURL
    }

    /// Starts an origin in `mode`, on a thread of its own so the cooperative pool never waits for it.
    public static func start(_ mode: Mode, arguments: [String] = []) async throws -> HostileOrigin {
        try await OffPool.run { try startBlocking(mode, arguments: arguments) }
    }

    /// Starts an origin in `mode` and waits (≤ 15 s) for its `LISTENING <port>` line. Blocks the caller.
    public static func startBlocking(_ mode: Mode, arguments: [String] = []) throws -> HostileOrigin {
        let root = try TestOrigin.repoRoot()
        let script = root.appendingPathComponent("scripts/origins/hostile_origin.py")
        let python = try interpreter(root: root)
        let tag = "tlsmatrix-hostile-\(mode.rawValue)-\(UUID().uuidString)"
        let logURL = FileManager.default.temporaryDirectory.appendingPathComponent(tag + ".jsonl")
        let stderrURL = FileManager.default.temporaryDirectory.appendingPathComponent(tag + ".stderr")
        guard FileManager.default.createFile(atPath: stderrURL.path, contents: nil),
            let stderrHandle = try? FileHandle(forWritingTo: stderrURL)
        else {
            throw TestOriginError.toolsMissing("cannot create \(stderrURL.path)")
        }
        defer { try? stderrHandle.close() }

        let process = Process()
        process.executableURL = python
        process.arguments = [script.path, "--mode", mode.rawValue, "--log", logURL.path] + arguments
        process.currentDirectoryURL = root
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = stderrHandle
        process.standardInput = input
        do {
            try process.run()
        } catch {
            throw TestOriginError.toolsMissing("cannot run \(python.path): \(error)")
        }
        var buffer = Data()
        let deadline = Date().addingTimeInterval(30)  // the certificate modes run openssl first
        var found: Int?
        while found == nil, Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }  // EOF: the script exited
            buffer.append(chunk)
            let text = String(decoding: buffer, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("LISTENING ") }) {
                found = Int(line.dropFirst("LISTENING ".count).trimmingCharacters(in: .whitespaces))
            }
        }
        guard let found else {
            kill(process.processIdentifier, SIGKILL)
            let stderr = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
            throw TestOriginError.startFailed(
                kind: "hostile \(mode.rawValue)", status: -1,
                stderr: String(decoding: buffer, as: UTF8.self) + stderr)
        }
        return HostileOrigin(mode: mode, port: found, process: process, input: input, logURL: logURL, stderrURL: stderrURL)
    }

    /// `.venv/bin/python` when bootstrapped, else the system `python3` (the script needs only the standard library).
    private static func interpreter(root: URL) throws -> URL {
        let candidates = [root.appendingPathComponent(".venv/bin/python").path, "/usr/bin/python3", "/usr/local/bin/python3"]
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestOriginError.toolsMissing("python3")
        }
        return URL(fileURLWithPath: path)
    }

    /// Kills the server by its PID (SIGKILL) and removes its files. Never blocks, never throws; idempotent.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        if pid > 1 { kill(pid, SIGKILL) }
        try? input.fileHandleForWriting.close()
        try? FileManager.default.removeItem(at: logURL)
        try? FileManager.default.removeItem(at: stderrURL)
    }

    deinit { stop() }

    /// Connections that have ended so far, in the order they ended.
    public func connections() -> [ConnectionRecord] {
        guard let text = try? String(contentsOf: logURL, encoding: .utf8) else { return [] }
        let decoder = JSONDecoder()
        return text.split(separator: "\n").compactMap { try? decoder.decode(ConnectionRecord.self, from: Data($0.utf8)) }
    }

    /// Waits until at least `count` connections have ended (the server logs one when its client has
    /// gone), polling without blocking a thread; returns what was logged by then, even if fewer.
    public func endedConnections(atLeast count: Int, within limit: Duration = .seconds(20)) async -> [ConnectionRecord] {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: limit)
        var records = connections()
        while records.count < count, clock.now < end {
            try? await Task.sleep(for: .milliseconds(50))
            records = connections()
        }
        return records
    }

    /// The server's own stderr (a traceback, if it failed).
    public func stderrText() -> String {
        (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
    }
}

/// Runs blocking test set-up or tear-down (starting or stopping a server process, reading a pipe to its end)
/// on a thread of its own, so async tests never stall Swift's cooperative pool. To wait for a process to end,
/// ``ProcessExit`` needs no thread at all.
public enum OffPool {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.name = "test-off-pool"
            thread.start()
        }
    }
}
