import Foundation

/// Reads the captured byte fixtures and their independently computed facts.
enum Fixtures {
    static let directory: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func expected() throws -> [String: [String: Any]] {
        let data = try Data(contentsOf: directory.appendingPathComponent("expected.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        return object.compactMapValues { $0 as? [String: Any] }
    }

    static let serverScenarios = [
        "tls12-ecdhe-rsa", "tls12-ecdhe-ecdsa-x25519", "tls13-x25519", "tls13-hrr", "tls10-rsa",
        "alert-handshake-failure", "alert-protocol-version", "gnutls-tls10-rc4", "tls12-multi-record",
    ]

    static func hex(_ text: String?) -> UInt16? {
        guard var t = text?.lowercased() else { return nil }
        if t.hasPrefix("0x") { t.removeFirst(2) }
        return UInt16(t, radix: 16)
    }
}
