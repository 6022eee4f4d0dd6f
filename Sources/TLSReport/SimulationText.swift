import TLSAudit
import TLSCatalog

/// Words for why a simulated client would not connect.
enum SimulationText {
    static func reason(_ failure: HandshakeSimulation.Failure) -> String {
        switch failure.reason {
        case .noCommonProtocol: "no protocol version in common"
        case .noCommonCipher(let version): "no cipher suite in common (\(version.rawValue))"
        case .noCommonGroup(let version): "no ECDHE curve in common (\(version.rawValue))"
        case .undecided(let why): "not decided: \(why)"
        }
    }
}
