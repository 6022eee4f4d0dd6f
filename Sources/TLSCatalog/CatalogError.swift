/// Why a catalog could not be built from JSON.
public enum CatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A JSON document did not decode; `file` names it, `reason` is the decoder's message.
    case invalidJSON(file: String, reason: String)
    /// Two entries of one registry share a code point.
    case duplicateCode(registry: String, code: UInt16)

    public var description: String {
        switch self {
        case let .invalidJSON(file, reason):
            "catalog file \(file) does not decode: \(reason)"
        case let .duplicateCode(registry, code):
            "catalog registry \(registry) has code \(HexCode.format(code)) twice"
        }
    }
}
