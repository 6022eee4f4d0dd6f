import Foundation
import Testing
@testable import TLSCatalog

struct PolicyTests {
    let catalog = Catalog.shared

    @Test("policy counts per family")
    func counts() {
        let byFamily = Dictionary(grouping: catalog.policies, by: \.family).mapValues(\.count)
        #expect(byFamily["elb"] == 46)  // 39 with AWS tables + the 7 RFC9151-FIPS-2023-07 policies (s2n-tls tables)
        #expect(byFamily["elb-classic"] == 5)
        #expect(byFamily["cloudfront-viewer"] == 9)
        #expect(byFamily["mozilla"] == 8)
        #expect(byFamily["nist"] == 3)
        #expect(byFamily["pci"] == 1)
        #expect(byFamily["cnsa"] == 1)
        #expect(Set(byFamily.keys) == ["elb", "elb-classic", "cloudfront-viewer", "mozilla", "nist", "pci", "cnsa"])
    }

    @Test("ids and aliases are unique case-insensitively")
    func uniqueNames() {
        let names = catalog.policies.flatMap(\.allNames).map { $0.lowercased() }
        #expect(Set(names).count == names.count)
        for policy in catalog.policies {
            for name in policy.allNames {
                #expect(catalog.policy(id: name) == policy, "\(name)")
                #expect(catalog.policy(id: " \(name.uppercased()) ") == policy, "\(name)")
            }
        }
        #expect(catalog.policy(id: "no-such-policy") == nil)
    }

