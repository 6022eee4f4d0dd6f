import TLSCatalog
import TLSWire

/// How a server said no.
package enum Rejection: Sendable, Equatable, CustomStringConvertible {
    case alert(Alert)
    case closed
    case reset
    /// The server answered with another protocol version than the one offered.
    case otherVersion(UInt16)
    /// A library engine's handshake failed with this error text.
    case library(String)
    /// TLS 1.2 and earlier: the server chose this ECDHE suite and sent its Certificate, then closed the connection
    /// cleanly without a ServerKeyExchange (mbedTLS 2.28 picks the suite before it checks the curves). None of the
    /// offered groups is usable for it.
    case noKeyExchange(suite: UInt16)
    /// TLS 1.3: a HelloRetryRequest for this suite that names no group and carries no cookie, so no second
    /// ClientHello could differ from the first (RFC 8446 §4.1.4). wolfSSL 5.5 sends it when it supports none of
    /// the offered groups (and closes the connection on a retried hello). None of the offered groups is usable.
    case helloRetryWithoutGroup(suite: UInt16)

    package var description: String {
        switch self {
        case .alert(let alert): alert.description
        case .closed: "connection closed"
        case .reset: "connection reset"
        case .otherVersion(let v): "server answered with version \(TLSVersion(wireValue: v)?.rawValue ?? String(v, radix: 16))"
        case .library(let text): text
        case .noKeyExchange(let suite):
            "no usable group: the server chose \(Self.suiteName(suite)) and sent its certificate, "
                + "then closed the connection without a ServerKeyExchange"
        case .helloRetryWithoutGroup(let suite):
            "no usable group: the server sent a HelloRetryRequest (suite \(Self.suiteName(suite))) "
                + "that names no group and carries no cookie"
        }
    }

    /// True when the refusal says that none of the offered groups can be used (the suite itself was acceptable).
    package var refusesGroups: Bool {
        switch self {
        case .noKeyExchange, .helloRetryWithoutGroup: true
        default: false
        }
    }

    static func suiteName(_ code: UInt16) -> String {
        let hex = CodePointFormat.hex(code)
        guard let name = Catalog.shared.suite(code: code)?.displayName else { return hex }
        return "\(hex) (\(name))"
    }
}
