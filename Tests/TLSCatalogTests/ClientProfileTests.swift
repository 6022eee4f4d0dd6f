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
        let cf = try #require(catalog.client(id: ClientProfile.ID.cloudFrontOrigin))
        #expect(cf.versions == [.sslv3, .tls10, .tls11, .tls12])
        #expect(!cf.supports(.tls13))
        #expect(cf.suites.count == 16)
        #expect(
            cf.suites == [
                0xC02C, 0xC024, 0xC00A, 0xC02B, 0xC023, 0xC009,
                0xC030, 0xC028, 0xC014, 0xC02F, 0xC027, 0xC013,
                0x0035, 0x002F, 0x000A, 0x0004,
            ])
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

    @Test("at least 12 client profiles, including the required ones")
    func requiredProfiles() throws {
        #expect(catalog.clients.count >= 12)
        let required = [
            "cloudfront-origin", "chrome-current", "firefox-current", "safari-current", "curl-openssl3",
            "python3-ssl", "go-crypto-tls", "java-21", "java-17", "java-8", "android-14", "ie11-win7",
            "openssl-3-default", "python3-debian", "node-20", "node-24", "go-1.17", "go-1.19",
        ]
        for id in required { #expect(catalog.client(id: id) != nil, "\(id)") }
        #expect(catalog.client(id: ClientProfile.ID.cloudFrontOrigin)?.unverified == false)
        for id in ["android-14", "java-21", "go-crypto-tls", "safari-current"] {
            #expect(catalog.client(id: id)?.unverified == true, "\(id)")
        }
    }

    @Test("client lists are well formed")
    func wellFormed() {
        for client in catalog.clients {
            #expect(!client.versions.isEmpty, "\(client.id)")
            #expect(client.versions == client.versions.sorted(), "\(client.id)")
            #expect(Set(client.suites).count == client.suites.count, "\(client.id)")
            #expect(!client.suites.isEmpty && !client.groups.isEmpty && !client.signatureSchemes.isEmpty, "\(client.id)")
            #expect(client.retrieved != nil, "\(client.id)")
            // A TLS 1.3 client offers TLS 1.3 suites, and only TLS 1.3 clients do.
            let offers13 = client.suites.contains { catalog.suite(code: $0)?.isTLS13 == true }
            #expect(offers13 == client.supports(.tls13), "\(client.id)")
        }
    }

    @Test("IE 11 on Windows 7 and Chrome current")
    func knownClients() throws {
        let ie = try #require(catalog.client(id: "ie11-win7"))
        #expect(ie.versions == [.tls10, .tls11, .tls12])
        #expect(ie.suites.first == 0xC028 && ie.offers(suite: 0x000A) && !ie.offers(suite: 0xCCA8))
        #expect(ie.groups == [23, 24])
        let chrome = try #require(catalog.client(id: "chrome-current"))
        #expect(chrome.versions == [.tls12, .tls13])
        #expect(chrome.suites.prefix(3) == [0x1301, 0x1302, 0x1303])
        #expect(chrome.groups.first == 4588)
        #expect(!chrome.unverified)
    }

    @Test("Codable round trip")
    func roundTrip() throws {
        for client in catalog.clients {
            let data = try JSONEncoder().encode(client)
            #expect(try JSONDecoder().decode(ClientProfile.self, from: data) == client)
        }
    }
}
