/// How the path to the origin behaved during one scan: faults the scan had to retry through, whether the origin
/// throttled it, and its critical path (the JSON report's `network`; absent in reports written before 0.6).
public struct NetworkConditions: Codable, Sendable, Equatable {
    /// Connections tried again because they were reset, closed without an alert, or timed out in the handshake.
    public var retries: Int
    /// Connections the origin (or a device on the path) reset before answering.
    public var resets: Int
    /// Connections with no TLS answer within the handshake deadline.
    public var handshakeTimeouts: Int
    /// Set when faults from the host rose above the threshold and the scan slowed down for it.
    public var throttled: Throttle?
    /// The longest chain of connections each of which started after the one before it ended: round trips the
    /// scan could not overlap.
    public var criticalPathRounds: Int
    /// The median time of one connection (connect, ClientHello, answer), an estimate of one probe's cost on this
    /// path; nil when no connection was made.
    public var medianConnectionMilliseconds: Double?

    public struct Throttle: Codable, Sendable, Equatable {
        /// How often the per-host bound was halved.
        public var backoffs: Int
        /// The configured per-host bound and the lowest it went to.
        public var configuredConcurrency: Int
        public var lowestConcurrency: Int
        /// The longest pause between two connection starts it set, in milliseconds.
        public var longestDelayMilliseconds: Int

        public init(backoffs: Int, configuredConcurrency: Int, lowestConcurrency: Int, longestDelayMilliseconds: Int) {
            self.backoffs = backoffs
            self.configuredConcurrency = configuredConcurrency
            self.lowestConcurrency = lowestConcurrency
            self.longestDelayMilliseconds = longestDelayMilliseconds
        }
    }

    public init(retries: Int, resets: Int, handshakeTimeouts: Int, throttled: Throttle?, criticalPathRounds: Int,
                medianConnectionMilliseconds: Double?) {
        self.retries = retries
        self.resets = resets
        self.handshakeTimeouts = handshakeTimeouts
        self.throttled = throttled
        self.criticalPathRounds = criticalPathRounds
        self.medianConnectionMilliseconds = medianConnectionMilliseconds
    }
}
