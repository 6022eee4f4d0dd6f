import Testing
import TLSCatalog
import TLSModel
@testable import TLSAudit

/// Issue 15: clients × policies. Every cell is checked against what the data alone says: the highest version
/// both sides allow (for CloudFront's generations, the versions their OriginSslProtocols setting gives them), and
/// a suite both list that is valid at that version.
struct PolicyMatrixTests {
    @Test func everyCellFollowsFromTheData() throws {
        let policies = Catalog.shared.policies(family: "elb") + Catalog.shared.policies(family: "cloudfront-viewer")
        let clients = Catalog.shared.clients
        let matrix = PolicyMatrix(clients: clients, policies: policies)
        #expect(matrix.rows.count == clients.count && matrix.rows.allSatisfy { $0.count == policies.count })
        var connected = 0
        for row in matrix.rows {
            for cell in row {
                let allowed = cell.client.generation == nil ? cell.client.versions : cell.client.versions(forOriginProtocols: [.tls12])
                let highest = allowed.filter { $0 != .sslv2 && cell.policy.versions.contains($0) }.max()
                switch cell.result {
                case .success(let choice):
                    connected += 1
                    #expect(choice.version == highest, "\(cell.client.id) × \(cell.policy.id)")
                    let suite = try #require(Catalog.shared.suite(code: choice.suite))
                    #expect(cell.client.suites.contains(choice.suite) && cell.policy.suites.contains(choice.suite))
                    #expect(suite.versions.contains(choice.version))
                case .failure(let failure):
                    guard let highest else {
                        #expect(failure.reason == .noCommonProtocol, "\(cell.client.id) × \(cell.policy.id)")
                        continue
                    }
                    let common = cell.policy.suites.filter { code in
                        cell.client.suites.contains(code) && Catalog.shared.suite(code: code)?.versions.contains(highest) == true
                    }
                    if common.isEmpty { #expect(failure.reason == .noCommonCipher(highest), "\(cell.client.id) × \(cell.policy.id)") }
                }
            }
        }
        #expect(connected > 0)
    }

    /// The pair the issue is about: a TLS 1.3-only ELB policy fails the documented CloudFront client and
    /// CloudFront-Upstream (TLS ≤ 1.2) but not the 2025 generations.
    @Test func tls13OnlyPolicyDependsOnTheGeneration() throws {
        let policy = try #require(Catalog.shared.policies(family: "elb").first { $0.versions == [.tls13] })
        let clients = try CloudFrontGeneration.allCases.map { try #require(Catalog.shared.client(id: $0.profileID)) }
        let matrix = PolicyMatrix(clients: clients, policies: [policy])
        #expect(matrix.failingClients(of: 0).map(\.id) == [ClientProfile.ID.cloudFrontOrigin, ClientProfile.ID.cloudFrontUpstream])
        for (index, client) in clients.enumerated() {
            #expect(matrix.failingPolicies(of: index).isEmpty == client.supports(.tls13))
        }
    }
}
