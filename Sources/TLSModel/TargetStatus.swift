/// How one target of a run ended, as a fleet summary row says it (`"status"` in JSON Lines summaries and
/// `summary.json`): the per-target form of the exit status.
public enum TargetStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Scanned, and passes what was asked (exit 0 alone).
    case passed
    /// Scanned, and fails a requested verdict (`--client`, `--policy`; exit 1).
    case failed
    /// Not definitive: unreachable, not resolved, probes left undecided, interrupted (exit 3).
    case incomplete
}
