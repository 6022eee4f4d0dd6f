import TLSCatalog
import TLSModel

/// The JSON documents of the catalog commands (`policies`, `clients`): `Codable` types written with the scan
/// report's one configuration (``JSONReport/encode(_:pretty:)``: sorted keys, two-space indentation).
/// A field that has no value is written as `null`, as in the scan report.
package enum CatalogJSON {
    /// A cipher suite by code point, with its OpenSSL and IANA names when the catalog knows them.
    package struct Suite: Codable, Sendable, Equatable {
        package var code: String
        @Nullable package var openssl: String?
        @Nullable package var iana: String?

        package init(_ code: UInt16) {
            let suite = Catalog.shared.suite(code: code)
            self.code = CodePointFormat.hex(code)
            self.openssl = suite?.openssl
            self.iana = suite?.iana
        }
    }

    /// A named group by code point, with its name when the catalog knows it.
    package struct Group: Codable, Sendable, Equatable {
        package var code: Int
        @Nullable package var name: String?

        package init(_ code: UInt16) {
            self.code = Int(code)
            self.name = Catalog.shared.group(code: code)?.name
        }
    }

    /// Pretty JSON in the scan report's configuration, without the final newline (the caller prints a line).
    package static func render<T: Encodable>(_ value: T) -> String {
        JSONReport.encode(value, pretty: true)
    }

    /// `TLSv1.2`, …
    static func names(_ versions: [TLSVersion]) -> [String] { versions.map(\.rawValue) }
}
