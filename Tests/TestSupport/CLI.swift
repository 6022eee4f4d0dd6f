import Foundation
#if canImport(Glibc)
    import Glibc
#endif

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

    /// ``run(_:)`` for async tests: the same run, awaited without blocking a thread of the cooperative pool.
    public static func run(_ arguments: [String]) async throws -> Run {
        let result = try await TestOrigin.run(URL(fileURLWithPath: try binary()), arguments, in: try TestOrigin.repoRoot())
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
