import Foundation
import TestSupport
import TLSAudit

/// The bad-certificate PKI from `scripts/testpki`, generated once per test run into a temporary directory.
struct CertificateTestPKI: Sendable {
    let directory: URL

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Generated on first use; every test shares it.
    static let shared: Result<CertificateTestPKI, Failure> = {
        do {
            return .success(try generate())
        } catch let failure as Failure {
            return .failure(failure)
        } catch {
            return .failure(Failure(description: "\(error)"))
        }
    }()

    static func load() throws -> CertificateTestPKI { try shared.get() }

    private static func generate() throws -> CertificateTestPKI {
        let root = try TestOrigin.repoRoot()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tlsmatrix-testpki-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        let process = Process()
        process.executableURL = root.appendingPathComponent("scripts/testpki")
        process.arguments = [directory.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "scripts/testpki failed (\(process.terminationStatus)): \(String(decoding: message, as: UTF8.self))")
        }
        return CertificateTestPKI(directory: directory)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func pem(_ name: String) throws -> String {
        try String(contentsOfFile: path(name.hasSuffix(".crt") ? name : name + ".crt"), encoding: .utf8)
    }

    /// DER of `NAME.crt`.
    func der(_ name: String) throws -> [UInt8] {
        let body = try pem(name).split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        guard let data = Data(base64Encoded: body) else { throw Failure(description: "\(name): bad PEM") }
        return Array(data)
    }

    func chain(_ names: [String]) throws -> [[UInt8]] { try names.map(der) }

    /// A trust store holding only the test root.
    func rootStore() throws -> TrustStore { try TrustStore(pem: pem("root")) }

    /// `openssl x509 -fingerprint -sha256` of a certificate, "AB:CD:…".
    func opensslFingerprint(_ name: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", path(name + ".crt")]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return String(text.split(separator: "=").last ?? "")
    }
}
