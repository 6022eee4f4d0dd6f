#if canImport(Glibc)
import Foundation
import Glibc
#endif

/// A TCP port on 127.0.0.1 that accepts connections (through the kernel backlog) and never answers.
public final class SilentListener: @unchecked Sendable {
    public let port: Int
    private let fd: Int32

    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        guard fd >= 0 else { throw TestOriginError.toolsMissing("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw TestOriginError.toolsMissing("bind/listen failed")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    private let closed = NSLock()
    private var isClosed = false

    /// Closes the listening socket once; later calls (and deinit) do nothing, so a reused descriptor
    /// number belonging to someone else (an event loop's socket) is never closed by mistake.
    public func stop() {
        closed.lock()
        defer { closed.unlock() }
        guard !isClosed else { return }
        isClosed = true
        close(fd)
    }

    deinit { stop() }
}

/// Runs the built `tlsmatrix` binary.
public enum CLI {
    public struct Run: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// The `tlsmatrix` built with these tests: SwiftPM puts the test runner (`tlsmatrixPackageTests.xctest`)
    /// and the package's executables in one bin directory (`swift build --show-bin-path`), so the binary is
    /// looked up beside the running test executable, once. Throws (every CLI test then fails) when it is
    /// not there; it never falls back to another build's binary.
    public static func binary() throws -> String { try located.get() }

    private static let located: Result<String, CLIBinaryMissing> = {
        let runner = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = runner.deletingLastPathComponent()
        // macOS runs the tests from inside a bundle (X.xctest/Contents/MacOS/X): the bin directory holds the bundle.
        while directory.path.contains(".xctest"), directory.path != "/" { directory.deleteLastPathComponent() }
        let binary = directory.appendingPathComponent("tlsmatrix").path
        guard access(binary, X_OK) == 0 else { return .failure(CLIBinaryMissing(runner: runner.path, expected: binary)) }
        return .success(binary)
    }()
    public static func run(_ arguments: [String]) throws -> Run {
        let result = try TestOrigin.run(URL(fileURLWithPath: try binary()), arguments, in: try TestOrigin.repoRoot())
        return Run(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }
}

/// The `tlsmatrix` executable is not beside the test runner.
public struct CLIBinaryMissing: Error, CustomStringConvertible, Sendable {
    public let runner: String
    public let expected: String
    public var description: String {
        "CLI: no tlsmatrix executable at \(expected) (beside the test runner \(runner)); build it with `swift build --build-tests`"
    }
}
