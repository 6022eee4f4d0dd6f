/// A value written by name in tlsmatrix's JSON (a protocol version, an engine, a severity, a check): read by its
/// own type, so a name the type does not know is a decoding error that names the field (from the decoder), the
/// unknown name and the names it could have been.
package protocol NamedValue: RawRepresentable, CaseIterable, Codable where RawValue == String {
    /// What the value is, for the error: "protocol version".
    static var valueKind: String { get }
}

extension NamedValue {
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let value = Self(rawValue: name) else {
            let known = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown \(Self.valueKind) '\(name)' (\(known))")
        }
        self = value
    }
}
