/// How the path to the origin behaved during one scan: faults the scan had to retry through, whether the origin
/// throttled it, and its critical path (the JSON report's `network`; absent in reports written before 0.6).
package struct NetworkConditions: Codable, Sendable, Equatable {
    /// Connections tried again because they were reset, closed without an alert, or timed out in the handshake.
    package var retries: Int
    /// Connections the origin (or a device on the path) reset before answering.
    package var resets: Int
    /// Connections with no TLS answer within the handshake deadline.
    package var handshakeTimeouts: Int
    /// Set when faults from the host rose above the threshold and the scan slowed down for it.
    package var throttled: Throttle?
    /// The longest chain of connections each of which started after the one before it ended: round trips the
    /// scan could not overlap.
    package var criticalPathRounds: Int
    /// The median time of one connection (connect, ClientHello, answer), an estimate of one probe's cost on this
    /// path; nil when no connection was made.
    package var medianConnectionMilliseconds: Double?

    package struct Throttle: Codable, Sendable, Equatable {
        /// How often the per-host bound was halved.
        package var backoffs: Int
        /// The configured per-host bound and the lowest it went to.
        package var configuredConcurrency: Int
        package var lowestConcurrency: Int
        /// The longest pause between two connection starts it set, in milliseconds.
        package var longestDelayMilliseconds: Int

        package init(backoffs: Int, configuredConcurrency: Int, lowestConcurrency: Int, longestDelayMilliseconds: Int) {
            self.backoffs = backoffs
            self.configuredConcurrency = configuredConcurrency
            self.lowestConcurrency = lowestConcurrency
            self.longestDelayMilliseconds = longestDelayMilliseconds
        }
    }

    package init(
        retries: Int, resets: Int, handshakeTimeouts: Int, throttled: Throttle?, criticalPathRounds: Int,
        medianConnectionMilliseconds: Double?
    ) {
        self.retries = retries
        self.resets = resets
        self.handshakeTimeouts = handshakeTimeouts
        self.throttled = throttled
        self.criticalPathRounds = criticalPathRounds
        self.medianConnectionMilliseconds = medianConnectionMilliseconds
    }
}
