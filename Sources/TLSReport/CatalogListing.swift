/// A row of `policies list` or `clients list`: a policy has a `family`, a client profile a `name`.
public struct CatalogListing: Codable, Sendable, Equatable {
    public var id: String
    public var family: String?
    public var name: String?
    public var versions: [String]
    public var suites: Int
    public var unverified: Bool
    /// Policies only: how many items its sources disagree on (`policies show` lists them); nil for client profiles.
    public var conflicts: Int?

    public init(id: String, family: String? = nil, name: String? = nil, versions: [String], suites: Int,
                unverified: Bool, conflicts: Int? = nil) {
        self.id = id
        self.family = family
        self.name = name
        self.versions = versions
        self.suites = suites
        self.unverified = unverified
        self.conflicts = conflicts
    }

    /// The rows as a table (`ID`, the family or name column, `VERSIONS`, `SUITES`, marks for unverified facts and
    /// for sources that disagree) or as a JSON array.
    public static func render(_ rows: [CatalogListing], json: Bool, secondColumn: String) -> String {
        if json { return CatalogJSON.render(rows) }
        return TextTable.render(header: ["ID", secondColumn, "VERSIONS", "SUITES", ""], rows: rows.map { row in
            [row.id, row.family ?? row.name ?? "", row.versions.joined(separator: ","), String(row.suites),
             [row.unverified ? "unverified" : nil,
              (row.conflicts ?? 0) > 0 ? "sources conflict (\(row.conflicts ?? 0))" : nil]
                 .compactMap { $0 }.joined(separator: ", ")]
        })
    }
}
