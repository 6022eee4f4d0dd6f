/// A TLS alert (RFC 8446 §6).
package struct Alert: Sendable, Equatable, CustomStringConvertible {
    package let level: UInt8
    package let code: UInt8

    package init(level: UInt8, code: UInt8) {
        self.level = level
        self.code = code
    }

    package init(fragment: [UInt8]) throws(WireError) {
        var reader = ByteReader(fragment)
        level = try reader.readUInt8("alert level")
        code = try reader.readUInt8("alert description")
    }

    package var isFatal: Bool { level == 2 }

    /// certificate_required (RFC 8446 §6.2): the server wants a client certificate and got none.
    package static let certificateRequired: UInt8 = 116

    /// The RFC name of the description, or `unknown(N)`.
    package var name: String { Self.names[code] ?? "unknown(\(code))" }

    package var description: String { "\(isFatal ? "fatal" : "warning") alert \(name) (\(code))" }

    static let names: [UInt8: String] = [
        0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 21: "decryption_failed",
        22: "record_overflow", 30: "decompression_failure", 40: "handshake_failure", 41: "no_certificate",
        42: "bad_certificate", 43: "unsupported_certificate", 44: "certificate_revoked",
        45: "certificate_expired", 46: "certificate_unknown", 47: "illegal_parameter", 48: "unknown_ca",
        49: "access_denied", 50: "decode_error", 51: "decrypt_error", 60: "export_restriction",
        70: "protocol_version", 71: "insufficient_security", 80: "internal_error",
        86: "inappropriate_fallback", 90: "user_canceled", 100: "no_renegotiation", 109: "missing_extension",
        110: "unsupported_extension", 111: "certificate_unobtainable", 112: "unrecognized_name",
        113: "bad_certificate_status_response", 114: "bad_certificate_hash_value", 115: "unknown_psk_identity",
        116: "certificate_required", 120: "no_application_protocol",
    ]
}
