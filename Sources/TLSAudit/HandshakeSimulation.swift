import TLSCatalog
import TLSModel

/// What a client profile would negotiate with a scanned server, computed offline from observations.
package enum HandshakeSimulation {
    package struct Choice: Sendable, Equatable {
        package var version: TLSVersion
        package var suite: UInt16
        package var group: UInt16?
        /// The finite-field DH group's size for a DHE suite: observed, or the matrix's for that suite.
        package var dhBits: Int?
        /// TLS 1.3: the server had to ask for another key share (HelloRetryRequest) before it could use `group`;
        /// nil when not known (a prediction for a profile that records no key shares, or before TLS 1.3).
        package var helloRetry: Bool?

        package init(version: TLSVersion, suite: UInt16, group: UInt16?, dhBits: Int? = nil, helloRetry: Bool? = nil) {
            self.version = version
            self.suite = suite
            self.group = group
            self.dhBits = dhBits
            self.helloRetry = helloRetry
        }
    }

    package struct Failure: Error, Sendable, Equatable {
        package enum Reason: Sendable, Equatable {
            case noCommonProtocol
            case noCommonCipher(TLSVersion)
            case noCommonGroup(TLSVersion)
            case undecided(String)
            /// The server refused the client's own ClientHello (observed): the alert or close.
            case refused(String)
            /// The handshake is negotiated but the client refuses the certificate (why).
            case certificate(String)
        }

        package var reason: Reason
        /// False when a non-definitive observation could change the answer.
        package var definitive: Bool
    }

    /// The highest version both sides speak; then the server's pick among the client's suites
    /// (the server's order when it has one, else the client's); then, for ECDHE, a common curve.
    package static func negotiate(
        client: ClientProfile, allowedVersions: [TLSVersion]? = nil,
        server: ScanResult
    ) -> Result<Choice, Failure> {
        let clientVersions = client.versions.filter { allowedVersions?.contains($0) ?? true }
        let candidates = server.protocols
            .filter { clientVersions.contains($0.version) }
            .sorted { $0.version > $1.version }
        let anyUndecided = candidates.contains { $0.supported == nil }
        guard let version = candidates.first(where: { $0.supported == true }) else {
            if anyUndecided {
                return .failure(
                    Failure(
                        reason: .undecided(
                            "whether the origin accepts \(clientVersions.map(\.rawValue).joined(separator: ", ")) is not known"),
                        definitive: false))
            }
            return .failure(Failure(reason: .noCommonProtocol, definitive: true))
        }
        let serverOrder = version.serverPreference == true
        let accepted = version.suites.map(\.code)
        let common: [UInt16] =
            serverOrder
            ? accepted.filter(client.suites.contains)
            : client.suites.filter(accepted.contains)
        if version.version == .tls13, let code = common.first {
            guard let serverGroups = groups(for: .tls13, in: server), !serverGroups.isEmpty else {
                return .success(Choice(version: .tls13, suite: code, group: nil))
            }
            let serverOrder = groupOrder(for: .tls13, in: server)
            // no recorded key shares: the group the server picks; whether it needs a retry is not known
            let picked: (group: UInt16, helloRetry: Bool?)? =
                client.keyShareGroups.isEmpty
                ? pickGroup(client: client.groups, server: serverGroups, serverOrder: serverOrder).map { ($0, nil) }
                : keyExchange(shares: client.keyShareGroups, groups: client.groups, server: serverGroups, serverOrder: serverOrder)
                    .map { ($0.group, $0.helloRetry) }
            guard let picked else { return .failure(Failure(reason: .noCommonGroup(.tls13), definitive: true)) }
            return .success(Choice(version: .tls13, suite: code, group: picked.group, helloRetry: picked.helloRetry))
        }
        for code in common {
            let suite = Catalog.shared.suite(code: code)
            let isECDHE = suite?.keyExchange.isEllipticCurveDH ?? false
            guard isECDHE else {
                let dhBits = version.suites.first { $0.code == code }?.dhBits
                return .success(Choice(version: version.version, suite: code, group: nil, dhBits: dhBits))
            }
            let serverGroups = groups(for: version.version, in: server)
            guard let serverGroups, !serverGroups.isEmpty else {
                return .success(Choice(version: version.version, suite: code, group: nil))
            }
            if let group = pickGroup(client: client.groups, server: serverGroups, serverOrder: groupOrder(for: version.version, in: server))
            {
                return .success(Choice(version: version.version, suite: code, group: group))
            }
        }
        if !common.isEmpty {
            return .failure(Failure(reason: .noCommonGroup(version.version), definitive: true))
        }
        return .failure(Failure(reason: .noCommonCipher(version.version), definitive: version.complete))
    }

    /// The answer to a client's own ClientHello as a simulation row: accepted or refused; nil when the observation
    /// is not definitive (the prediction stands then).
    package static func observed(_ observation: HelloObservation) -> Result<Choice, Failure>? {
        switch observation.result {
        case .accepted:
            guard let version = observation.protocolVersion, let suite = observation.suite else { return nil }
            return .success(
                Choice(
                    version: version, suite: suite, group: observation.group, dhBits: observation.dhBits,
                    helloRetry: version == .tls13 ? observation.helloRetry : nil))
        case .rejected:
            return .failure(Failure(reason: .refused(observation.reason ?? "refused"), definitive: true))
        case .timedOut, .failed:
            return nil
        }
    }

    /// The group a server picks from a client's: by its own order when the scan saw it follow one (mbedTLS puts
    /// secp384r1 before secp256r1), else the client's first it accepts.
    static func pickGroup(client: [UInt16], server: [UInt16], serverOrder: Bool) -> UInt16? {
        serverOrder ? server.first(where: client.contains) : client.first(where: server.contains)
    }

    /// The TLS 1.3 group and whether it needs a HelloRetryRequest. A key share the server accepts is used as sent
    /// (among several, the server's favourite when it has an order, else the client's first): servers take an
    /// acceptable share rather than spend a round trip on a group they prefer. Without one, the server asks for
    /// the group it picks from the client's supported_groups (``pickGroup(client:server:serverOrder:)``). (A client
    /// profile without recorded key shares gets the picked group, its retry unknown.)
    static func keyExchange(shares: [UInt16], groups: [UInt16], server: [UInt16], serverOrder: Bool) -> (group: UInt16, helloRetry: Bool)? {
        let usable = shares.filter { groups.contains($0) && server.contains($0) }
        if let share = serverOrder ? server.first(where: usable.contains) : usable.first { return (share, false) }
        return pickGroup(client: groups, server: server, serverOrder: serverOrder).map { ($0, true) }
    }

    static func groupOrder(for version: TLSVersion, in scan: ScanResult) -> Bool {
        groupResult(for: version, in: scan)?.serverPreference == true
    }

    static func groups(for version: TLSVersion, in scan: ScanResult) -> [UInt16]? {
        groupResult(for: version, in: scan)?.groups
    }

    /// The group enumeration that speaks for `version`: its own, else the TLS ≤ 1.2 one (one version stands for all).
    static func groupResult(for version: TLSVersion, in scan: ScanResult) -> GroupResult? {
        scan.groups.first(where: { $0.version == version }) ?? scan.groups.first(where: { $0.version != .tls13 })
    }
}
