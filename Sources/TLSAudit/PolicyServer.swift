import TLSCatalog
import TLSModel

extension ScanResult {
    /// Groups assumed when a policy does not document its own: x25519, secp256r1, secp384r1
    /// (what ELB and most OpenSSL-based servers accept by default).
    package static let defaultPolicyGroups: [UInt16] = [29, 23, 24]

    /// A synthetic, offline "scan" of a server configured with `policy`, for ``HandshakeSimulation``
    /// and ``CloudFrontVerdict``. Nothing is sent on the network.
    ///
    /// - Target: host = the policy id, port 443; reachable.
    /// - One ``ProtocolResult`` per version from SSL 3.0 to TLS 1.3: supported when the policy lists it,
    ///   with the policy's suites that the catalog marks valid for that version, in policy order.
    ///   Suites the catalog does not know are left out (their versions cannot be told).
    /// - Server preference: the policy's `serverPreference`, or true when not stated (ELB and
    ///   CloudFront pick by their own order).
    /// - Groups: the policy's groups for TLS 1.2 and 1.3, or, when it documents none,
    ///   ``defaultPolicyGroups`` with an info finding `policy-groups-assumed`.
    /// - The certificate key type is not modelled: every suite counts as usable, so ECDSA suites may
    ///   be chosen although a server with only an RSA certificate would skip them.
    package init(policy: Policy) {
        self.init(target: Target(host: policy.id, port: 443), reachability: .reachable)
        let versions: [TLSVersion] = [.sslv3, .tls10, .tls11, .tls12, .tls13]
        protocols = versions.map { version in
            let supported = policy.versions.contains(version)
            var result = ProtocolResult(version: version, supported: supported)
            if supported {
                result.serverPreference = policy.serverPreference ?? true
                result.suites = policy.suites
                    .filter { Catalog.shared.suite(code: $0)?.versions.contains(version) ?? false }
                    .map { SuiteResult(code: $0, evidence: []) }
            } else {
                result.note = "not allowed by policy \(policy.id)"
            }
            return result
        }
        let groupList = policy.groups ?? Self.defaultPolicyGroups
        groups = [.tls12, .tls13].map { GroupResult(version: $0, groups: groupList, complete: true) }
        if policy.groups == nil {
            findings.append(
                Finding(
                    id: "policy-groups-assumed", severity: .info,
                    message: "Policy \(policy.id) does not document its groups; assumed x25519, secp256r1, secp384r1."))
        }
    }
}
