import TLSCatalog
import TLSModel

/// What changed between two servers (scans or policies), and which clients it breaks or changes.
package struct ScanComparison: Sendable {
    package struct VersionChange: Sendable {
        package var version: TLSVersion
        package var before: Bool?
        package var after: Bool?
        package var addedSuites: [UInt16]
        package var removedSuites: [UInt16]
    }

    package struct ClientChange: Sendable {
        package var client: ClientProfile
        package var before: Result<HandshakeSimulation.Choice, HandshakeSimulation.Failure>
        package var after: Result<HandshakeSimulation.Choice, HandshakeSimulation.Failure>

        /// Connected before, no longer connects.
        package var breaks: Bool {
            if case .success = before, case .failure = after { return true }
            return false
        }
    }

    package var versions: [VersionChange]
    package var clients: [ClientChange]

    package var breaking: [ClientChange] { clients.filter(\.breaks) }

    package static func compare(
        _ before: ScanResult, _ after: ScanResult,
        clients: [ClientProfile] = Catalog.shared.clients
    ) -> ScanComparison {
        var versions: [VersionChange] = []
        for version in TLSVersion.allCases {
            let a = before.protocolResult(version)
            let b = after.protocolResult(version)
            let aCodes = a?.suites.map(\.code) ?? []
            let bCodes = b?.suites.map(\.code) ?? []
            let change = VersionChange(
                version: version, before: a?.supported, after: b?.supported,
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
