/// An SSL 2.0 CLIENT-HELLO, used only to detect whether a server still speaks SSL 2.0.
package struct SSLv2ClientHello: Sendable {
    /// The seven SSL 2.0 cipher kinds (three bytes each).
    package static let allCipherKinds: [UInt32] = [
        0x010080, 0x020080, 0x030080, 0x040080, 0x050080, 0x060040, 0x0700C0,
    ]

    package var cipherKinds: [UInt32]
    package var challenge: [UInt8]

    package init(cipherKinds: [UInt32] = SSLv2ClientHello.allCipherKinds, challenge: [UInt8]? = nil) {
        self.cipherKinds = cipherKinds
        var rng = SystemRandomNumberGenerator()
        self.challenge = challenge ?? (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    /// The SSL 2.0 record: a two-byte header with the high bit set, then the message.
    package func encode() -> [UInt8] {
        var body = ByteWriter()
        body.write(UInt8(1))  // CLIENT-HELLO
        body.write(UInt16(0x0002))
        body.write(UInt16(cipherKinds.count * 3))
        body.write(UInt16(0))  // session id length
        body.write(UInt16(challenge.count))
        for kind in cipherKinds {
            body.write(UInt8(truncatingIfNeeded: kind >> 16))
            body.write(UInt16(truncatingIfNeeded: kind))
        }
        body.write(challenge)
        var out = ByteWriter()
        out.write(UInt16(0x8000 | UInt16(body.bytes.count)))
        out.write(body.bytes)
        return out.bytes
    }
}

/// The parts of an SSL 2.0 SERVER-HELLO a scanner needs.
package struct SSLv2ServerHello: Sendable, Equatable {
    package let version: UInt16
    package let cipherKinds: [UInt32]
    package let certificate: [UInt8]

    /// Parses the message after the two-byte SSL 2.0 header.
    package init(message: [UInt8]) throws(WireError) {
        var reader = ByteReader(message)
        guard try reader.readUInt8("SSLv2 message type") == 4 else { throw .malformed("SSLv2 message is not SERVER-HELLO") }
        _ = try reader.readUInt8("session id hit")
        _ = try reader.readUInt8("certificate type")
        version = try reader.readUInt16("SSLv2 version")
        let certLength = Int(try reader.readUInt16("certificate length"))
        let specsLength = Int(try reader.readUInt16("cipher specs length"))
        _ = try reader.readUInt16("connection id length")
        guard specsLength % 3 == 0 else { throw .malformed("SSLv2 cipher specs length \(specsLength) is not a multiple of 3") }
        certificate = try reader.readBytes(certLength, "SSLv2 certificate")
        var kinds: [UInt32] = []
        for _ in 0..<(specsLength / 3) {
            let high = UInt32(try reader.readUInt8("cipher kind"))
            let low = UInt32(try reader.readUInt16("cipher kind"))
            kinds.append(high << 16 | low)
        }
        cipherKinds = kinds
    }
}
