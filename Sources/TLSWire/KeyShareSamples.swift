/// Well-formed public keys for the key_share extension.
///
/// A probe never completes the key exchange, so the scanner needs points that are valid on their
/// curves, not secret ones: a server checks that a share is well formed before it answers, but the
/// private half is never used. These are published test points (RFC 7748 §6.1 for X25519; the
/// generator point of P-256 from SEC 2).
package enum KeyShareSamples {
    /// x25519 (group 0x001D): Alice's public key from RFC 7748 §6.1.
    package static let x25519: [UInt8] = hex(
        "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")

    /// secp256r1 (group 0x0017): the uncompressed generator point G.
    package static let secp256r1: [UInt8] = hex(
        "04"
            + "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
            + "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5")

    /// secp384r1 (group 0x0018): the uncompressed generator point G (SEC 2). Sent only in a second
    /// ClientHello, when a HelloRetryRequest asks for this group.
    package static let secp384r1: [UInt8] = hex(
        "04"
            + "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7"
            + "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f")

    /// secp521r1 (group 0x0019): the uncompressed generator point G (SEC 2).
    package static let secp521r1: [UInt8] = hex(
        "04"
            + "00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66"
            + "011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650"
    )

    /// x448 (group 0x001E): Alice's public key from RFC 7748 §6.2.
    package static let x448: [UInt8] = hex(
        "9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c22c5d9bbc836647241d953d40c5b12da88120d53177f80e532c41fa0")

    /// The share to send for a group, when the scanner has one.
    package static func share(for group: UInt16) -> [UInt8]? {
        switch group {
        case 0x001D: x25519
        case 0x0017: secp256r1
        case 0x0018: secp384r1
        case 0x0019: secp521r1
        case 0x001E: x448
        default: nil
        }
    }

    static func hex(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            out.append(nibble(high) << 4 | nibble(low))
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: 0
        }
    }
}
