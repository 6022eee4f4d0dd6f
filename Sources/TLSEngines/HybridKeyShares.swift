import Crypto
import Foundation
import TLSWire

/// Key shares for the post-quantum groups a named client may offer (ML-KEM alone, or hybrid with an elliptic
/// curve), which a published sample cannot stand in for: a server checks an ML-KEM encapsulation key before it
/// answers, so each hello gets a freshly generated one (the private half is dropped; a probe never finishes the
/// key exchange). The elliptic-curve halves are the published sample points of ``KeyShareSamples``.
///
/// Layouts (draft-ietf-tls-ecdhe-mlkem §4.1 and draft-ietf-tls-mlkem): X25519MLKEM768 is the ML-KEM-768 key
/// then the X25519 share; SecP256r1MLKEM768 and SecP384r1MLKEM1024 put the curve point first.
package enum HybridKeyShares {
    package static let x25519MLKEM768: UInt16 = 0x11EC
    package static let secp256r1MLKEM768: UInt16 = 0x11EB
    package static let secp384r1MLKEM1024: UInt16 = 0x11ED
    package static let mlkem768: UInt16 = 0x0201
    package static let mlkem1024: UInt16 = 0x0202

    /// A fresh share for `group`, or nil when the group is not one of the post-quantum groups above.
    package static func share(for group: UInt16) -> [UInt8]? {
        switch group {
        case x25519MLKEM768: mlkem768Key().map { $0 + KeyShareSamples.x25519 }
        case secp256r1MLKEM768: mlkem768Key().map { KeyShareSamples.secp256r1 + $0 }
        case secp384r1MLKEM1024: mlkem1024Key().map { KeyShareSamples.secp384r1 + $0 }
        case mlkem768: mlkem768Key()
        case mlkem1024: mlkem1024Key()
        default: nil
        }
    }

    static func mlkem768Key() -> [UInt8]? {
        (try? MLKEM768.PrivateKey.generate()).map { [UInt8]($0.publicKey.rawRepresentation) }
    }

    static func mlkem1024Key() -> [UInt8]? {
        (try? MLKEM1024.PrivateKey.generate()).map { [UInt8]($0.publicKey.rawRepresentation) }
    }
}
