import Foundation

/// A tlslite-ng server from `scripts/lib/tlslite_server.py`, for origins the usual servers refuse to run:
/// a certificate that does not match its key, or a chain sent in the wrong order.
public final class TLSLiteServer: @unchecked Sendable {
    public let port: Int
    private let process: Process

    /// Starts the server with `certificatePEM` (the chain as sent, in file order) and `keyPEM`,
    /// speaking versions `min`...`max` in tlslite notation ("3.3" = TLS 1.2).
    public init(certificatePEM: String, keyPEM: String, min: String = "3.3", max: String = "3.3") throws {
        let root = try TestOrigin.repoRoot()
        let python = root.appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw TestOriginError.toolsMissing(".venv/bin/python (run scripts/bootstrap)")
        }
        let process = Process()
        process.executableURL = python
        process.arguments = [root.appendingPathComponent("scripts/lib/tlslite_server.py").path,
                             "--cert", certificatePEM, "--key", keyPEM, "--min", min, "--max", max]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
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
                found = Int(line.dropFirst("LISTENING ".count))
            }
        }
        guard let found else {
            process.terminate()
            throw TestOriginError.startFailed(kind: "tlslite", status: -1, stderr: String(decoding: buffer, as: UTF8.self))
        }
        self.port = found
    }

    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// Runs `scripts/pki DIR` and returns DIR: root, intermediate, RSA and ECDSA leaves for localhost.
public enum TestPKI {
    public static func make() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-pki-\(UUID().uuidString)")
        let root = try TestOrigin.repoRoot()
        let result = try TestOrigin.run(root.appendingPathComponent("scripts/pki"), [dir.path], in: root)
        guard result.status == 0 else {
            throw TestOriginError.startFailed(kind: "pki", status: result.status, stderr: result.stderr)
        }
        return dir
    }
}
