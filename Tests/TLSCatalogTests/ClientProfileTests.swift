import Foundation
import Testing
@testable import TLSCatalog

struct ClientProfileTests {
    let catalog = Catalog.shared

    @Test("client ids are unique")
    func uniqueIDs() {
        #expect(Set(catalog.clients.map(\.id)).count == catalog.clients.count)
    }

    @Test("every client suite, group and signature scheme resolves")
    func everythingResolves() {
        for client in catalog.clients {
            for code in client.suites { #expect(catalog.suite(code: code) != nil, "\(client.id) suite \(code)") }
            for code in client.groups { #expect(catalog.group(code: code) != nil, "\(client.id) group \(code)") }
            for code in client.signatureSchemes {
                #expect(catalog.signatureScheme(code: code) != nil, "\(client.id) scheme \(code)")
            }
            #expect(Set(client.unverifiedSignatureSchemes).isSubset(of: client.signatureSchemes))
            #expect(!client.sources.isEmpty)
        }
    }

    @Test("CloudFront origin profile")
    func cloudFront() throws {
        let cf = try #require(catalog.client(id: "cloudfront-origin"))
        #expect(cf.versions == [.sslv3, .tls10, .tls11, .tls12])
        #expect(!cf.supports(.tls13))
        #expect(cf.suites.count == 16)
        #expect(cf.suites == [0xC02C, 0xC024, 0xC00A, 0xC02B, 0xC023, 0xC009,
                              0xC030, 0xC028, 0xC014, 0xC02F, 0xC027, 0xC013,
                              0x0035, 0x002F, 0x000A, 0x0004])
        #expect(cf.groups == [23, 24, 29])
        #expect(cf.signatureSchemes == [0x0401, 0x0501, 0x0601, 0x0301, 0x0403, 0x0503, 0x0603, 0x0303, 0x0201, 0x0203])
        #expect(cf.unverifiedSignatureSchemes == [0x0301, 0x0303])
        #expect(cf.originSslProtocols == ["SSLv3": .sslv3, "TLSv1": .tls10, "TLSv1.1": .tls11, "TLSv1.2": .tls12])
        #expect(cf.offers(suite: 0x0004))
        #expect(!cf.notes.isEmpty)
        // The OpenSSL names CloudFront documents are the catalog's OpenSSL names.
        let names = cf.suites.compactMap { catalog.suite(code: $0)?.openssl }
        #expect(names.first == "ECDHE-ECDSA-AES256-GCM-SHA384")
        #expect(names.last == "RC4-MD5")
        #expect(names.count == 16)
    }

    @Test("Codable round trip")
    func roundTrip() throws {
        let cf = try #require(catalog.client(id: "cloudfront-origin"))
        let data = try JSONEncoder().encode(cf)
        #expect(try JSONDecoder().decode(ClientProfile.self, from: data) == cf)
    }
}
