/// A point in time by the monotonic clock, for per-call `poll` timeouts.
struct EngineDeadline: Sendable {
    let instant: ContinuousClock.Instant

    init(after duration: Duration) {
        instant = ContinuousClock.now.advanced(by: duration)
    }

    /// Milliseconds left (rounded up), 0 when passed.
    var remainingMilliseconds: Int32 {
        let left = ContinuousClock.now.duration(to: instant)
        if left <= .zero { return 0 }
        let (seconds, atto) = left.components
        let ms = seconds * 1000 + (atto + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: ms)
    }

    var hasPassed: Bool { ContinuousClock.now >= instant }
}
