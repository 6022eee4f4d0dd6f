extension ProbeCounts {
    /// Counts one probe by how it ended.
    mutating func count(_ outcome: ProbeOutcome) {
        switch outcome {
        case .accepted: accepted += 1
        case .rejected: rejected += 1
        case .timedOut: timedOut += 1
        case .failed: failed += 1
        }
    }
}
