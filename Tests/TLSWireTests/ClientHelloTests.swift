import Testing
import TLSCatalog
import TLSWire

/// The ClientHello builder: exact bytes for small hellos, and read-back of real captured hellos.
@Suite struct ClientHelloTests {
    static let fixedRandom = [UInt8](repeating: 0xAB, count: 32)

    @Test func sslv3HelloExactBytes() {
        let hello = ClientHello(version: .sslv3, suites: [0x000A, 0x0004], random: Self.fixedRandom, sessionID: [])
        let expected: [UInt8] =
            [
                0x16, 0x03, 0x00, 0x00, 0x31,  // record: handshake, SSL 3.0, 49 bytes
                0x01, 0x00, 0x00, 0x2D,  // ClientHello, 45 bytes
                0x03, 0x00,
            ] + Self.fixedRandom + [
                0x00,  // empty session id
                0x00, 0x06, 0x00, 0x0A, 0x00, 0x04, 0x00, 0xFF,  // suites + renegotiation SCSV
                0x01, 0x00,
            ]  // null compression, no extensions
        #expect(hello.encodeRecords() == expected)
    }

    @Test func tls12HelloExactBytes() {
        let hello = ClientHello(
            version: .tls12, suites: [0xC02F], serverName: "a.io", groups: [0x001D],
            signatureSchemes: [0x0804], random: Self.fixedRandom, sessionID: [])
        var expectedBody: [UInt8] = [0x03, 0x03] + Self.fixedRandom + [0x00, 0x00, 0x02, 0xC0, 0x2F, 0x01, 0x00]
        let extensions: [UInt8] = [
            0x00, 0x00, 0x00, 0x09, 0x00, 0x07, 0x00, 0x00, 0x04, 0x61, 0x2E, 0x69, 0x6F,  // server_name a.io
            0x00, 0x0A, 0x00, 0x04, 0x00, 0x02, 0x00, 0x1D,  // supported_groups x25519
            0x00, 0x0B, 0x00, 0x02, 0x01, 0x00,  // ec_point_formats uncompressed
            0x00, 0x0D, 0x00, 0x04, 0x00, 0x02, 0x08, 0x04,  // signature_algorithms
            0xFF, 0x01, 0x00, 0x01, 0x00,  // renegotiation_info
            0x00, 0x17, 0x00, 0x00,  // extended_master_secret
        ]
        expectedBody += [0x00, UInt8(extensions.count)] + extensions
        let handshake: [UInt8] = [0x01, 0x00, 0x00, UInt8(expectedBody.count)] + expectedBody
        let record: [UInt8] = [0x16, 0x03, 0x01, 0x00, UInt8(handshake.count)] + handshake
        #expect(hello.encodeRecords() == record)
    }

    @Test func tls13HelloReadsBack() throws {
        let hello = ClientHello(
            version: .tls13, suites: [0x1301, 0x1302], serverName: "origin.example",
            groups: [0x001D, 0x0017, 0x0018], signatureSchemes: [0x0403, 0x0804])
        let summary = try ClientHelloSummary(records: hello.encodeRecords())
        #expect(summary.legacyVersion == 0x0303)
        #expect(summary.suites == [0x1301, 0x1302])
        #expect(summary.supportedVersions == [0x0304])
        #expect(summary.keyShareGroups == [0x001D, 0x0017])
        #expect(summary.supportedGroups == [0x001D, 0x0017, 0x0018])
        #expect(summary.serverName == "origin.example")
        #expect(summary.sessionID.count == 32)
        #expect(!summary.extensionTypes.contains(0xFF01))
    }

