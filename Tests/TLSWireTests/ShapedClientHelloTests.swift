import Testing
import TLSCatalog
@testable import TLSWire

/// A named client's own ClientHello (``ClientHello/Shape``), checked byte for byte against a vector written out
/// from RFC 8446 §4.1.2 / §4.2 (not from the encoder).
struct ShapedClientHelloTests {
    static func bytes(_ hex: String) -> [UInt8] {
        let digits = hex.filter { !$0.isWhitespace }
        var out: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            out.append(UInt8(digits[index..<next], radix: 16) ?? 0)
            index = next
        }
        return out
    }

    static let hello = ClientHello(
        version: .tls13, suites: [0x1301, 0xC02F], serverName: "a.example", groups: [0x001D, 0x0017],
        signatureSchemes: [0x0403], keyShareGroups: [0x001D], random: [UInt8](repeating: 0xAA, count: 32),
        sessionID: [UInt8](repeating: 0xBB, count: 32),
        shape: ClientHello.Shape(
            versions: [.tls12, .tls13],
            extensions: [0x002B, 0x0000, 0x000A, 0x000D, 0x0033, 0x0017, 0x0005, 0x0010],
            renegotiationSCSV: true))

    @Test func encodesTheClientsOwnOrder() {
        let x25519 = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"  // RFC 7748 §6.1, Alice
        let expected = Self.bytes(
            """
            16 0301 00b7
            01 0000b3
            0303 \(String(repeating: "aa", count: 32))
            20 \(String(repeating: "bb", count: 32))
            0006 1301 c02f 00ff
            01 00
            0064
            002b 0005 04 0304 0303
            0000 000e 000c 00 0009 612e6578616d706c65
            000a 0006 0004 001d 0017
            000d 0004 0002 0403
            0033 0026 0024 001d 0020 \(x25519)
            0017 0000
            0005 0005 01 0000 0000
            """)
        #expect(Self.hello.encodeRecords() == expected)
    }

    @Test func legacyFieldsAndShares() {
        var hello = Self.hello
        #expect(hello.legacyVersion == .tls12)
        #expect(hello.offeredVersions == [.tls12, .tls13])
        #expect(hello.sharesSent == [0x001D])
        // a caller's share wins over the published sample, and a group with no share at all is not sent
        hello.suppliedShares[0x001D] = [1, 2, 3]
        hello.keyShareGroups = [0x11EC, 0x001D]
        hello.groups = [0x11EC, 0x001D]
        #expect(hello.share(for: 0x001D) == [1, 2, 3])
        #expect(hello.sharesSent == [0x001D])
        #expect(hello.extensionBody(0x0033) == Self.bytes("0007 001d 0003 010203"))
        // without TLS 1.3 there is no supported_versions, key_share or psk_key_exchange_modes
        let old = ClientHello(
            version: .tls12, suites: [0xC02F], groups: [0x0017],
            shape: ClientHello.Shape(versions: [.tls10, .tls12], extensions: [0x002B, 0x0033, 0x002D, 0x000B]))
        #expect(old.extensionBody(0x002B) == nil && old.extensionBody(0x0033) == nil && old.extensionBody(0x002D) == nil)
        #expect(old.extensionBody(0x000B) == [1, 0])
        #expect(old.legacyVersion == .tls12)
    }

    @Test func sslv3MinimumStillSendsTheHighestLegacyVersion() {
        let hello = ClientHello(
            version: .tls13, suites: [0x1301, 0x000A], groups: [0x0017], keyShareGroups: [0x0017],
            shape: ClientHello.Shape(versions: [.sslv3, .tls10, .tls11, .tls12, .tls13], extensions: [0x002B]))
        #expect(hello.extensionBody(0x002B) == Self.bytes("0a 0304 0303 0302 0301 0300"))
        let records = hello.encodeRecords()
        #expect(Array(records.prefix(3)) == [0x16, 0x03, 0x01])
        #expect(Array(records[9...10]) == [0x03, 0x03])
    }

    /// RFC 8446 §5.1: only the initial ClientHello may carry record version 0x0301; the one after a
    /// HelloRetryRequest is in a 0x0303 record (wolfSSL closes the connection on 0x0301 there).
    @Test func secondHelloAfterARetryIsInATLS12Record() {
        let hello = ClientHello(version: .tls13, suites: [0x1301], groups: [0x001D, 0x0018], keyShareGroups: [0x0018])
        let first = hello.encodeRecords()
        let second = hello.encodeRecords(afterHelloRetry: true)
        #expect(Array(first.prefix(3)) == [0x16, 0x03, 0x01])
        #expect(Array(second.prefix(3)) == [0x16, 0x03, 0x03])
        #expect(Array(second.dropFirst(3)) == Array(first.dropFirst(3)), "only the record version differs")
    }

    /// GREASE (RFC 8701) where BoringSSL puts it, written out by hand: the random's first bytes (0xAA) give 0xAAAA,
    /// the last extension's value differs (0xBABA, one zero byte), the key share carries one byte.
    @Test func greaseGoesWhereTheClientPutsIt() {
        var hello = Self.hello
        hello.shape?.grease = Set(ClientHello.GreaseSpot.allCases)
        let x25519 = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
        let expected = Self.bytes(
            """
            16 0301 00cd
            01 0000c9
            0303 \(String(repeating: "aa", count: 32))
            20 \(String(repeating: "bb", count: 32))
            0008 aaaa 1301 c02f 00ff
            01 00
            0078
            aaaa 0000
            002b 0007 06 aaaa 0304 0303
            0000 000e 000c 00 0009 612e6578616d706c65
            000a 0008 0006 aaaa 001d 0017
            000d 0006 0004 aaaa 0403
            0033 002b 0029 aaaa 0001 00 001d 0020 \(x25519)
            0017 0000
            0005 0005 01 0000 0000
            baba 0001 00
            """)
        #expect(hello.encodeRecords() == expected)
        // the retry after a HelloRetryRequest keeps the values and drops the GREASE share
        hello.isRetry = true
        let retry = (try? ClientHelloSummary(records: hello.encodeRecords(afterHelloRetry: true)))
        #expect(retry?.keyShareGroups == [0x001D])
        #expect(retry?.suites.first == 0xAAAA)
        #expect(retry?.extensionTypes.first == 0xAAAA && retry?.extensionTypes.last == 0xBABA)
    }

    /// A client that lists padding last pads a hello of 256 to 511 bytes to 512 (BoringSSL), after its last
    /// GREASE extension; a shorter hello gets none.
    @Test func paddingListedLastPadsTo512() throws {
        var hello = Self.hello
        hello.shape?.extensions.append(TLSConstants.extPadding)
        hello.shape?.grease = [.extensionsLast]
        #expect(try ClientHelloSummary(records: hello.encodeRecords()).extensionTypes.last == 0xBABA, "under 256 bytes: no padding")
        hello.suites += (0xC000...0xC027).map { UInt16($0) }  // 80 more bytes: the hello is now 256-511 bytes long
        let bytes = hello.encodeRecords()
        #expect(bytes.count == 5 + 512)
        let summary = try ClientHelloSummary(records: bytes)
        #expect(Array(summary.extensionTypes.suffix(2)) == [0xBABA, TLSConstants.extPadding])
    }
}
