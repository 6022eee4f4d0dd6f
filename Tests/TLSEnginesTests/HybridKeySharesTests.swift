import Crypto
import Foundation
import Testing
import TLSWire
@testable import TLSEngines

/// The post-quantum key shares a CloudFront-Upstream-2025-PQ hello carries: layout and size per
/// draft-ietf-tls-ecdhe-mlkem, and an ML-KEM part a server accepts (it parses as an encapsulation key).
struct HybridKeySharesTests {
    @Test func x25519MLKEM768PutsTheMLKEMKeyFirst() throws {
        let share = try #require(HybridKeyShares.share(for: 0x11EC))
        #expect(share.count == 1184 + 32)
        #expect(Array(share.suffix(32)) == KeyShareSamples.x25519)
        _ = try MLKEM768.PublicKey(rawRepresentation: Data(share.prefix(1184)))
    }

    @Test func nistHybridsPutThePointFirst() throws {
        let p256 = try #require(HybridKeyShares.share(for: 0x11EB))
        #expect(p256.count == 65 + 1184)
        #expect(Array(p256.prefix(65)) == KeyShareSamples.secp256r1)
        _ = try MLKEM768.PublicKey(rawRepresentation: Data(p256.suffix(1184)))
        let p384 = try #require(HybridKeyShares.share(for: 0x11ED))
        #expect(p384.count == 97 + 1568)
        #expect(Array(p384.prefix(97)) == KeyShareSamples.secp384r1)
        _ = try MLKEM1024.PublicKey(rawRepresentation: Data(p384.suffix(1568)))
    }

    @Test func freshKeysAndNoShareForOtherGroups() throws {
        #expect(HybridKeyShares.share(for: 0x001D) == nil)
        #expect(HybridKeyShares.share(for: 0x11EC) != HybridKeyShares.share(for: 0x11EC))
    }
}
