/// One TLS record: content type, version and fragment (RFC 8446 §5.1).
package struct Record: Sendable, Equatable {
    package let contentType: UInt8
    package let version: UInt16
    package let fragment: [UInt8]

    /// Reads one complete record from the front of `buffer`, or returns `nil` if more bytes are needed.
    ///
    /// Throws when the header cannot start a TLS record or the length is beyond the protocol limit,
    /// so a hostile length never makes the caller wait for (or buffer) 64 KB of garbage.
    package static func parse(from buffer: [UInt8], at start: Int = 0) throws(WireError) -> (record: Record, consumed: Int)? {
        let available = buffer.count - start
        guard available >= 1 else { return nil }
        let type = buffer[start]
        guard (20...24).contains(type) else {
            throw .notTLS(RecordSniffer.describe(Array(buffer[start..<min(buffer.count, start + 16)])))
        }
        guard available >= 5 else { return nil }
        let major = buffer[start + 1]
        guard major == 3 else { throw .notTLS("record version byte 0x\(String(major, radix: 16)) is not 3") }
        let version = UInt16(major) << 8 | UInt16(buffer[start + 2])
        let length = Int(buffer[start + 3]) << 8 | Int(buffer[start + 4])
        guard length <= TLSConstants.maxFragment else { throw .oversizedRecord(length) }
        guard available >= 5 + length else { return nil }
        let fragment = Array(buffer[(start + 5)..<(start + 5 + length)])
        return (Record(contentType: type, version: version, fragment: fragment), 5 + length)
    }
}

/// Describes bytes that are not TLS, for error messages.
package enum RecordSniffer {
    /// How ``describe(_:)`` starts when the bytes are a plain HTTP response.
    package static let plainHTTP = "the server answered plain HTTP"

    package static func describe(_ bytes: [UInt8]) -> String {
        let printable = bytes.prefix(8).allSatisfy { (32...126).contains($0) || $0 == 10 || $0 == 13 }
        if printable, let text = String(bytes: bytes.prefix(8), encoding: .ascii) {
            let line = text.split(whereSeparator: { $0 == "\r" || $0 == "\n" }).first.map(String.init) ?? text
            if line.hasPrefix("HTTP/") { return "\(plainHTTP) (\"\(line)\")" }
            return "the server sent text \"\(line)\""
        }
        let hex = bytes.prefix(8).map { String(format2: $0) }.joined(separator: " ")
        return "unexpected bytes \(hex)"
    }
}

extension String {
    init(format2 byte: UInt8) {
        let digits = Array("0123456789abcdef")
        self = String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
