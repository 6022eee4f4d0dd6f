import Foundation
import Testing
@testable import TLSCatalog

struct CipherSuiteTests {
    let catalog = Catalog.shared

    @Test("codes and names are unique")
    func unique() {
        #expect(Set(catalog.suites.map(\.code)).count == catalog.suites.count)
        for names in [catalog.suites.map(\.iana), catalog.suites.compactMap(\.openssl), catalog.suites.compactMap(\.gnutls)] {
            #expect(Set(names.map { $0.lowercased() }).count == names.count)
        }
        // No OpenSSL/GnuTLS name may equal another suite's IANA name either.
        var owner: [String: UInt16] = [:]
        for suite in catalog.suites {
            for name in Set([suite.iana, suite.openssl, suite.gnutls].compactMap { $0?.lowercased() }) {
                #expect(owner[name] == nil, "\(name) names \(suite.codeString) and another suite")
                owner[name] = suite.code
            }
        }
    }

    @Test("every name resolves back to its code")
    func namesResolve() {
        for suite in catalog.suites {
            #expect(catalog.suite(code: suite.code) == suite)
            #expect(catalog.suite(named: suite.iana)?.code == suite.code)
            #expect(catalog.suite(named: suite.iana.lowercased())?.code == suite.code)
            if let name = suite.openssl { #expect(catalog.suite(named: name)?.code == suite.code, "\(name)") }
            if let name = suite.gnutls { #expect(catalog.suite(named: name)?.code == suite.code, "\(name)") }
            #expect(catalog.suite(named: suite.codeString)?.code == suite.code)
        }
        #expect(catalog.suite(named: "0xc0,0x2f")?.code == 0xC02F)
        #expect(catalog.suite(named: "no-such-suite") == nil)
        #expect(catalog.suite(named: "ADH") == nil)
    }

    @Test("codeString is 0x plus four uppercase hex digits")
    func codeString() {
        for suite in catalog.suites {
            #expect(suite.codeString.count == 6)
            #expect(suite.codeString.hasPrefix("0x"))
            #expect(suite.codeString.dropFirst(2).uppercased() == String(suite.codeString.dropFirst(2)))
        }
        #expect(catalog.suite(code: 0x000A)?.codeString == "0x000A")
    }

    @Test("TLS 1.3 suites are valid only for TLS 1.3, and only they are")
    func tls13Only() throws {
        for code: UInt16 in [0x1301, 0x1302, 0x1303, 0x1304, 0x1305] {
            let suite = try #require(catalog.suite(code: code))
            #expect(suite.versions == [.tls13])
            #expect(suite.isTLS13)
            #expect(suite.keyExchange == .any && suite.authentication == .any)
            #expect(suite.forwardSecrecy)
        }
        for suite in catalog.suites where suite.versions.contains(.tls13) {
            #expect(suite.versions == [.tls13], "\(suite.iana)")
        }
    }

    @Test("internal consistency of flags")
    func consistency() {
        for suite in catalog.suites {
            #expect(!suite.versions.isEmpty)
            #expect(suite.versions == suite.versions.sorted())
            #expect(suite.aead == (suite.mac == .aead), "\(suite.iana)")
            if suite.export {
                #expect(suite.bits == 40 && suite.strength == .insecure)
                #expect(!suite.versions.contains(.tls11) && !suite.versions.contains(.tls12))
            }
            if suite.cipher == .null { #expect(suite.bits == 0 && suite.strength == .insecure) }
            if suite.strength == .secure { #expect(suite.aead && suite.forwardSecrecy, "\(suite.iana)") }
            if suite.aead && !suite.isTLS13 { #expect(suite.versions == [.tls12], "\(suite.iana)") }
        }
        #expect(catalog.suites.filter(\.signaling).map(\.code).sorted() == [0x00FF, 0x5600])
    }

    @Test("0xC02F ECDHE-RSA-AES128-GCM-SHA256")
    func ecdheRsaAes128Gcm() throws {
        let suite = try #require(catalog.suite(code: 0xC02F))
        #expect(suite.iana == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
        #expect(suite.openssl == "ECDHE-RSA-AES128-GCM-SHA256")
        #expect(suite.gnutls == "TLS_ECDHE_RSA_AES_128_GCM_SHA256")
        #expect(suite.keyExchange == .ecdhe)
        #expect(suite.authentication == .rsa)
        #expect(suite.cipher == .aes128GCM)
        #expect(suite.bits == 128)
        #expect(suite.mac == .aead)
        #expect(suite.aead && suite.forwardSecrecy)
        #expect(!suite.export && !suite.signaling)
        #expect(suite.versions == [.tls12])
        #expect(suite.strength == .secure)
        #expect(suite.codeString == "0xC02F")
        #expect(suite.displayName == "ECDHE-RSA-AES128-GCM-SHA256")
        #expect(!suite.isChaCha20 && !suite.isTLS13)
    }

    @Test("0x0004 RC4-MD5 is insecure")
    func rc4Md5() throws {
        let suite = try #require(catalog.suite(code: 0x0004))
        #expect(suite.iana == "TLS_RSA_WITH_RC4_128_MD5")
        #expect(suite.openssl == "RC4-MD5")
        #expect(suite.gnutls == "TLS_RSA_ARCFOUR_128_MD5")
        #expect(suite.strength == .insecure)
        #expect(suite.cipher == .rc4_128 && suite.mac == .md5)
        #expect(suite.versions == [.sslv3, .tls10, .tls11, .tls12])
        #expect(catalog.suite(named: "rc4-md5")?.code == 0x0004)
    }

    @Test("0x000A DES-CBC3-SHA is weak")
    func desCbc3Sha() throws {
        let suite = try #require(catalog.suite(code: 0x000A))
        #expect(suite.iana == "TLS_RSA_WITH_3DES_EDE_CBC_SHA")
        #expect(suite.openssl == "DES-CBC3-SHA")
        #expect(suite.strength == .weak)
        #expect(suite.bits == 112)
        #expect(suite.mac == .sha1)
        #expect(!suite.forwardSecrecy)
    }

    @Test("0x1301 TLS_AES_128_GCM_SHA256")
    func tlsAes128Gcm() throws {
        let suite = try #require(catalog.suite(code: 0x1301))
        #expect(suite.iana == "TLS_AES_128_GCM_SHA256")
        #expect(suite.openssl == "TLS_AES_128_GCM_SHA256")
        #expect(suite.gnutls == "TLS_AES_128_GCM_SHA256")
        #expect(suite.strength == .secure)
        #expect(suite.cipher == .aes128GCM && suite.bits == 128)
        #expect(catalog.suite(code: 0x1303)?.isChaCha20 == true)
    }

    @Test("more spot checks: export, anon, SCSV, static-RSA GCM, CBC with ECDHE")
    func moreSpotChecks() throws {
        let export = try #require(catalog.suite(code: 0x0003))
        #expect(export.openssl == "EXP-RC4-MD5" && export.export && export.versions == [.sslv3, .tls10])
        let anon = try #require(catalog.suite(named: "ADH-AES128-SHA"))
        #expect(anon.code == 0x0034 && anon.authentication == .anon && anon.strength == .insecure)
        let scsv = try #require(catalog.suite(code: 0x5600))
        #expect(scsv.iana == "TLS_FALLBACK_SCSV" && scsv.signaling)
        #expect(catalog.suite(code: 0x009C)?.strength == .weak)
        #expect(catalog.suite(code: 0xC013)?.strength == .weak)
        #expect(catalog.suite(code: 0xC013)?.versions == [.sslv3, .tls10, .tls11, .tls12])
        #expect(catalog.suite(code: 0xC027)?.versions == [.tls12])
        #expect(catalog.suite(code: 0xCCA8)?.strength == .secure)
    }

    @Test("Codable round trip keeps the JSON contract")
    func codableRoundTrip() throws {
        let suite = try #require(catalog.suite(code: 0xC02F))
        let data = try JSONEncoder().encode(suite)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(object?["code"] as? String == "0xC02F")
        #expect(object?["kx"] as? String == "ECDHE")
        #expect(try JSONDecoder().decode(CipherSuite.self, from: data) == suite)
    }
}
