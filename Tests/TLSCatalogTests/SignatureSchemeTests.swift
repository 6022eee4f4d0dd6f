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

    /// RFC 5246 section 7.4.1.4.1 HashAlgorithm and SignatureAlgorithm values.
    static let rfc5246Hash = ["none": 0, "md5": 1, "sha1": 2, "sha224": 3, "sha256": 4, "sha384": 5, "sha512": 6]
    static let rfc5246Signature = ["anonymous": 0, "rsa": 1, "dsa": 2, "ecdsa": 3]

    @Test("the TLS 1.2 (hash, signature) pairs of Data/sources are named, as RFC 5246 encodes them")
    func tls12Pairs() throws {
        let text = try EmbeddedDataTests.file("sources/reference/tls12-signature-pairs.json")
        let file = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect((file["sources"] as? [String])?.isEmpty == false)
        let pairs = try #require(file["pairs"] as? [[String: String]])
        for pair in pairs {
            let code = try #require(HexCode.parse(pair["code"] ?? ""))
            let hash = try #require(Self.rfc5246Hash[pair["hash"] ?? ""])
            let sig = try #require(Self.rfc5246Signature[pair["signature"] ?? ""])
            #expect(code == UInt16(hash << 8 | sig), "\(pair)")
            let scheme = try #require(catalog.signatureScheme(code: code), "\(pair)")
            #expect(scheme.name == pair["name"] && scheme.unverified && scheme.deprecated, "\(pair)")
        }
        // the legacy pairs OpenSSL 3 and Java send (DSA with SHA-1/224/256/384/512, RSA-MD5), and CloudFront's two
        let codes = Set(pairs.compactMap { HexCode.parse($0["code"] ?? "") })
        #expect(codes.count == pairs.count)
        #expect(codes.isSuperset(of: [0x0101, 0x0202, 0x0302, 0x0402, 0x0502, 0x0602, 0x0301, 0x0303]))
    }

    @Test("ML-DSA schemes carry the IANA registry's names")
    func mldsa() throws {
        let csv = try EmbeddedDataTests.file("sources/iana/iana-tls-signature-schemes.csv")
        var rows = 0
        for line in csv.split(whereSeparator: \.isNewline) where line.contains("mldsa") {
            let cols = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let code = try #require(HexCode.parse(cols[0]))
            #expect(catalog.signatureScheme(code: code)?.name == cols[1])
            #expect(catalog.signatureScheme(code: code)?.unverified == false)
            rows += 1
        }
        #expect(rows == 3)
    }
}
