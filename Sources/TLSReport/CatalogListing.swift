/// A row of `policies list` or `clients list`: a policy has a `family`, a client profile a `name`.
public struct CatalogListing: Codable, Sendable, Equatable {
    public var id: String
    public var family: String?
    public var name: String?
    public var versions: [String]
    public var suites: Int
    public var unverified: Bool

    /// The rows as a table (`ID`, the family or name column, `VERSIONS`, `SUITES`, a mark for unverified facts) or
    /// as a JSON array.
    public static func render(_ rows: [CatalogListing], json: Bool, secondColumn: String) -> String {
        if json { return CatalogJSON.render(rows) }
        return TextTable.render(header: ["ID", secondColumn, "VERSIONS", "SUITES", ""], rows: rows.map { row in
            [row.id, row.family ?? row.name ?? "", row.versions.joined(separator: ","), String(row.suites),
             row.unverified ? "unverified" : ""]
        })
    }
}
