import TLSCatalog
import TLSWire

/// Something that performs one handshake attempt and reports what happened.
package protocol HandshakeEngine: Sendable {
    var kind: EngineKind { get }
    /// Makes one connection to `endpoint` offering `request`, within `deadlines`.
    func probe(_ request: ProbeRequest, to endpoint: Endpoint, deadlines: Deadlines) async -> ProbeOutcome
}

/// Something that sends a named client's own ClientHello (every version it speaks at once, its order, its
/// extensions, its key shares) and reports what the server picked: the observed half of a client verdict.
package protocol HelloObserver: Sendable {
    /// One connection to `endpoint` sending `hello`; the outcome and the number of bytes the hello took.
    func observe(
        _ hello: ClientHello, to endpoint: Endpoint, deadlines: Deadlines,
        wantsCertificates: Bool
    ) async -> (outcome: ProbeOutcome, helloBytes: Int)
}
