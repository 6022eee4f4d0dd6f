import Testing
import TLSCatalog
@testable import TLSWire

/// The cookie of a HelloRetryRequest (RFC 8446 §4.2.2) read from hand-written bytes, and echoed last in the
/// second ClientHello.
struct HelloRetryCookieTests {
    static func bytes(_ hex: String) -> [UInt8] {
        ShapedClientHelloTests.bytes(hex)
    }

    static let hrrRandom = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c"

    /// A HelloRetryRequest body: legacy version, the HRR random, an empty session id, TLS_AES_128_GCM_SHA256, null
    /// compression, then `extensions` (hex, without their total length).
    static func retryRequest(_ extensions: String) -> [UInt8] {
        let ext = bytes(extensions)
        return bytes("0303 \(hrrRandom) 00 1301 00") + [UInt8(ext.count >> 8), UInt8(ext.count & 0xFF)] + ext
    }

    @Test func cookieWithoutKeyShareIsKeptWithItsLengthPrefix() throws {
        // supported_versions = TLS 1.3; cookie = 4 bytes de ad be ef
        let hello = try ServerHello(body: Self.retryRequest("002b 0002 0304  002c 0006 0004 deadbeef"))
        #expect(hello.isHelloRetryRequest)
        #expect(hello.version == 0x0304)
        #expect(hello.keyShareGroup == nil)
        #expect(hello.cookie == Self.bytes("0004 deadbeef"))
        #expect(hello.extensionTypes == [0x002B, 0x002C])
    }

    @Test func retryWithNeitherKeyShareNorCookieHasNoCookie() throws {
        // What wolfSSL 5.5 sends when it supports none of the offered groups.
        let hello = try ServerHello(body: Self.retryRequest("002b 0002 0304"))
        #expect(hello.isHelloRetryRequest)
        #expect(hello.keyShareGroup == nil)
        #expect(hello.cookie == nil)
    }

    @Test func emptyOrOverlongCookieIsMalformed() {
        #expect(throws: WireError.self) { try ServerHello(body: Self.retryRequest("002c 0002 0000")) }
        #expect(throws: WireError.self) { try ServerHello(body: Self.retryRequest("002c 0007 0004 deadbeef 00")) }
        #expect(throws: WireError.self) { try ServerHello(body: Self.retryRequest("002c 0005 0004 deadbe")) }
    }

    @Test func secondHelloEchoesTheCookieLast() {
        var hello = ClientHello(
            version: .tls13, suites: [0x1301], groups: [0x001D], keyShareGroups: [0x001D],
            random: [UInt8](repeating: 0xAA, count: 32), sessionID: [UInt8](repeating: 0xBB, count: 32))
        let without = hello.encodeHandshake()
        hello.cookie = Self.bytes("0004 deadbeef")
        let with = hello.encodeHandshake()
        #expect(Array(with.suffix(10)) == Self.bytes("002c 0006 0004 deadbeef"))
        // Everything else is the same hello: the lengths grow by the 10 bytes of the extension.
        #expect(with.count == without.count + 10)
        #expect(Array(with[4..<38]) == Array(without[4..<38]), "same version and random")
    }

    @Test func cookieStaysLastAfterPadding() {
        // A hello of 256–511 bytes is padded past 512 (RFC 7685); the cookie still ends the extensions.
        var hello = ClientHello(version: .tls13, suites: Array(0x0001...0x0060), groups: [0x001D], keyShareGroups: [0x001D])
        hello.cookie = Self.bytes("0004 deadbeef")
        let encoded = hello.encodeHandshake()
        #expect(encoded.count >= 512)
        #expect(Array(encoded.suffix(10)) == Self.bytes("002c 0006 0004 deadbeef"))
    }
}
