/// Connection limits shared by every scan of a run: a global bound on probes in flight and one
/// gate per host (so two ports of one host, or two targets naming it, share the host's bound and delay).
package final class ScanLimits: Sendable {
    package let globalConcurrency: Int
    package let perHostConcurrency: Int
    package let delay: Duration
    let global: ProbeGate
    private let registry = GateRegistry()

    package init(globalConcurrency: Int, perHostConcurrency: Int, delay: Duration) {
        self.globalConcurrency = max(1, globalConcurrency)
        self.perHostConcurrency = max(1, perHostConcurrency)
        self.delay = delay
        global = ProbeGate(limit: self.globalConcurrency, delay: .zero)
    }

    /// The most probes that were in flight at once across the run.
    package func peakInFlight() async -> Int {
        await global.peak
    }

    /// The gate of one host (by resolved address, so names that share an address share a gate).
    func gate(for address: String) async -> ProbeGate {
        await registry.gate(for: address.lowercased(), limit: perHostConcurrency, delay: delay)
    }
}

private actor GateRegistry {
    private var gates: [String: ProbeGate] = [:]

    func gate(for key: String, limit: Int, delay: Duration) -> ProbeGate {
        if let gate = gates[key] { return gate }
        let gate = ProbeGate(limit: limit, delay: delay)
        gates[key] = gate
        return gate
    }
}

/// Hears about every finished probe, e.g. to drive a progress display.
package protocol ScanObserver: Sendable {
    func probeFinished() async
}
