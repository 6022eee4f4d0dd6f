import Foundation
import Testing
@testable import TLSCatalog

struct NamedGroupTests {
    let catalog = Catalog.shared

    @Test("codes and names are unique across IANA, OpenSSL, GnuTLS names and aliases")
    func unique() {
        #expect(Set(catalog.groups.map(\.code)).count == catalog.groups.count)
        var owner: [String: UInt16] = [:]
        for group in catalog.groups {
            for name in Set(group.allNames.map { $0.lowercased() }) {
                #expect(owner[name] == nil, "\(name) names two groups")
                owner[name] = group.code
            }
        }
    }

    @Test("every name resolves back to its code")
    func namesResolve() {
        for group in catalog.groups {
            #expect(catalog.group(code: group.code) == group)
            for name in group.allNames {
                #expect(catalog.group(named: name)?.code == group.code, "\(name)")
            }
        }
        #expect(catalog.group(named: "prime256v1")?.code == 23)
        #expect(catalog.group(named: "P-256")?.code == 23)
        #expect(catalog.group(named: "x25519")?.openssl == "X25519")
        #expect(catalog.group(named: "0x001D")?.code == 29)
        #expect(catalog.group(named: "29")?.code == 29)
        #expect(catalog.group(named: "GROUP-FFDHE2048")?.code == 256)
    }

    @Test("no GREASE or reserved values")
    func noGrease() {
        for group in catalog.groups {
            #expect(group.code & 0x0F0F != 0x0A0A, "GREASE \(group.code)")
            #expect(group.name != "Reserved")
        }
    }

    @Test("spot checks")
    func spotChecks() throws {
        let x25519 = try #require(catalog.group(code: 29))
        #expect(x25519.name == "x25519" && x25519.openssl == "X25519" && x25519.gnutls == "GROUP-X25519")
        #expect(x25519.kind == .ecdhe && x25519.bits == 253 && !x25519.deprecated)
        let p256 = try #require(catalog.group(code: 23))
        #expect(p256.openssl == "P-256" && p256.gnutls == "GROUP-SECP256R1" && p256.bits == 256)
        #expect(catalog.group(code: 256)?.kind == .ffdhe)
        #expect(catalog.group(code: 4588)?.kind == .hybrid)
        #expect(catalog.group(code: 4588)?.opensslSince == "3.5")
        #expect(catalog.group(code: 1)?.deprecated == true)
        #expect(catalog.group(code: 0) == nil)
    }
}
