/// Polling for a condition in an async test without blocking a thread: `Task.sleep` between checks instead
/// of `usleep`, which would hold one of Swift's few cooperative threads for the whole wait.
public enum AsyncPoll {
    /// Checks `condition` every `interval` until it holds or `limit` has passed; returns whether it held.
    @discardableResult
    public static func until(
        within limit: Duration, every interval: Duration = .milliseconds(50),
        _ condition: () -> Bool
    ) async -> Bool {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: limit)
        while !condition() {
            guard clock.now < end else { return false }
            try? await Task.sleep(for: interval)
        }
        return true
    }
}
