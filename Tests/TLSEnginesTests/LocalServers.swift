import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// Runs blocking test set-up (key generation, process start) on a thread of its own, so the
/// cooperative pool stays free for the probes being timed.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// One PKI for the whole test run (generated once, off the cooperative pool).
enum SharedPKI {
    private static let made: Result<TestPKI, any Error> = Result {
        let pki = try TestPKI.make()
        atexit { SharedPKI.cleanup() }
        return pki
    }

    static func cleanup() {
        if case .success(let pki) = made { pki.remove() }
    }

    static func get() async throws -> TestPKI {
        try await offPool { try made.get() }
    }
}

/// A throwaway PKI in a temp dir: a CA and a leaf it signed (RSA 2048), as PEM and DER.
struct TestPKI: Sendable {
    let directory: URL
    var caCert: String { directory.appendingPathComponent("ca.pem").path }
    var leafCert: String { directory.appendingPathComponent("leaf.pem").path }
    var leafKey: String { directory.appendingPathComponent("leaf.key").path }
    let leafDER: [UInt8]
    let caDER: [UInt8]

    static func make() throws -> TestPKI {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-engines-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let d = directory.path
        try run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(d)/ca.key", "-out", "\(d)/ca.pem",
                "-days", "2", "-subj", "/CN=tlsmatrix test CA",
            ])
        try run(
            "/usr/bin/openssl",
            [
                "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(d)/leaf.key", "-out", "\(d)/leaf.csr",
                "-subj", "/CN=localhost",
            ])
        try run(
            "/usr/bin/openssl",
            [
                "x509", "-req", "-in", "\(d)/leaf.csr", "-CA", "\(d)/ca.pem", "-CAkey", "\(d)/ca.key",
                "-CAcreateserial", "-days", "2", "-out", "\(d)/leaf.pem",
            ])
        try run("/usr/bin/openssl", ["x509", "-in", "\(d)/leaf.pem", "-outform", "DER", "-out", "\(d)/leaf.der"])
        try run("/usr/bin/openssl", ["x509", "-in", "\(d)/ca.pem", "-outform", "DER", "-out", "\(d)/ca.der"])
        let leaf = try [UInt8](Data(contentsOf: directory.appendingPathComponent("leaf.der")))
        let ca = try [UInt8](Data(contentsOf: directory.appendingPathComponent("ca.der")))
        return TestPKI(directory: directory, leafDER: leaf, caDER: ca)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw LocalServerError.toolFailed(tool, arguments, text) }
        return text
    }
}

enum LocalServerError: Error, CustomStringConvertible {
    case toolFailed(String, [String], String)
    case notListening(String, String)
    case socket(String)

    var description: String {
        switch self {
        case .toolFailed(let tool, let args, let out): "\(tool) \(args.joined(separator: " ")) failed: \(out)"
        case .notListening(let what, let log): "\(what) did not start listening: \(log)"
        case .socket(let why): why
        }
    }
}

/// A real TLS server process (openssl s_server or gnutls-serv), stopped by its PID.
final class LocalServer: @unchecked Sendable {
    let process: Process
    let port: Int
    let log: URL

    private init(process: Process, port: Int, log: URL) {
        self.process = process
        self.port = port
        self.log = log
    }

    /// `openssl s_server` on 127.0.0.1 (or ::1) with the leaf + CA chain.
    static func openssl(_ pki: TestPKI, extra: [String], ipv6: Bool = false) async throws -> LocalServer {
        try await startOpenSSL(pki, extra: extra, ipv6: ipv6)
    }

    /// `gnutls-serv` (listens on all interfaces; it has no bind option) with the leaf only.
    static func gnutls(_ pki: TestPKI, priority: String) async throws -> LocalServer {
        try await startGnuTLS(pki, priority: priority)
    }

    private static func startOpenSSL(_ pki: TestPKI, extra: [String], ipv6: Bool) async throws -> LocalServer {
        let port = try freePort(ipv6: ipv6)
        let host = ipv6 ? "[::1]" : "127.0.0.1"
        return try await start(
            "/usr/bin/openssl",
            [
                "s_server", "-accept", "\(host):\(port)", "-cert", pki.leafCert, "-key", pki.leafKey,
                "-cert_chain", pki.caCert, "-www", "-naccept", "1000",
            ] + extra,
            port: port, address: ipv6 ? "::1" : "127.0.0.1", pki: pki)
    }

    private static func startGnuTLS(_ pki: TestPKI, priority: String) async throws -> LocalServer {
        let port = try freePort(ipv6: false)
        return try await start(
            "/usr/bin/gnutls-serv",
            [
                "--port", String(port), "--x509certfile", pki.leafCert, "--x509keyfile", pki.leafKey,
                "--priority", priority, "--quiet",
            ],
            port: port, address: "127.0.0.1", pki: pki)
    }

