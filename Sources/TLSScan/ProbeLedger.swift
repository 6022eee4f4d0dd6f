import TLSCatalog

/// Counts connections and probe outcomes for one target, and keeps the non-definitive ones.
actor ProbeLedger {
    private(set) var connections = 0
    private(set) var counts = ProbeCounts()
    private(set) var undecided: [UndecidedProbe] = []
    /// The versions with which the server sent a CertificateRequest.
    private(set) var certificateRequestedWith: Set<TLSVersion> = []

    /// A connection that was not a TLS probe (a port check).
    func countConnection() {
        connections += 1
    }

    func record(_ outcome: ProbeOutcome, engine: EngineKind, version: TLSVersion, purpose: String) {
        connections += 1
        counts.count(outcome)
        switch outcome {
        case .timedOut(let phase):
            undecided.append(UndecidedProbe(engine: engine, version: version, purpose: purpose,
                                            reason: "timed out during \(phase.rawValue)"))
        case .failed(let failure):
            undecided.append(UndecidedProbe(engine: engine, version: version, purpose: purpose, reason: failure.message))
        case .accepted(let negotiated):
            if negotiated.certificateRequested { certificateRequestedWith.insert(negotiated.version) }
        case .rejected:
            break
        }
    }
}
