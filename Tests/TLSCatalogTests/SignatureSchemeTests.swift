import Foundation
import Testing
@testable import TLSCatalog

struct SignatureSchemeTests {
    let catalog = Catalog.shared

    @Test("codes and names are unique")
    func unique() {
        #expect(Set(catalog.signatureSchemes.map(\.code)).count == catalog.signatureSchemes.count)
        #expect(Set(catalog.signatureSchemes.map { $0.name.lowercased() }).count == catalog.signatureSchemes.count)
    }

    @Test("every name resolves back to its code")
    func namesResolve() {
        for scheme in catalog.signatureSchemes {
            #expect(catalog.signatureScheme(code: scheme.code) == scheme)
            #expect(catalog.signatureScheme(named: scheme.name)?.code == scheme.code)
            #expect(catalog.signatureScheme(named: scheme.codeString)?.code == scheme.code)
        }
    }

    @Test("spot checks")
    func spotChecks() throws {
        let pss = try #require(catalog.signatureScheme(code: 0x0804))
        #expect(pss.name == "rsa_pss_rsae_sha256" && !pss.deprecated && !pss.unverified)
        #expect(catalog.signatureScheme(code: 0x0201)?.deprecated == true)
        let sha224 = try #require(catalog.signatureScheme(code: 0x0303))
        #expect(sha224.unverified && sha224.deprecated)
        #expect(catalog.signatureScheme(code: 0x0301)?.unverified == true)
        #expect(catalog.signatureScheme(code: 0x0000) == nil)
    }
}
