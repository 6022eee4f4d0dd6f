import Foundation

/// A tlslite-ng server from `scripts/origins/tlslite_server.py`, for origins the usual servers refuse to run:
/// a certificate that does not match its key, or a chain sent in the wrong order.
public final class TLSLiteServer: @unchecked Sendable {
    public let port: Int
    private let server: ListeningScript

    /// Starts the server with `certificatePEM` (the chain as sent, in file order) and `keyPEM`,
    /// speaking versions `min`...`max` in tlslite notation ("3.3" = TLS 1.2).
    public init(certificatePEM: String, keyPEM: String, min: String = "3.3", max: String = "3.3") throws {
        let python = try TestOrigin.repoRoot().appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw TestOriginError.toolsMissing(".venv/bin/python (run scripts/bootstrap)")
        }
        server = try ListeningScript(
            script: "tlslite_server.py",
            arguments: ["--cert", certificatePEM, "--key", keyPEM, "--min", min, "--max", max])
        port = server.port
    }

    /// ``init(certificatePEM:keyPEM:min:max:)`` for async tests: Python's start awaited on a thread of its own.
    public static func start(certificatePEM: String, keyPEM: String, min: String = "3.3", max: String = "3.3") async throws -> TLSLiteServer
    {
        try await OffPool.run { try TLSLiteServer(certificatePEM: certificatePEM, keyPEM: keyPEM, min: min, max: max) }
    }

    public func stop() {
        server.stop()
    }
}

/// Throw-away PKIs made by the repository's scripts, each in a new temporary folder.
public enum TestPKI {
    /// `scripts/pki DIR`: root, intermediate, RSA and ECDSA leaves for localhost.
    public static func make() throws -> URL { try run("pki", label: "pki") }

    /// `scripts/testpki DIR`: good and deliberately bad certificates (see the script's header); `label` names the folder.
    public static func audit(_ label: String) throws -> URL { try run("testpki", label: label) }

    private static func run(_ script: String, label: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-\(label)-\(UUID().uuidString)")
        let root = try TestOrigin.repoRoot()
        let result = try TestOrigin.run(root.appendingPathComponent("scripts/\(script)"), [dir.path], in: root)
        guard result.status == 0 else {
            throw TestOriginError.startFailed(kind: script, status: result.status, stderr: result.stderr)
        }
        return dir
    }
}
