import TLSCatalog
import TLSWire

/// How a server said no.
public enum Rejection: Sendable, Equatable, CustomStringConvertible {
    case alert(Alert)
    case closed
    case reset
    /// The server answered with another protocol version than the one offered.
    case otherVersion(UInt16)
    /// A library engine's handshake failed with this error text.
    case library(String)

    public var description: String {
        switch self {
        case .alert(let alert): alert.description
        case .closed: "connection closed"
        case .reset: "connection reset"
        case .otherVersion(let v): "server answered with version \(TLSVersion(wireValue: v)?.rawValue ?? String(v, radix: 16))"
        case .library(let text): text
        }
    }
}
