import TLSCatalog

/// Something that performs one handshake attempt and reports what happened.
public protocol HandshakeEngine: Sendable {
    var kind: EngineKind { get }
    /// Makes one connection to `endpoint` offering `request`, within `deadlines`.
    func probe(_ request: ProbeRequest, to endpoint: Endpoint, deadlines: Deadlines) async -> ProbeOutcome
}
