import Foundation
import Testing
@testable import TLSCatalog

/// The typed parts of a suite (``CipherSuite/KeyExchange``, ``CipherSuite/Authentication``,
/// ``CipherSuite/BulkCipher``, ``CipherSuite/MAC``, ``NamedGroup/Kind``) against the JSON they decode from and
/// against the IANA names: every property is checked by a rule computed from the name, not a copied list.
struct SuiteComponentsTests {
    let catalog = Catalog.shared

    /// The JSON objects of one registry of the embedded data, as the generator wrote them.
    private func rawEntries(_ json: String, _ key: String) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return try #require(object?[key] as? [[String: Any]])
    }

    @Test("every suite decodes into the enums, with the JSON strings as raw values")
    func suitesDecode() throws {
        let raw = try rawEntries(EmbeddedData.cipherSuites, "suites")
        #expect(raw.count == catalog.suites.count)
        for (entry, suite) in zip(raw, catalog.suites) {
            #expect(entry["iana"] as? String == suite.iana)
            #expect(entry["kx"] as? String == suite.keyExchange.rawValue, "\(suite.iana)")
            #expect(entry["auth"] as? String == suite.authentication.rawValue, "\(suite.iana)")
            #expect(entry["cipher"] as? String == suite.cipher.rawValue, "\(suite.iana)")
            #expect(entry["mac"] as? String == suite.mac.rawValue, "\(suite.iana)")
        }
        // No case is dead: the enums hold exactly the values the catalog uses.
        #expect(Set(catalog.suites.map(\.keyExchange)) == Set(CipherSuite.KeyExchange.allCases))
        #expect(Set(catalog.suites.map(\.authentication)) == Set(CipherSuite.Authentication.allCases))
        #expect(Set(catalog.suites.map(\.cipher)) == Set(CipherSuite.BulkCipher.allCases))
        #expect(Set(catalog.suites.map(\.mac)) == Set(CipherSuite.MAC.allCases))
    }

    @Test("every group decodes into NamedGroup.Kind, with the JSON string as raw value")
    func groupsDecode() throws {
        let raw = try rawEntries(EmbeddedData.groups, "groups")
        #expect(raw.count == catalog.groups.count)
        for (entry, group) in zip(raw, catalog.groups) {
            #expect(entry["kind"] as? String == group.kind.rawValue, "\(group.name)")
        }
        #expect(Set(catalog.groups.map(\.kind)) == Set(NamedGroup.Kind.allCases))
    }

    @Test("description is the raw value, so text output reads as the JSON does")
    func descriptions() {
        let pairs =
            CipherSuite.KeyExchange.allCases.map { ($0.description, $0.rawValue) }
            + CipherSuite.Authentication.allCases.map { ($0.description, $0.rawValue) }
            + CipherSuite.BulkCipher.allCases.map { ($0.description, $0.rawValue) }
            + CipherSuite.MAC.allCases.map { ($0.description, $0.rawValue) }
            + NamedGroup.Kind.allCases.map { ("\($0)", $0.rawValue) }
        for (description, raw) in pairs { #expect(description == raw) }
    }

    /// The key-exchange part of an IANA name (`ECDHE_RSA` of `TLS_ECDHE_RSA_WITH_…`), nil for most TLS 1.3 suites
    /// and the signaling values, whose names have no `_WITH_`.
    private func exchangePart(_ iana: String) -> Substring? {
        guard let with = iana.range(of: "_WITH_") else { return nil }
        return iana[iana.index(iana.startIndex, offsetBy: 4)..<with.lowerBound]
    }

    /// Whether the name is a TLS 1.3 suite's: no `_WITH_` and not a signaling value, or one of RFC 9367's
    /// GOST suites for TLS 1.3 (`…_WITH_KUZNYECHIK_MGM_L`; the TLS 1.2 GOST suites use CTR/CNT).
    private func isTLS13Name(_ iana: String) -> Bool {
        (!iana.contains("_WITH_") && !iana.hasSuffix("_SCSV")) || iana.contains("_MGM_")
    }

    @Test("key exchange properties agree with the IANA names")
    func keyExchangeAgreesWithNames() {
        for suite in catalog.suites {
            let name = suite.iana, kx = suite.keyExchange
            // The words of the key-exchange part: `ECDHE_RSA` → ECDHE, RSA; `PSK_DHE` (RFC 6655) → PSK, DHE.
            let words = Set((exchangePart(name) ?? "").split(separator: "_").map(String.init))
            let tls13 = isTLS13Name(name)
            let anonymous = words.contains("anon")
            #expect(tls13 == suite.isTLS13, "\(name)")
            #expect(tls13 == (kx == .any), "\(name)")
            #expect(kx.isAnonymous == anonymous, "\(name)")
            #expect(suite.isAnonymous == anonymous, "\(name)")
            #expect((suite.authentication == .anon) == anonymous, "\(name)")
            #expect(kx.isEllipticCurveDH == (!tls13 && !words.isDisjoint(with: ["ECDH", "ECDHE"])), "\(name)")
            #expect(kx.isFiniteFieldDH == (!tls13 && !words.isDisjoint(with: ["DH", "DHE"])), "\(name)")
            #expect(kx.isPSK == (!tls13 && words.contains("PSK")), "\(name)")
            let ephemeral = !words.isDisjoint(with: ["DHE", "ECDHE", "ECCPWD"]) || anonymous || tls13
            #expect(kx.isEphemeral == ephemeral, "\(name)")
            #expect(kx.isEphemeral == suite.forwardSecrecy, "\(name): the catalog's forwardSecrecy")
        }
    }

    @Test("cipher properties agree with the IANA names")
    func cipherAgreesWithNames() {
        for suite in catalog.suites {
            let name = suite.iana
            #expect(suite.cipher.isChaCha20 == name.contains("CHACHA20"), "\(name)")
            #expect(suite.isChaCha20 == name.contains("CHACHA20"), "\(name)")
            #expect(suite.cipher.isRC4 == name.contains("_RC4_"), "\(name)")
            #expect(suite.cipher.isTripleDES == name.contains("_3DES_"), "\(name)")
            let unencrypted = name.contains("_WITH_NULL_") || name == "TLS_SHA256_SHA256" || name == "TLS_SHA384_SHA384"
            #expect((suite.cipher == .null) == (unencrypted || name.hasSuffix("_SCSV")), "\(name)")
            #expect((suite.mac == .aead) == suite.aead, "\(name)")
        }
    }

    /// `json` with the first `"key": "old"` replaced by `"key": "new"`.
    private func replacingFirst(_ json: String, _ key: String, _ old: String, _ new: String) throws -> String {
        let range = try #require(json.range(of: "\"\(key)\": \"\(old)\""))
        return json.replacingCharacters(in: range, with: "\"\(key)\": \"\(new)\"")
    }

    @Test("an unknown kx, auth, cipher or mac is a catalog error that names the value")
    func unknownSuiteValueRejected() throws {
        for (key, old) in [("kx", "ECDHE"), ("auth", "RSA"), ("cipher", "AES_128_GCM"), ("mac", "SHA1")] {
            let json = try replacingFirst(EmbeddedData.cipherSuites, key, old, "NO_SUCH_\(key.uppercased())")
            #expect {
                _ = try Catalog.decode(
                    cipherSuitesJSON: json, groupsJSON: EmbeddedData.groups,
                    signatureSchemesJSON: EmbeddedData.signatureSchemes, clientJSONs: [])
            } throws: { error in
                guard let error = error as? TLSMatrixError else { return false }
                return error.code == .invalidCatalogData && error.reason.contains("cipher-suites.json")
                    && error.reason.contains("NO_SUCH_\(key.uppercased())")
            }
        }
    }

    @Test("an unknown group kind is a catalog error that names the value")
    func unknownGroupKindRejected() throws {
        let json = try replacingFirst(EmbeddedData.groups, "kind", "ecdhe", "elliptic")
        #expect {
            _ = try Catalog.decode(
                cipherSuitesJSON: EmbeddedData.cipherSuites, groupsJSON: json,
                signatureSchemesJSON: EmbeddedData.signatureSchemes, clientJSONs: [])
        } throws: { error in
            guard let error = error as? TLSMatrixError else { return false }
            return error.code == .invalidCatalogData && error.reason.contains("groups.json") && error.reason.contains("elliptic")
        }
    }
}
