import TLSCatalog
/// Which engine produced an observation. Raw values are the JSON contract's evidence names.
package enum EngineKind: String, Sendable, NamedValue, CaseIterable, Comparable {
    package static let valueKind = "engine"

    case wire, openssl, gnutls

    package static func < (lhs: EngineKind, rhs: EngineKind) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}
