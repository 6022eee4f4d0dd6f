import TLSCatalog
/// How much a finding matters: the one severity of every finding tlsmatrix makes (scan, certificate, distribution
/// file). Ordered `info` < `warning` < `error`, so the worst of several is their `max()`.
package enum Severity: String, Sendable, Hashable, NamedValue, Comparable, CaseIterable {
    package static let valueKind = "severity"

    /// A fact worth knowing; nothing to change.
    case info
    /// Worth a look: a weakness, or something that fails only under conditions the scan cannot see.
    case warning
    /// CloudFront (or the client or policy judged) would fail, or the configuration is refused.
    case error

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }

    package static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}
