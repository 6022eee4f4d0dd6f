import Foundation
import Testing
@testable import TLSCatalog

struct PolicyTests {
    let catalog = Catalog.shared

    @Test("policy counts per family")
    func counts() {
        let byFamily = Dictionary(grouping: catalog.policies, by: \.family).mapValues(\.count)
        #expect(byFamily["elb"] == 39)
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
                    #expect(!Set(suite.versions).isDisjoint(with: policy.versions),
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
        #expect(p.suites == [0xC02B, 0xC02F, 0xC023, 0xC027, 0xC009, 0xC013, 0xC02C, 0xC030, 0xC024, 0xC028,
                             0xC00A, 0xC014, 0x009C, 0x003C, 0x002F, 0x009D, 0x003D, 0x0035])
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

    @Test("ELB PQ policies are unverified; RFC 9151 policies without tables are omitted")
    func elbGaps() throws {
        let pq = try #require(catalog.policy(id: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"))
        #expect(pq.unverified)
        #expect(catalog.policy(id: "ELBSecurityPolicy-TLS13-1-2-RFC9151-FIPS-2023-07") == nil)
        let fips = try #require(catalog.policy(id: "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04"))
        #expect(fips.versions == [.tls13])
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
        #expect(ids == ["SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016", "TLSv1.2_2018", "TLSv1.2_2019",
                        "TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"])
        let p2025 = try #require(catalog.policy(id: "TLSv1.2_2025"))
        #expect(p2025.unverified && p2025.unverifiedSuites == [0xC02F, 0xC030])
        let p13 = try #require(catalog.policy(id: "TLSv1.3_2025"))
        #expect(p13.versions == [.tls13] && p13.suites == [0x1301, 0x1302])
        #expect(try #require(catalog.policy(id: "SSLv3")).versions.first == .sslv3)
    }

    @Test("Mozilla intermediate 5.7 and aliases")
    func mozilla() throws {
        let p = try #require(catalog.policy(id: "mozilla-intermediate-5.7"))
        #expect(p.versions == [.tls12, .tls13])
        #expect(p.suites == [0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8,
                             0x009E, 0x009F, 0xCCAA])
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