    /// An offer without key shares (the server then names its own pick in a HelloRetryRequest): the key_share
    /// extension is there with an empty client_shares list (RFC 8446 §4.2.8), the last extension.
    @Test func tls13HelloWithoutKeySharesExactTail() throws {
        let hello = ClientHello(
            version: .tls13, suites: [0x1301], groups: [0x0018, 0x0017], signatureSchemes: [0x0403],
            keyShareGroups: [], random: Self.fixedRandom, sessionID: [])
        let bytes = hello.encodeRecords()
        let tail: [UInt8] = [
            0x00, 0x2B, 0x00, 0x03, 0x02, 0x03, 0x04,  // supported_versions: TLS 1.3
            0x00, 0x33, 0x00, 0x02, 0x00, 0x00,
        ]  // key_share: an empty client_shares list
        #expect(Array(bytes.suffix(tail.count)) == tail)
        let summary = try ClientHelloSummary(records: bytes)
        #expect(summary.keyShareGroups == [])  // present, and empty
        #expect(summary.supportedGroups == [0x0018, 0x0017])
        #expect(hello.sharesSent.isEmpty)
    }

    @Test func noSNIForIPLiterals() throws {
        for literal in ["127.0.0.1", "::1", "2001:db8::1"] {
            let hello = ClientHello(version: .tls12, suites: [0xC02F], serverName: literal)
            #expect(try ClientHelloSummary(records: hello.encodeRecords()).serverName == nil)
        }
    }

    @Test func padsHellosOutOfTheF5Range() throws {
        for count in 1...200 {
            let suites = (0..<count).map { UInt16(0xC000 + $0) }
            let handshake = ClientHello(version: .tls12, suites: suites, groups: [0x17], signatureSchemes: [0x0401]).encodeHandshake()
            #expect(!(256...511).contains(handshake.count), "hello of \(handshake.count) bytes")
        }
    }

    @Test func largeOfferSplitsIntoRecords() throws {
        let suites = (0..<9000).map { UInt16(truncatingIfNeeded: $0) }
        let bytes = ClientHello(version: .tls12, suites: suites).encodeRecords()
        let summary = try ClientHelloSummary(records: bytes)
        #expect(summary.suites.count == 9000)
    }

    @Test func everyCatalogSuiteFitsOneRecord() throws {
        for version in [TLSVersion.sslv3, .tls10, .tls11, .tls12, .tls13] {
            let suites = Catalog.shared.suites(for: version).map(\.code)
            let bytes = ClientHello(version: version, suites: suites, groups: [0x1D, 0x17], signatureSchemes: [0x0804]).encodeRecords()
            #expect(bytes.count < 16384 + 5)
            #expect(try ClientHelloSummary(records: bytes).suites.prefix(suites.count) == suites[...])
        }
    }

    @Test(arguments: ["tls12-ecdhe-rsa", "tls13-x25519", "tls13-hrr", "tls10-rsa", "gnutls-tls10-rc4"])
    func readsCapturedClientHellos(_ name: String) throws {
        let expected = try #require(try Fixtures.expected()[name]?["client_hello"] as? [String: Any])
        let summary = try ClientHelloSummary(records: try Fixtures.bytes("\(name).client.bin"))
        #expect(summary.legacyVersion == Fixtures.hex(expected["legacy_version"] as? String))
        #expect(summary.suites == (expected["cipher_suites"] as? [String] ?? []).compactMap(Fixtures.hex))
        #expect(summary.extensionTypes == (expected["extensions"] as? [Int] ?? []).map(UInt16.init))
        #expect(summary.serverName == expected["sni"] as? String)
        #expect(summary.supportedGroups == (expected["supported_groups"] as? [Int])?.map(UInt16.init))
        #expect(summary.keyShareGroups == (expected["key_share_groups"] as? [Int])?.map(UInt16.init))
    }

    @Test func sslv2HelloExactBytes() {
        let hello = SSLv2ClientHello(cipherKinds: [0x010080], challenge: [UInt8](repeating: 1, count: 16))
        let expected: [UInt8] =
            [0x80, 0x1C, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x00, 0x00, 0x10, 0x01, 0x00, 0x80]
            + [UInt8](repeating: 1, count: 16)
        #expect(hello.encode() == expected)
    }
}
