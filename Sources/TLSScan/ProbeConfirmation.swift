import TLSCatalog

/// How a probe's answer becomes definitive on a real network, where connections are reset by WAFs, IDSs, rate
/// limiters and overloaded load balancers, and stalled by congestion: a fault is never an answer.
///
/// - An acceptance, an alert, another version, or a library's handshake error is final at once.
/// - A bare close (FIN, no byte from the server) is a refusal only when a second attempt ends the same way (or
///   with an alert); an acceptance on the retry wins.
/// - A reset is never a refusal by itself: the probe is retried with backoff, and when every attempt is reset the
///   probe is not definitive (`failed`, stage `unconfirmed`), never "no".
/// - A handshake timeout is final and not definitive (a silent port costs one timeout, not two).
/// - Connect failures and local problems are final: the reachability check has its own attempts.
///
/// The rules are pure so they can be tested offline; ``ProbeSession/gated`` runs them.
package enum ProbeConfirmation {
    package enum Step: Sendable, Equatable {
        case final(ProbeOutcome)
        /// Try the same probe again after this pause.
        case retry(after: Duration)

        package var isRetry: Bool {
            if case .retry = self { return true }
            return false
        }
    }

    /// Attempts of one probe when its connections are reset (the first and three retries).
    package static let maxAttempts = 4
    /// The first retry's pause; it doubles with each further retry.
    package static let baseBackoff: Duration = .milliseconds(100)

    /// The next step after `attempts` (oldest first, at least one), with `base` the first retry's pause.
    package static func next(after attempts: [ProbeOutcome], base: Duration = baseBackoff) -> Step {
        guard let last = attempts.last else { return .retry(after: .zero) }
        let retriesLeft = attempts.count < maxAttempts
        let pause = base * (1 << min(attempts.count - 1, 6))
        switch last {
        case .accepted:
            return .final(last)
        case .rejected(.closed):
            // a close confirmed by the attempt before it (a close or an alert) is a refusal
            if attempts.count >= 2, isRefusalEnding(attempts[attempts.count - 2]) { return .final(last) }
            if retriesLeft { return .retry(after: pause) }
            return .final(.failed(unconfirmed(attempts)))
        case .rejected(.reset):
            if retriesLeft { return .retry(after: pause) }
            return .final(.failed(unconfirmed(attempts)))
        case .rejected:
            return .final(last)
        case .timedOut, .failed:
            return .final(last)
        }
    }

    /// A connection end that is a refusal when confirmed: a bare close, or any explicit refusal.
    static func isRefusalEnding(_ outcome: ProbeOutcome) -> Bool {
        guard case .rejected(let rejection) = outcome else { return false }
        return rejection != .reset
    }

    /// True for the outcomes a faulty path produces (a reset, a bare close, a handshake timeout): what the per-host
    /// throttle counts.
    package static func isFault(_ outcome: ProbeOutcome) -> Bool {
        switch outcome {
        case .rejected(.reset), .timedOut(.handshake): true
        default: false
        }
    }

    static func unconfirmed(_ attempts: [ProbeOutcome]) -> ProbeFailure {
        let resets = attempts.filter { $0 == .rejected(.reset) }.count
        let closes = attempts.filter { $0 == .rejected(.closed) }.count
        var parts: [String] = []
        if resets > 0 { parts.append("reset \(resets == 1 ? "once" : "\(resets) times")") }
        if closes > 0 { parts.append("closed without an alert \(closes == 1 ? "once" : "\(closes) times")") }
        let timeouts = attempts.count - resets - closes
        if timeouts > 0 { parts.append("timed out \(timeouts == 1 ? "once" : "\(timeouts) times")") }
        return ProbeFailure(
            .unconfirmed,
            "not confirmed: the connection was \(parts.joined(separator: ", ")) in \(attempts.count) attempts, and a reset or a single bare close is no refusal"
        )
    }
}