    @Test("every policy suite and group resolves, suites fit versions, lists are well formed")
    func everythingResolves() {
        for policy in catalog.policies {
            #expect(!policy.versions.isEmpty, "\(policy.id)")
            #expect(policy.versions == policy.versions.sorted(), "\(policy.id)")
            #expect(Set(policy.suites).count == policy.suites.count, "\(policy.id) repeats a suite")
            #expect(!policy.sources.isEmpty, "\(policy.id)")
            #expect(Set(policy.unverifiedSuites).isSubset(of: policy.suites), "\(policy.id)")
            if !policy.unverifiedSuites.isEmpty { #expect(policy.unverified, "\(policy.id)") }
            for code in policy.suites {
                let suite = catalog.suite(code: code)
                #expect(suite != nil, "\(policy.id) suite \(HexCode.format(code))")
                if let suite {
                    #expect(!suite.signaling, "\(policy.id)")
                    #expect(
                        !Set(suite.versions).isDisjoint(with: policy.versions),
                        "\(policy.id): \(suite.iana) cannot be used with \(policy.versions)")
                }
            }
            for code in policy.groups ?? [] {
                #expect(catalog.group(code: code) != nil, "\(policy.id) group \(code)")
            }
            if let req = policy.requirements {
                for code in req.forbiddenSuites { #expect(catalog.suite(code: code) != nil) }
                if let min = req.minVersion { #expect(policy.versions.allSatisfy { $0 >= min }, "\(policy.id)") }
                #expect(req.forbiddenVersions.allSatisfy { !policy.versions.contains($0) }, "\(policy.id)")
            }
            if policy.versions.contains(.tls13) && !policy.suites.isEmpty {
                #expect(policy.suites.contains { catalog.suite(code: $0)?.isTLS13 == true }, "\(policy.id)")
            }
        }
    }

    @Test("ELBSecurityPolicy-2016-08 matches the AWS table")
    func elb201608() throws {
        let p = try #require(catalog.policy(id: "ELBSecurityPolicy-2016-08"))
        #expect(p.family == "elb")
        #expect(p.versions == [.tls10, .tls11, .tls12])
        #expect(
            p.suites == [
                0xC02B, 0xC02F, 0xC023, 0xC027, 0xC009, 0xC013, 0xC02C, 0xC030, 0xC024, 0xC028,
                0xC00A, 0xC014, 0x009C, 0x003C, 0x002F, 0x009D, 0x003D, 0x0035,
            ])
        #expect(p.groups == nil)
        #expect(!p.unverified)
        #expect(p.serverPreference == true)
        // The Classic Load Balancer table differs, so it has its own id.
        let clb = try #require(catalog.policy(id: "clb:ELBSecurityPolicy-2016-08"))
        #expect(clb.family == "elb-classic")
        #expect(catalog.policy(id: "ELBSecurityPolicy-2016-08-classic") == clb)
    }

    @Test("ELBSecurityPolicy-TLS13-1-2-2021-06 matches the AWS table")
    func elbTLS13() throws {
        let p = try #require(catalog.policy(id: "elbsecuritypolicy-tls13-1-2-2021-06"))
        #expect(p.id == "ELBSecurityPolicy-TLS13-1-2-2021-06")
        #expect(p.versions == [.tls12, .tls13])
        #expect(p.suites == [0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC023, 0xC027, 0xC02C, 0xC030, 0xC024, 0xC028])
        #expect(!p.unverified)
    }

    /// Expected values: aws/s2n-tls policy snapshots (tests/policy_snapshot/snapshots/<name>, commits cited in
    /// Data/sources/reference/elb-policies.json) and the ELB pages' three hybrid groups; codes from the IANA registries
    /// (X25519MLKEM768 0x11EC, SecP256r1MLKEM768 0x11EB, SecP384r1MLKEM1024 0x11ED).
    @Test("ELB PQ and RFC 9151 policies carry the s2n-tls tables, curves and hybrid groups")
    func elbPostQuantumAndRFC9151() throws {
        let hybrid: [UInt16] = [0x11EC, 0x11EB, 0x11ED]
        let pq = try #require(catalog.policy(id: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"))
        #expect(!pq.unverified)
        #expect(pq.versions == [.tls12, .tls13])
        #expect(pq.suites == [0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030])
        #expect(pq.groups == [29, 23, 24, 25] + hybrid)  // x25519, secp256r1, secp384r1, secp521r1
        #expect(pq.sources.contains { $0.contains("aws/s2n-tls@5df909b625079652526f2d0938f99184f15fd13f") })
        #expect(pq.retrieved != nil)
        #expect(!pq.notes.joined().contains("copied from"))
        let ext1 = try #require(catalog.policy(id: "ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09"))
        #expect(
            ext1.suites == [
                0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC023, 0xC027, 0xC02C, 0xC030, 0xC024, 0xC028,
                0x009C, 0x003C, 0x009D, 0x003D,
            ])  // no SHA-1 CBC suites (moto's list disagrees)
        let legacy = try #require(catalog.policy(id: "ELBSecurityPolicy-TLS13-1-0-PQ-2025-09"))
        #expect(legacy.versions == [.tls10, .tls11, .tls12, .tls13])
        let fipsPQ = try #require(catalog.policy(id: "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09"))
        #expect(fipsPQ.groups == [23, 24, 25] + hybrid)  // no x25519 among the FIPS curves
        let fips = try #require(catalog.policy(id: "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04"))
        #expect(fips.versions == [.tls13])
        #expect(fips.groups == [23, 24, 25])
        let cnsa = try #require(catalog.policy(id: "ELBSecurityPolicy-TLS13-1-2-RFC9151-FIPS-2023-07"))
        #expect(!cnsa.unverified && cnsa.versions == [.tls12, .tls13])
        #expect(cnsa.suites == [0x1302, 0xC02C, 0xC030] && cnsa.groups == [24])
        let strict13 = try #require(catalog.policy(id: "ELBSecurityPolicy-TLS13-1-3-RFC9151-FIPS-2023-07"))
        #expect(strict13.versions == [.tls13] && strict13.suites == [0x1302])
        let interop1 = try #require(catalog.policy(id: "ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP1-FIPS-2023-07"))
        #expect(interop1.unverified)  // table of s2n's 20251113, an alias only an unnamed s2n test declares
        #expect(interop1.suites == [0x1302, 0x1301, 0xC02C, 0xC030, 0xC02B, 0xC02F])
        #expect(
            catalog.policies(family: "elb").filter(\.unverified).map(\.id).sorted() == [
                "ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP1-FIPS-2023-07",
                "ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP2-FIPS-2023-07",
                "ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP3-FIPS-2023-07",
            ])
    }

    @Test("every policy has sources and a retrieved note")
    func sourcesAndRetrieved() {
        for policy in catalog.policies {
            #expect(!policy.sources.isEmpty, "\(policy.id)")
            #expect(!(policy.retrieved ?? "").isEmpty, "\(policy.id)")
        }
    }

    @Test("nist-800-52r2 is an alias of nist-sp800-52r2")
    func nistAlias() {
        #expect(catalog.policy(id: "nist-800-52r2")?.id == "nist-sp800-52r2")
    }

    /// The AWS CloudFront table lists TLS_CHACHA20_POLY1305_SHA256 for TLSv1.2_2025 and not for TLSv1.3_2025; s2n-tls's
    /// CloudFront-TLS-1-2-2025 / -1-3-2025 snapshots say the opposite, list secp256r1 and secp384r1 only (1.2) and add
    /// X25519MLKEM768 and SecP256r1MLKEM768.
    @Test("CloudFront 2025 viewer policies record the AWS table and s2n-tls, with their conflicts")
    func cloudFrontConflicts() throws {
        func says(_ policy: Policy, _ field: String, _ code: String) -> (String, String)? {
            policy.conflicts.first { $0.field == field && $0.item.contains(code) }.map { ($0.a.says, $0.b.says) }
        }
        let p12 = try #require(catalog.policy(id: "TLSv1.2_2025"))
        #expect(p12.suites.contains(0x1303))
        #expect(says(p12, "suites", "0x1303")! == ("listed", "not listed"))
        #expect(says(p12, "groups", "0x001D")! == ("listed", "not listed"))
        #expect(says(p12, "groups", "0x11EC")! == ("not listed", "listed"))
        #expect(says(p12, "groups", "0x11EB")! == ("not listed", "listed"))
        #expect(p12.conflicts.count == 4)
        #expect(p12.conflicts.allSatisfy { $0.a.source.contains("CloudFront") && $0.b.source.contains("CloudFront-TLS-1-2-2025") })
        #expect(p12.groups?.contains(0x11EC) == true && p12.groups?.contains(0x11EB) == true)
        let p13 = try #require(catalog.policy(id: "TLSv1.3_2025"))
        #expect(!p13.suites.contains(0x1303))
        #expect(says(p13, "suites", "0x1303")! == ("not listed", "listed"))
        #expect(p13.unverified && p12.unverified)
        #expect(try #require(catalog.policy(id: "TLSv1.2_2021")).conflicts.isEmpty)
    }

    @Test("CloudFront TLSv1.2_2021 viewer policy")
    func cloudFrontViewer() throws {
        let p = try #require(catalog.policy(id: "TLSv1.2_2021"))
        #expect(p.family == "cloudfront-viewer")
        #expect(p.versions == [.tls12, .tls13])
        #expect(p.suites == [0x1301, 0x1302, 0x1303, 0xC02B, 0xC02C, 0xCCA9, 0xC02F, 0xC030, 0xCCA8])
        #expect(p.groups == [23, 24, 29])
        #expect(!p.unverified)
        #expect(catalog.policy(id: "cloudfront-TLSv1.2_2021") == p)
        let ids = catalog.policies(family: "cloudfront-viewer").map(\.id)
        #expect(
            ids == [
                "SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016", "TLSv1.2_2018", "TLSv1.2_2019",
                "TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025",
            ])
        let p2025 = try #require(catalog.policy(id: "TLSv1.2_2025"))
        // the inferred RSA rows are listed by s2n-tls CloudFront-TLS-1-2-2025; the policy stays unverified (conflicts)
        #expect(p2025.unverified && p2025.unverifiedSuites.isEmpty && p2025.suites.suffix(2) == [0xC02F, 0xC030])
        let p13 = try #require(catalog.policy(id: "TLSv1.3_2025"))
        #expect(p13.versions == [.tls13] && p13.suites == [0x1301, 0x1302])
        #expect(try #require(catalog.policy(id: "SSLv3")).versions.first == .sslv3)
    }

    @Test("Mozilla intermediate 5.7 and aliases")
    func mozilla() throws {
        let p = try #require(catalog.policy(id: "mozilla-intermediate-5.7"))
        #expect(p.versions == [.tls12, .tls13])
        #expect(
            p.suites == [
                0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8,
                0x009E, 0x009F, 0xCCAA,
            ])
        #expect(p.groups == [29, 23, 24])
        #expect(p.requirements?.minDHBits == 2048)
        #expect(p.requirements?.minRSAKeyBits == 2048)
        #expect(p.serverPreference == false)
        #expect(catalog.policy(id: "mozilla-intermediate")?.id == "mozilla-intermediate-6.0")
        #expect(catalog.policy(id: "mozilla-modern")?.id == "mozilla-modern-6.0")
        #expect(catalog.policy(id: "mozilla-old")?.id == "mozilla-old-5.8")
        #expect(catalog.policy(id: "mozilla-modern-6.0")?.groups == [4588, 29, 23, 24])
        #expect(catalog.policy(id: "mozilla-old-5.7")?.versions == [.tls10, .tls11, .tls12, .tls13])
    }

    @Test("compliance baselines")
    func compliance() throws {
        let nist = try #require(catalog.policy(id: "nist-sp800-52r2"))
        #expect(nist.unverified && nist.family == "nist")
        #expect(nist.requirements?.minVersion == .tls12)
        let rsa = try #require(catalog.policy(id: "nist-sp800-52r2-rsa"))
        let ecdsa = try #require(catalog.policy(id: "nist-sp800-52r2-ecdsa"))
        #expect(Set(nist.suites) == Set(rsa.suites).union(ecdsa.suites))
        let pci = try #require(catalog.policy(id: "PCI-DSS"))
        #expect(pci.suites.isEmpty && pci.groups == nil && pci.unverified)
        #expect(pci.requirements?.minVersion == .tls12)
        #expect(pci.requirements?.forbiddenVersions == [.sslv2, .sslv3, .tls10])
        #expect(pci.requirements?.noInsecureSuites == true)
    }

    @Test("Codable round trip")
    func roundTrip() throws {
        for policy in catalog.policies {
            let data = try JSONEncoder().encode(policy)
            #expect(try JSONDecoder().decode(Policy.self, from: data) == policy)
        }
    }

    @Test("policy files decode through Catalog.decode and fall back to file sources")
    func decodeFallback() throws {
        let json = """
            {"sources": ["file source"], "retrieved": "x", "policies": [
              {"id": "p1", "name": "P1", "family": "test", "versions": ["TLSv1.2"], "suites": ["0xC02F"], "groups": null}]}
            """
        let c = try Catalog.decode(
            cipherSuitesJSON: EmbeddedData.cipherSuites, groupsJSON: EmbeddedData.groups,
            signatureSchemesJSON: EmbeddedData.signatureSchemes, clientJSONs: [], policyJSONs: [json])
        let p = try #require(c.policy(id: "P1"))
        #expect(p.sources == ["file source"])
        #expect(p.suites == [0xC02F] && p.groups == nil && !p.unverified && p.requirements == nil)
        #expect(throws: TLSMatrixError(.invalidCatalogData)) {
            _ = try Catalog.decode(
                cipherSuitesJSON: EmbeddedData.cipherSuites, groupsJSON: EmbeddedData.groups,
                signatureSchemesJSON: EmbeddedData.signatureSchemes, clientJSONs: [],
                policyJSONs: [#"{"sources": [], "policies": [{"id": "x"}]}"#])
        }
    }
}
