/// Well-formed public keys for the key_share extension.
///
/// A probe never completes the key exchange, so the scanner needs points that are valid on their
/// curves, not secret ones: a server checks that a share is well formed before it answers, but the
/// private half is never used. These are published test points (RFC 7748 §6.1 for X25519; the
/// generator point of P-256 from SEC 2).
public enum KeyShareSamples {
    /// x25519 (group 0x001D): Alice's public key from RFC 7748 §6.1.
    public static let x25519: [UInt8] = hex(
        "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")

    /// secp256r1 (group 0x0017): the uncompressed generator point G.
    public static let secp256r1: [UInt8] = hex(
        "04"
        + "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
        + "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5")

    /// The share to send for a group, when the scanner has one.
    public static func share(for group: UInt16) -> [UInt8]? {
        switch group {
        case 0x001D: x25519
        case 0x0017: secp256r1
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
