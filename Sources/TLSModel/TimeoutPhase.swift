import TLSCatalog

/// Where a probe ran out of time.
public enum TimeoutPhase: String, Sendable, Codable {
    case connect, handshake
}
