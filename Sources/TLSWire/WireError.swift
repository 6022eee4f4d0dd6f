/// Why bytes from a peer could not be understood.
package enum WireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input ended inside the named field.
    case truncated(String)
    /// A field holds a value the protocol does not allow.
    case malformed(String)
    /// A record is longer than TLS permits (2^14 + 2048 bytes of fragment).
    case oversizedRecord(Int)
    /// The peer sent something that is not TLS at all (e.g. plain HTTP).
    case notTLS(String)

    package var description: String {
        switch self {
        case .truncated(let field): "truncated \(field)"
        case .malformed(let why): "malformed: \(why)"
        case .oversizedRecord(let length): "record length \(length) exceeds the TLS limit of 18432"
        case .notTLS(let why): "not a TLS response: \(why)"
        }
    }
}
