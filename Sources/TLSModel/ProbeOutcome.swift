import TLSCatalog

/// The one outcome of a probe. Only `accepted` and `rejected` are definitive.
package enum ProbeOutcome: Sendable, Equatable {
    case accepted(Negotiated)
    case rejected(Rejection)
    case timedOut(TimeoutPhase)
    case failed(ProbeFailure)

    package var isDefinitive: Bool {
        switch self {
        case .accepted, .rejected: true
        case .timedOut, .failed: false
        }
    }

    package var negotiated: Negotiated? {
        if case .accepted(let n) = self { return n }
        return nil
    }
}
