import TLSCatalog
import TLSModel

/// What changed between two servers (scans or policies), and which clients it breaks or changes.
public struct ScanComparison: Sendable {
    public struct VersionChange: Sendable {
        public var version: TLSVersion
        public var before: Bool?
        public var after: Bool?
        public var addedSuites: [UInt16]
        public var removedSuites: [UInt16]
    }

    public struct ClientChange: Sendable {
        public var client: ClientProfile
        public var before: Result<HandshakeSimulation.Choice, HandshakeSimulation.Failure>
        public var after: Result<HandshakeSimulation.Choice, HandshakeSimulation.Failure>

        /// Connected before, no longer connects.
        public var breaks: Bool {
            if case .success = before, case .failure = after { return true }
            return false
        }
    }

    public var versions: [VersionChange]
    public var clients: [ClientChange]

    public var breaking: [ClientChange] { clients.filter(\.breaks) }

    public static func compare(_ before: ScanResult, _ after: ScanResult,
                               clients: [ClientProfile] = Catalog.shared.clients) -> ScanComparison {
        var versions: [VersionChange] = []
        for version in TLSVersion.allCases {
            let a = before.protocolResult(version)
            let b = after.protocolResult(version)
            let aCodes = a?.suites.map(\.code) ?? []
            let bCodes = b?.suites.map(\.code) ?? []
            let change = VersionChange(version: version, before: a?.supported, after: b?.supported,
                                       addedSuites: bCodes.filter { !aCodes.contains($0) },
                                       removedSuites: aCodes.filter { !bCodes.contains($0) })
            if change.before != change.after || !change.addedSuites.isEmpty || !change.removedSuites.isEmpty {
                versions.append(change)
            }
        }
        var changes: [ClientChange] = []
        for client in clients {
            let a = HandshakeSimulation.negotiate(client: client, server: before)
            let b = HandshakeSimulation.negotiate(client: client, server: after)
            if a != b { changes.append(ClientChange(client: client, before: a, after: b)) }
        }
        return ScanComparison(versions: versions, clients: changes)
    }
}
