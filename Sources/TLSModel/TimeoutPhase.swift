import TLSCatalog

/// Where a probe ran out of time.
package enum TimeoutPhase: String, Sendable, Codable {
    case connect, handshake
}
