/// Bounds how many probes run at once against one host and spaces their starts by a delay.
actor ProbeGate {
    private let limit: Int
    private let delay: Duration
    private var inFlight = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var nextStart: ContinuousClock.Instant?
    /// The most probes ever in flight at once through this gate.
    private(set) var peak = 0

    init(limit: Int, delay: Duration) {
        self.limit = max(1, limit)
        self.delay = delay
    }

    func acquire() async {
        if inFlight < limit {
            inFlight += 1
        } else {
            await withCheckedContinuation { waiters.append($0) }
        }
        peak = max(peak, inFlight)
        guard delay > .zero else { return }
        let now = ContinuousClock.now
        let start = max(now, nextStart ?? now)
        nextStart = start + delay
        if start > now { try? await Task.sleep(until: start, clock: .continuous) }
    }

    func release() {
        if waiters.isEmpty {
            inFlight -= 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
