import Testing
@testable import TLSCatalog

/// Issue 12, item 1: the generation profiles against the facts the issue quotes from aws/s2n-tls
/// (tls/s2n_cipher_preferences.c, tls/s2n_security_policies.c, kem_preferences_pq_tls_1_3_ietf_2025_07).
struct CloudFrontGenerationProfileTests {
    static func profile(_ generation: CloudFrontGeneration) throws -> ClientProfile {
        try #require(Catalog.shared.client(id: generation.profileID))
    }

    /// `cipher_suites_cloudfront_upstream`, in s2n's order.
    static let upstreamSuites: [UInt16] = [
        0xC02C, 0xC030, 0xC02B, 0xC02F, 0xC024, 0xC028, 0xC00A, 0xC014, 0xC023, 0xC027,
        0xC009, 0xC013, 0x009D, 0x009C, 0x0035, 0x003C, 0x002F, 0x000A, 0x0004,
    ]

    @Test func everyGenerationHasItsProfile() throws {
        for generation in CloudFrontGeneration.allCases {
            let profile = try Self.profile(generation)
            #expect(profile.generation == generation.rawValue)
            #expect(profile.documented == generation.isDocumented)
            #expect(!profile.sources.isEmpty)
            #expect(!profile.extensions.isEmpty, "\(generation): its own ClientHello needs its extension list")
        }
    }

    @Test func upstreamIsTheS2NListWithThreeSuitesBeyondTheDocumentation() throws {
        let upstream = try Self.profile(.upstream)
        let documented = try Self.profile(.documented)
        #expect(upstream.suites == Self.upstreamSuites)
        #expect(Set(upstream.suites).subtracting(documented.suites) == [0x009D, 0x009C, 0x003C])
        #expect(Set(documented.suites).isSubset(of: upstream.suites))
        #expect(upstream.versions == [.sslv3, .tls10, .tls11, .tls12])
        #expect(upstream.groups == [0x0017, 0x001D, 0x0018])  // secp256r1, x25519, secp384r1
        #expect(Set(upstream.signatureSchemes) == Set(documented.signatureSchemes))  // 20140601: no RSA-PSS
        #expect(!upstream.signatureSchemes.contains { $0 >> 8 == 0x08 })
        #expect(upstream.keyShareGroups.isEmpty)
        #expect(
            upstream.s2nPolicies == [
                "SSLv3": "CloudFront-Upstream", "TLSv1": "CloudFront-Upstream-TLS-1-0",
                "TLSv1.1": "CloudFront-Upstream-TLS-1-1", "TLSv1.2": "CloudFront-Upstream-TLS-1-2",
            ])
    }

    @Test func generation2025AddsTLS13AndRSAPSS() throws {
        let upstream = try Self.profile(.upstream)
        let g2025 = try Self.profile(.upstream2025)
        #expect(g2025.versions.last == .tls13)
        #expect(Array(g2025.suites.prefix(3)) == [0x1301, 0x1302, 0x1303])
        #expect(g2025.suites.count == 22)
        #expect(Set(g2025.suites.dropFirst(3)) == Set(upstream.suites))
        #expect(g2025.groups == upstream.groups)
        #expect(g2025.signatureSchemes.contains(0x0804) && g2025.signatureSchemes.contains(0x0809))
        #expect(!g2025.keyShareGroups.isEmpty && Set(g2025.keyShareGroups).isSubset(of: g2025.groups))
        #expect(g2025.s2nPolicies["TLSv1.2"] == "CloudFront-Upstream-TLS-1-2-2025")
        #expect(g2025.extensions.contains(0x002B) && g2025.extensions.contains(0x0033))  // supported_versions, key_share
    }

    @Test func pqGenerationAddsTheThreeHybrids() throws {
        let g2025 = try Self.profile(.upstream2025)
        let pq = try Self.profile(.upstream2025PQ)
        #expect(pq.suites == g2025.suites)
        #expect(Set([0x11EC, 0x11EB, 0x11ED]).isSubset(of: pq.groups))
        #expect(Set(pq.groups).subtracting([0x11EC, 0x11EB, 0x11ED]) == Set(g2025.groups))
        #expect(pq.keyShareGroups.first == 0x11EC)
        #expect(pq.s2nPolicies["SSLv3"] == "CloudFront-Upstream-2025-PQ")
        #expect(pq.s2nPolicies["TLSv1.2"] == "CloudFront-Upstream-TLS-1-2-2025-PQ")
    }

    @Test func originSslProtocolsSelectTheS2NPolicyByItsLowestVersion() throws {
        let g2025 = try Self.profile(.upstream2025)
        #expect(g2025.versions(forOriginProtocols: [.tls11, .tls12]) == [.tls11, .tls12, .tls13])
        #expect(g2025.s2nPolicy(forOriginProtocols: [.tls11, .tls12]) == "CloudFront-Upstream-TLS-1-1-2025")
        let documented = try Self.profile(.documented)
        #expect(documented.versions(forOriginProtocols: [.tls10, .tls12]) == [.tls10, .tls12])
        #expect(documented.s2nPolicy(forOriginProtocols: [.tls12]) == nil)
    }
}
