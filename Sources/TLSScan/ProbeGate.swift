/// Bounds how many probes run at once against one host and spaces their starts by a delay.
///
/// The bound adapts to the host (additive increase, multiplicative decrease): when resets or handshake timeouts
/// rise above ``faultThreshold`` among the last ``window`` connections, the host is throttling (or the path is
/// faulty) and the gate halves its concurrency and doubles the delay between starts; every run of clean answers
/// as long as the current bound gives one slot back and shortens the delay, never above the configured values.
actor ProbeGate {
    /// The configured bound and delay, never exceeded.
    private let configuredLimit: Int
    private let configuredDelay: Duration
    private var limit: Int
    private var delay: Duration
    private var inFlight = 0
    /// Probes waiting for a slot, in arrival order; a chain's next probe goes before the confirmations.
    private var waiters: [(priority: Priority, continuation: CheckedContinuation<Void, Never>)] = []
    private var nextStart: ContinuousClock.Instant?
    /// The most probes ever in flight at once through this gate.
    private(set) var peak = 0
    /// The last connections' ends, true for a fault.
    private var recent: [Bool] = []
    private var cleanSinceChange = 0
    /// How often the gate backed off, and the lowest bound and longest delay it reached.
    private(set) var backoffs = 0
    private(set) var lowestLimit: Int
    private(set) var longestDelay: Duration

    static let window = 20
    static let faultThreshold = 3
    /// The delay the first back-off adds when none was configured.
    static let minimumBackoffDelay: Duration = .milliseconds(50)
    static let maximumDelay: Duration = .seconds(2)

    init(limit: Int, delay: Duration) {
        configuredLimit = max(1, limit)
        configuredDelay = delay
        self.limit = configuredLimit
        self.delay = delay
        lowestLimit = configuredLimit
        longestDelay = delay
    }

    /// Who waits for a slot. An elimination chain's next probe is on the scan's critical path; a cross-check
    /// (one handshake that nothing else waits for) only fills slots the chains leave free.
    enum Priority: Sendable {
        case chain
        case background
    }

    func acquire(_ priority: Priority = .chain) async {
        if inFlight < limit {
            inFlight += 1
        } else {
            await withCheckedContinuation { waiters.append((priority, $0)) }
        }
        peak = max(peak, inFlight)
        guard delay > .zero else { return }
        let now = ContinuousClock.now
        let start = max(now, nextStart ?? now)
        nextStart = start + delay
        if start > now { try? await Task.sleep(until: start, clock: .continuous) }
    }

    func release() {
        inFlight -= 1
        wake()
    }

    private func wake() {
        while inFlight < limit, !waiters.isEmpty {
            inFlight += 1
            let next = waiters.firstIndex { $0.priority == .chain } ?? 0
            waiters.remove(at: next).continuation.resume()
        }
    }

    /// How one connection through the gate ended: a fault (reset, handshake timeout) or an answer.
    func report(fault: Bool) {
        recent.append(fault)
        if recent.count > Self.window { recent.removeFirst(recent.count - Self.window) }
        if fault, recent.filter({ $0 }).count >= Self.faultThreshold {
            limit = max(1, limit / 2)
            delay = min(Self.maximumDelay, max(delay * 2, Self.minimumBackoffDelay))
            backoffs += 1
            lowestLimit = min(lowestLimit, limit)
            longestDelay = max(longestDelay, delay)
            recent.removeAll()
            cleanSinceChange = 0
            return
        }
        guard !fault else { return }
        cleanSinceChange += 1
        guard cleanSinceChange >= 2 * limit, limit < configuredLimit || delay > configuredDelay else { return }
        cleanSinceChange = 0
        limit = min(configuredLimit, limit + 1)
        delay = delay / 2 < Self.minimumBackoffDelay / 4 ? configuredDelay : max(configuredDelay, delay / 2)
        wake()
    }

    /// The current bound and delay (for reports and tests).
    var current: (limit: Int, delay: Duration) { (limit, delay) }
    var configured: (limit: Int, delay: Duration) { (configuredLimit, configuredDelay) }
}