    private static func start(_ tool: String, _ arguments: [String], port: Int, address: String, pki: TestPKI) async throws -> LocalServer {
        let log = pki.directory.appendingPathComponent("server-\(port).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = Pipe()  // never written, never closed while the server runs
        try process.run()
        let server = LocalServer(process: process, port: port, log: log)
        // Wait (up to 10 s) until the port accepts connections, sleeping between checks without blocking a thread.
        for _ in 0..<200 {
            if canConnect(address: address, port: port) { return server }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        server.stop()
        throw LocalServerError.notListening(tool, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    /// SIGKILL by PID: children of the test runner inherit a signal mask that blocks SIGTERM
    /// (and gnutls-serv ignores it anyway).
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

/// A free TCP port: bind port 0, read it, close (a listener started right after reuses it).
func freePort(ipv6: Bool) throws -> Int {
    let listener = try SilentListener(ipv6: ipv6)
    let port = listener.port
    listener.close()
    return port
}

/// A port on 127.0.0.1 that refuses connections for as long as this object lives: a socket bound to it that never
/// listens (and has no SO_REUSEADDR, so no other test's server can bind the port meanwhile). A port "freed" by
/// closing a listener can be taken by a parallel test's server before the probe connects.
final class RefusedPort {
    private var fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LocalServerError.socket("socket failed") }
        var storage = sockaddr_storage()
        var length = fill(&storage, address: "127.0.0.1", port: 0)
        let bound = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard bound == 0, named == 0 else {
            Glibc.close(fd)
            throw LocalServerError.socket("bind on 127.0.0.1 failed: errno \(errno)")
        }
        self.fd = fd
        port = withUnsafeBytes(of: storage) { raw in Int(UInt16(raw[2]) << 8 | UInt16(raw[3])) }
    }

    func close() {
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
    }

    deinit { close() }
}

/// Whether something accepts TCP connections on address:port.
func canConnect(address: String, port: Int) -> Bool {
    let ipv6 = address.contains(":")
    let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var storage = sockaddr_storage()
    let length = fill(&storage, address: address, port: port)
    let rc = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) } }
    return rc == 0
}

private func fill(_ storage: inout sockaddr_storage, address: String, port: Int) -> socklen_t {
    if address.contains(":") {
        var sin6 = sockaddr_in6()
        sin6.sin6_family = sa_family_t(AF_INET6)
        sin6.sin6_port = in_port_t(UInt16(port).bigEndian)
        _ = inet_pton(AF_INET6, address, &sin6.sin6_addr)
        withUnsafeMutableBytes(of: &storage) { raw in withUnsafeBytes(of: sin6) { raw.copyMemory(from: $0) } }
        return socklen_t(MemoryLayout<sockaddr_in6>.size)
    }
    var sin = sockaddr_in()
    sin.sin_family = sa_family_t(AF_INET)
    sin.sin_port = in_port_t(UInt16(port).bigEndian)
    _ = inet_pton(AF_INET, address, &sin.sin_addr)
    withUnsafeMutableBytes(of: &storage) { raw in withUnsafeBytes(of: sin) { raw.copyMemory(from: $0) } }
    return socklen_t(MemoryLayout<sockaddr_in>.size)
}

/// A listening socket that never accepts or writes: connections complete (kernel backlog) and then hear nothing.
final class SilentListener {
    private(set) var fd: Int32
    let port: Int

    init(ipv6: Bool = false, backlog: Int32 = 256) throws {
        let address = ipv6 ? "::1" : "127.0.0.1"
        let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LocalServerError.socket("socket failed") }
        var storage = sockaddr_storage()
        var length = fill(&storage, address: address, port: 0)
        let bound = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, backlog) == 0 else {
            Glibc.close(fd)
            throw LocalServerError.socket("bind/listen on \(address) failed: errno \(errno)")
        }
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else {
            Glibc.close(fd)
            throw LocalServerError.socket("getsockname failed")
        }
        self.fd = fd
        port = withUnsafeBytes(of: storage) { raw in
            // sin_port and sin6_port are both at offset 2.
            Int(UInt16(raw[2]) << 8 | UInt16(raw[3]))
        }
    }

    private var held: [Int32] = []

    /// Opens a connection to this listener and keeps it (to fill a backlog of 0: later SYNs are dropped,
    /// so connects time out).
    func holdConnection() throws {
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var storage = sockaddr_storage()
        let length = fill(&storage, address: "127.0.0.1", port: port)
        let rc = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, length) } }
        guard rc == 0 else {
            Glibc.close(client)
            throw LocalServerError.socket("filler connect failed: errno \(errno)")
        }
        held.append(client)
    }

    func close() {
        for client in held { Glibc.close(client) }
        held = []
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
    }

    deinit { close() }
}

/// Accepts connections on a thread of its own and closes each at once (with `reset`, an RST
/// via SO_LINGER 0), after reading what the client sent.
final class ClosingListener: @unchecked Sendable {
    let listener: SilentListener
    let port: Int

    init(reset: Bool, count: Int) throws {
        listener = try SilentListener()
        port = listener.port
        let fd = listener.fd
        Thread {
            for _ in 0..<count {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                var buffer = [UInt8](repeating: 0, count: 4096)
                _ = read(client, &buffer, buffer.count)
                if reset {
                    var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                    _ = setsockopt(client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                }
                Glibc.close(client)
            }
        }.start()
    }

    func close() { listener.close() }
}
