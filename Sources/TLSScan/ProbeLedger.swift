import TLSCatalog
import TLSModel

/// Counts connections and probe outcomes for one target, and keeps the non-definitive ones.
actor ProbeLedger {
    private(set) var connections = 0
    private(set) var counts = ProbeCounts()
    private(set) var undecided: [UndecidedProbe] = []
    /// The versions with which the server sent a CertificateRequest.
    private(set) var certificateRequestedWith: Set<TLSVersion> = []
    /// Connections that ended in a reset, a bare close or a handshake timeout and were tried again.
    private(set) var retries = 0
    private(set) var resets = 0
    private(set) var handshakeTimeouts = 0
    /// Findings made while probing (a hello shape the server refuses).
    private(set) var findings: [Finding] = []
    /// When each connection started and ended, for the critical path.
    private var intervals: [(start: ContinuousClock.Instant, end: ContinuousClock.Instant)] = []

    /// Where the cells an elimination accepts go as they are found (the cross-check), while it is set.
    private var cells: AsyncStream<CrossCheck.Pair>.Continuation?

    func watchCells(_ sink: AsyncStream<CrossCheck.Pair>.Continuation?) {
        cells = sink
    }

    /// An elimination accepted `suite` with `version`.
    func found(_ version: TLSVersion, suite: UInt16) {
        cells?.yield(CrossCheck.Pair(version: version, suite: suite))
    }

    func note(_ finding: Finding) {
        findings.append(finding)
    }

    /// A connection that was not a TLS probe (a port check).
    func countConnection() {
        connections += 1
    }

    /// One connection of a probe: counted with its own outcome, whether or not the probe is tried again.
    func attempt(_ outcome: ProbeOutcome, started: ContinuousClock.Instant, retried: Bool) {
        connections += 1
        counts.count(outcome)
        intervals.append((started, .now))
        if retried { retries += 1 }
        switch outcome {
        case .rejected(.reset): resets += 1
        case .timedOut(.handshake): handshakeTimeouts += 1
        case .accepted(let negotiated):
            if negotiated.certificateRequested { certificateRequestedWith.insert(negotiated.version) }
        default: break
        }
    }

    /// The probe's final outcome, after its confirmations: a non-definitive one is listed as undecided.
    func settle(_ outcome: ProbeOutcome, engine: EngineKind, version: TLSVersion, purpose: String) {
        switch outcome {
        case .timedOut(let phase):
            undecided.append(
                UndecidedProbe(
                    engine: engine, version: version, purpose: purpose,
                    reason: "timed out during \(phase.rawValue)"))
        case .failed(let failure):
            undecided.append(UndecidedProbe(engine: engine, version: version, purpose: purpose, reason: failure.message))
        case .accepted, .rejected:
            break
        }
    }

    /// The longest chain of connections each of which started after the one before it ended: the round trips
    /// the scan could not overlap, whatever its concurrency.
    var criticalPathRounds: Int { CriticalPath.rounds(intervals) }

    /// The median connection time, an estimate of what one probe costs on this path.
    var medianConnectionSeconds: Double? {
        let durations = intervals.map { Scanner.seconds($0.end - $0.start) }.sorted()
        guard !durations.isEmpty else { return nil }
        return durations[durations.count / 2]
    }
}

/// The longest chain of non-overlapping intervals (each starting at or after the previous one's end).
enum CriticalPath {
    static func rounds<T: Comparable>(_ intervals: [(start: T, end: T)]) -> Int {
        let byEnd = intervals.sorted { $0.end < $1.end }
        var depth: [Int] = []
        var best = 0
        for (index, interval) in byEnd.enumerated() {
            var before = 0
            for earlier in 0..<index where byEnd[earlier].end <= interval.start {
                before = max(before, depth[earlier])
            }
            depth.append(before + 1)
            best = max(best, before + 1)
        }
        return best
    }
}
