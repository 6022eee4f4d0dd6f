import TLSCatalog
import TLSModel

/// Client profiles × server policies, offline: what each client would negotiate with a server configured with
/// each policy (``ScanResult/init(policy:)`` + ``HandshakeSimulation``), or why it could not connect.
package struct PolicyMatrix: Sendable {
    package struct Cell: Sendable {
        package var client: ClientProfile
        package var policy: Policy
        package var result: Result<HandshakeSimulation.Choice, HandshakeSimulation.Failure>

        package var connects: Bool {
            if case .success = result { return true }
            return false
        }
    }

    package var clients: [ClientProfile]
    package var policies: [Policy]
    /// The OriginSslProtocols setting CloudFront's generations are judged under.
    package var originProtocols: [TLSVersion]
    /// `rows[c][p]`: client `c` against policy `p`.
    package var rows: [[Cell]]

    /// Every client against every policy. A CloudFront generation offers the versions its s2n policy (or the
    /// documentation) gives it under `originProtocols`; other clients offer all theirs.
    package init(clients: [ClientProfile], policies: [Policy], originProtocols: [TLSVersion] = [.tls12]) {
        self.clients = clients
        self.policies = policies
        self.originProtocols = originProtocols
        let servers = policies.map { ScanResult(policy: $0) }
        rows = clients.map { client in
            let allowed = client.generation == nil ? nil : client.versions(forOriginProtocols: originProtocols)
            return zip(policies, servers).map { policy, server in
                Cell(
                    client: client, policy: policy,
                    result: HandshakeSimulation.negotiate(client: client, allowedVersions: allowed, server: server))
            }
        }
    }

    /// The clients that cannot connect to a server with `policies[index]`.
    package func failingClients(of index: Int) -> [ClientProfile] {
        rows.compactMap { row in row[index].connects ? nil : row[index].client }
    }

    /// The policies client `clients[index]` cannot connect to.
    package func failingPolicies(of index: Int) -> [Policy] {
        rows[index].compactMap { $0.connects ? nil : $0.policy }
    }
}
