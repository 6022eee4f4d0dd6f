import Crypto

/// SHA-256 over a certificate chain as sent (each certificate length-prefixed, so two chains with the same bytes
/// split differently never collide): the key chains are deduplicated and trust decisions cached by.
package enum ChainDigest {
    package static func of(_ chain: [[UInt8]]) -> [UInt8] {
        var hasher = SHA256()
        for certificate in chain {
            let length = UInt32(truncatingIfNeeded: certificate.count)
            hasher.update(data: [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)])
            hasher.update(data: certificate)
        }
        return Array(hasher.finalize())
    }

    /// SHA-256 of one byte string.
    package static func sha256(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }
}
