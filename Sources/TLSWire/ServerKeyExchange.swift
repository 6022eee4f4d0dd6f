import TLSCatalog

/// What a TLS 1.2-and-earlier ServerKeyExchange says about the key exchange strength.
package enum ServerKeyExchange: Sendable, Equatable {
    /// ECDHE with a named curve (RFC 8422 §5.4).
    case namedCurve(UInt16)
    /// ECDHE with explicit curve parameters (deprecated; curve_type 1 or 2).
    case explicitCurve
    /// Finite-field DHE with a prime of this many bits.
    case finiteField(primeBits: Int)
    /// A key exchange this parser does not inspect (RSA export, PSK, SRP …).
    case other

    /// Parses the body of a handshake message of type 12 for a suite whose key exchange is `keyExchange`
    /// (the catalog's kx, e.g. `ECDHE`, `DHE`, `DH_anon`; nil for a suite the catalog does not know).
    package init(body: [UInt8], keyExchange: CipherSuite.KeyExchange?) throws(WireError) {
        var reader = ByteReader(body)
        let kx = keyExchange ?? .null
        if kx.isPSK && !kx.isEllipticCurveDH && !kx.isFiniteFieldDH {
            self = .other
            return
        }
        if kx.isPSK {
            var hint = try reader.readVector(prefixBytes: 2, "PSK identity hint")
            try hint.skip(hint.remaining)
        }
        if kx.isEllipticCurveDH {
            let curveType = try reader.readUInt8("ECParameters curve type")
            switch curveType {
            case 3: self = .namedCurve(try reader.readUInt16("named curve"))
            case 1, 2: self = .explicitCurve
            default: throw .malformed("ECParameters curve type \(curveType)")
            }
        } else if kx.isFiniteFieldDH {
            var prime = try reader.readVector(prefixBytes: 2, "DH prime")
            let bytes = prime.rest()
            try prime.skip(prime.remaining)
            // Skip leading zero bytes by index: removing them one at a time was quadratic in the prime's
            // length (a 64 KB prime of zeros cost ~40 ms per parse in a release build, ~0.1 ms now).
            guard let start = bytes.firstIndex(where: { $0 != 0 }) else { throw .malformed("empty DH prime") }
            self = .finiteField(primeBits: (bytes.count - start - 1) * 8 + (8 - bytes[start].leadingZeroBitCount))
        } else {
            self = .other
        }
    }
}
