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
        case .refused(let why): "its own ClientHello was refused: \(why)"
        case .certificate(let why): "would refuse the certificate: \(why)"
        }
    }

    /// A simulation result in words: "TLSv1.2 TLS_ECDHE_…" or "no connection: <reason>".
    static func describe(_ result: Result<HandshakeSimulation.Choice, HandshakeSimulation.Failure>) -> String {
        switch result {
        case .success(let choice):
            return [choice.version.rawValue, CodeName.suite(choice.suite)].joined(separator: " ")
                + (choice.group.map { " " + CodeName.group($0) } ?? "")
        case .failure(let failure):
            return "no connection: " + reason(failure)
        }
    }
}
