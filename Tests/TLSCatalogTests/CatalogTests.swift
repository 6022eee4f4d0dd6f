import Foundation
import Testing
@testable import TLSCatalog

struct CatalogTests {
    @Test("the embedded catalog decodes (Catalog.shared cannot hit its fatalError)")
    func embeddedDecodes() throws {
        let catalog = try Catalog.embedded()
        #expect(catalog.suites.count == Catalog.shared.suites.count)
        #expect(!catalog.sources.isEmpty)
        #expect(Set(catalog.sources).count == catalog.sources.count)
    }

    @Test("registry sizes")
    func counts() {
        let catalog = Catalog.shared
        // Every single-code-point IANA row except Reserved/Unassigned: 352 in the 2022-12 export
        // (329 of them are also in testssl's map; the other 23 include both SCSVs, SM4, AEGIS,
        // ECCPWD, GOST and the RFC 8442 ECDHE_PSK AEAD suites).
        #expect(catalog.suites.count == 352)
        #expect(catalog.groups.count == 56)
        // 37 IANA SignatureScheme rows (2025-11 export) + the 8 TLS 1.2 (hash, signature) pairs of
        // Data/sources/reference/tls12-signature-pairs.json, the only unverified entries
        #expect(catalog.signatureSchemes.count == 45)
        #expect(catalog.signatureSchemes.filter(\.unverified).count == 8)
        #expect(catalog.clients.count >= 1)
    }

    @Test("duplicate codes are rejected")
    func duplicateRejected() throws {
        let json = """
            {"sources": ["x"], "retrieved": "x", "signatureSchemes": [
              {"code": "0x0804", "name": "a", "deprecated": false},
              {"code": "0x0804", "name": "b", "deprecated": false}]}
            """
        #expect {
            _ = try Catalog.decode(
                cipherSuitesJSON: EmbeddedData.cipherSuites, groupsJSON: EmbeddedData.groups,
                signatureSchemesJSON: json, clientJSONs: [])
        } throws: { error in
            (error as? TLSMatrixError)?.code == .invalidCatalogData
                && (error as? TLSMatrixError)?.reason == "catalog registry signature-schemes has code 0x0804 twice"
        }
    }

    @Test("bad JSON is an invalidCatalogData error, not a crash")
    func badJSON() {
        #expect(throws: TLSMatrixError(.invalidCatalogData)) {
            _ = try Catalog.decode(
                cipherSuitesJSON: "{", groupsJSON: EmbeddedData.groups,
                signatureSchemesJSON: EmbeddedData.signatureSchemes, clientJSONs: [])
        }
    }

    @Test("suites(for:) excludes signaling suites and respects versions")
    func suitesForVersion() {
        let catalog = Catalog.shared
        for version in TLSVersion.allCases {
            let list = catalog.suites(for: version)
            #expect(list.allSatisfy { !$0.signaling && $0.versions.contains(version) })
        }
        #expect(catalog.suites(for: .sslv2).isEmpty)
        let tls13 = Set(catalog.suites(for: .tls13).map(\.code))
        #expect(tls13.isSuperset(of: [0x1301, 0x1302, 0x1303, 0x1304, 0x1305]))
        #expect(!tls13.contains(0xC02F))
        #expect(catalog.suites(for: .tls12).contains { $0.code == 0xC02F })
        #expect(catalog.suites(for: .sslv3).contains { $0.code == 0x0004 })
        #expect(!catalog.suites(for: .tls11).contains { $0.export })
    }
}
