import TLSCatalog
import TLSModel

/// The JSON documents of the catalog commands (`policies`, `clients`): `Codable` types written with the scan
/// report's one configuration (``JSONReport/encode(_:pretty:)``: sorted keys, two-space indentation).
/// A field that has no value is written as `null`, as in the scan report.
public enum CatalogJSON {
    /// A cipher suite by code point, with its OpenSSL and IANA names when the catalog knows them.
    public struct Suite: Codable, Sendable, Equatable {
        public var code: String
        @Nullable public var openssl: String?
        @Nullable public var iana: String?

        public init(_ code: UInt16) {
            let suite = Catalog.shared.suite(code: code)
            self.code = CodePointFormat.hex(code)
            self.openssl = suite?.openssl
            self.iana = suite?.iana
        }
    }

    /// A named group by code point, with its name when the catalog knows it.
    public struct Group: Codable, Sendable, Equatable {
        public var code: Int
        @Nullable public var name: String?

        public init(_ code: UInt16) {
            self.code = Int(code)
            self.name = Catalog.shared.group(code: code)?.name
        }
    }

    /// Pretty JSON in the scan report's configuration, without the final newline (the caller prints a line).
    public static func render<T: Encodable>(_ value: T) -> String {
        JSONReport.encode(value, pretty: true)
    }

    /// `TLSv1.2`, …
    static func names(_ versions: [TLSVersion]) -> [String] { versions.map(\.rawValue) }
}
