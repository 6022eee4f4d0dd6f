/// A protocol version from SSL 2.0 to TLS 1.3, named as in the JSON contract.
package enum TLSVersion: String, NamedValue, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    package static let valueKind = "protocol version"

    case sslv2 = "SSLv2"
    case sslv3 = "SSLv3"
    case tls10 = "TLSv1.0"
    case tls11 = "TLSv1.1"
    case tls12 = "TLSv1.2"
    case tls13 = "TLSv1.3"

    /// The two-byte version as it appears on the wire (SSL 2.0 uses 0x0002).
    package var wireValue: UInt16 {
        switch self {
        case .sslv2: 0x0002
        case .sslv3: 0x0300
        case .tls10: 0x0301
        case .tls11: 0x0302
        case .tls12: 0x0303
        case .tls13: 0x0304
        }
    }

    /// The version for a wire value, if it is one of ours.
    package init?(wireValue: UInt16) {
        guard let match = Self.allCases.first(where: { $0.wireValue == wireValue }) else { return nil }
        self = match
    }

    /// Parses the contract spelling (`TLSv1.2`) and CloudFront's (`TLSv1`, `TLSv1.1`), case-insensitively.
    package init?(name: String) {
        let lowered = name.lowercased()
        if let exact = Self.allCases.first(where: { $0.rawValue.lowercased() == lowered }) {
            self = exact
            return
        }
        switch lowered {
        case "tlsv1", "tls1", "tls1.0", "tls10": self = .tls10
        case "tls1.1", "tls11": self = .tls11
        case "tls1.2", "tls12": self = .tls12
        case "tls1.3", "tls13": self = .tls13
        case "ssl3", "ssl3.0", "sslv3.0": self = .sslv3
        case "ssl2", "ssl2.0", "sslv2.0": self = .sslv2
        default: return nil
        }
    }

    package var description: String { rawValue }

    /// The order of `allCases`, oldest first.
    package static func < (lhs: TLSVersion, rhs: TLSVersion) -> Bool {
        lhs.ordinal < rhs.ordinal
    }

    private var ordinal: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

extension TLSVersion {
    /// The spelling CloudFront's OriginSslProtocols uses.
    package var cloudFrontName: String {
        switch self {
        case .tls10: "TLSv1"
        case .tls11: "TLSv1.1"
        case .tls12: "TLSv1.2"
        case .tls13: "TLSv1.3"
        case .sslv3: "SSLv3"
        case .sslv2: "SSLv2"
        }
    }
}
