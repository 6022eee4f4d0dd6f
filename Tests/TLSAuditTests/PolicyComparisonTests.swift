import Foundation
import Testing
import TLSCatalog
import TLSScan
@testable import TLSAudit

/// Policy diff and offline policy checks, verified against the reference lists in Data/ read
/// independently of the catalog.
struct PolicyComparisonTests {
    static let old = "ELBSecurityPolicy-2016-08"
    static let new = "ELBSecurityPolicy-TLS13-1-2-2021-06"

    /// Data/<path> as JSON, found from this file's location.
    static func reference(_ path: String) throws -> [String: Any] {
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("Data").appendingPathComponent(path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func hex(_ value: Any?) throws -> [UInt16] {
        let strings = try #require(value as? [String])
        return try strings.map { text in
            try #require(UInt16(text.dropFirst(2), radix: 16), "bad code point \(text)")
        }
    }

    /// (versions, suites) of an ELB policy as written in Data/policies/elb.json.
    static func elbReference(_ id: String) throws -> (versions: [String], suites: [UInt16]) {
        let policies = try #require(try reference("policies/elb.json")["policies"] as? [[String: Any]])
        let entry = try #require(policies.first { $0["id"] as? String == id }, "\(id) missing from elb.json")
        return (try #require(entry["versions"] as? [String]), try hex(entry["suites"]))
    }

    func policy(_ id: String) throws -> Policy { try #require(Catalog.shared.policy(id: id), "\(id) not in catalog") }

    @Test func diffMatchesReferenceLists() throws {
        let a = try Self.elbReference(Self.old), b = try Self.elbReference(Self.new)
        let diff = PolicyComparison.diff(try policy(Self.old), try policy(Self.new))

        #expect(diff.protocols.removed.map(\.rawValue) == a.versions.filter { !b.versions.contains($0) })
        #expect(diff.protocols.added.map(\.rawValue) == b.versions.filter { !a.versions.contains($0) })
        #expect(diff.protocols.common.map(\.rawValue) == a.versions.filter { b.versions.contains($0) })
        #expect(diff.protocols.removed == [.tls10, .tls11])
        #expect(diff.protocols.added == [.tls13])
        #expect(diff.protocols.common == [.tls12])

        #expect(diff.suites.removed == a.suites.filter { !b.suites.contains($0) })
        #expect(diff.suites.added == b.suites.filter { !a.suites.contains($0) })
        #expect(diff.suites.common == a.suites.filter { b.suites.contains($0) })

        // TLS 1.3 suites added; static-RSA suites and ECDHE CBC-SHA1 suites removed (AWS's documented change).
        let tls13 = b.suites.filter { $0 >> 8 == 0x13 }
        #expect(tls13 == [0x1301, 0x1302, 0x1303])
        #expect(diff.suites.added == tls13)
        let staticRSA: Set<UInt16> = [0x002F, 0x0035, 0x003C, 0x003D, 0x009C, 0x009D]
        let ecdheSHA1CBC: Set<UInt16> = [0xC009, 0xC00A, 0xC013, 0xC014]
        #expect(Set(diff.suites.removed) == staticRSA.union(ecdheSHA1CBC))
        for code in diff.suites.removed {
            let suite = try #require(Catalog.shared.suite(code: code))
            #expect(!suite.forwardSecrecy || !suite.aead, "\(suite.iana) should be static RSA or CBC")
        }
    }

    @Test func perVersionDiff() throws {
        let diff = PolicyComparison.diff(try policy(Self.old), try policy(Self.new))
        #expect(diff.versions.map(\.version) == [.tls10, .tls11, .tls12, .tls13])
        let byVersion = Dictionary(uniqueKeysWithValues: diff.versions.map { ($0.version, $0) })

        // TLS 1.0/1.1: only A; its SHA-1 CBC suites (no TLS 1.2-only SHA-256/GCM suites) go away.
        for version in [TLSVersion.tls10, .tls11] {
            let entry = try #require(byVersion[version])
            #expect(entry.inA && !entry.inB)
            #expect(entry.suites.added.isEmpty && entry.suites.common.isEmpty)
            #expect(entry.suites.removed == [0xC009, 0xC013, 0xC00A, 0xC014, 0x002F, 0x0035])
        }
        let v12 = try #require(byVersion[.tls12])
        #expect(v12.inA && v12.inB)
        #expect(v12.suites.added.isEmpty)
        #expect(v12.suites.common == [0xC02B, 0xC02F, 0xC023, 0xC027, 0xC02C, 0xC030, 0xC024, 0xC028])
        #expect(Set(v12.suites.removed) == [0xC009, 0xC013, 0xC00A, 0xC014, 0x009C, 0x003C, 0x002F, 0x009D, 0x003D, 0x0035])
        let v13 = try #require(byVersion[.tls13])
        #expect(!v13.inA && v13.inB)
        #expect(v13.suites.added == [0x1301, 0x1302, 0x1303] && v13.suites.removed.isEmpty)
        // Neither ELB policy documents groups.
        #expect(!diff.groupsDocumentedA && !diff.groupsDocumentedB && diff.groups.isEmpty)
    }

    @Test func policyServerModel() throws {
        let scan = ScanResult(policy: try policy(Self.new))
        #expect(scan.target.host == Self.new && scan.target.port == 443 && scan.reachability == .reachable)
        #expect(scan.protocols.map(\.version) == [.sslv3, .tls10, .tls11, .tls12, .tls13])
        #expect(scan.protocols.map(\.supported) == [false, false, false, true, true])
        #expect(scan.protocolResult(.tls13)?.suites.map(\.code) == [0x1301, 0x1302, 0x1303])
        #expect(scan.protocolResult(.tls12)?.suites.count == 8)
        #expect(scan.protocolResult(.tls12)?.serverPreference == true)
        #expect(scan.groups.map(\.groups) == [[29, 23, 24], [29, 23, 24]])
        #expect(scan.findings.map(\.id) == ["policy-groups-assumed"])
    }

    @Test func cloudFrontAgainstTLS13Policy() throws {
        let elb = try Self.elbReference(Self.new)
        let cloudfront = try Self.reference("clients/cloudfront-origin.json")
        let offered = try Self.hex(cloudfront["suites"])
        let groups = try #require(cloudfront["groups"] as? [Int])
        // Server order: the first TLS 1.2 suite of the policy that CloudFront offers.
        let expectedSuite = try #require(elb.suites.first { $0 >> 8 != 0x13 && offered.contains($0) })
        let expectedGroup = try #require(groups.first { [29, 23, 24].contains($0) })

        let verdict = CloudFrontVerdict.evaluate(ScanResult(policy: try policy(Self.new)), originProtocols: [.tls12])
        #expect(verdict.compatible == true)
        #expect(verdict.protocolVersion == .tls12)
        #expect(verdict.suite == expectedSuite)
        #expect(verdict.suite == 0xC02B)
        #expect(verdict.group.map(Int.init) == expectedGroup)
        #expect(verdict.causes.isEmpty)
    }

    @Test func cloudFrontTLSv1OnlyAgainstTLS12OnlyPolicy() throws {
        let server = try policy("ELBSecurityPolicy-TLS-1-2-2017-01")
        #expect(server.versions == [.tls12])
        let verdict = CloudFrontVerdict.evaluate(ScanResult(policy: server), originProtocols: [.tls10])
        #expect(verdict.compatible == false)
        #expect(verdict.suite == nil)
        #expect(verdict.causes.map(\.id) == ["no-common-protocol"])
    }
}
