/// A row of `policies list` or `clients list`: a policy has a `family`, a client profile a `name`.
package struct CatalogListing: Codable, Sendable, Equatable {
    package var id: String
    package var family: String?
    package var name: String?
    package var versions: [String]
    package var suites: Int
    package var unverified: Bool
    /// Policies only: how many items its sources disagree on (`policies show` lists them); nil for client profiles.
    package var conflicts: Int?

    package init(
        id: String, family: String? = nil, name: String? = nil, versions: [String], suites: Int,
        unverified: Bool, conflicts: Int? = nil
    ) {
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
    package static func render(_ rows: [CatalogListing], json: Bool, secondColumn: String) -> String {
        if json { return CatalogJSON.render(rows) }
        return TextTable.render(
            header: ["ID", secondColumn, "VERSIONS", "SUITES", ""],
            rows: rows.map { row in
                [
                    row.id, row.family ?? row.name ?? "", row.versions.joined(separator: ","), String(row.suites),
                    [
                        row.unverified ? "unverified" : nil,
                        (row.conflicts ?? 0) > 0 ? "sources conflict (\(row.conflicts ?? 0))" : nil,
                    ]
                    .compactMap { $0 }.joined(separator: ", "),
                ]
            })
    }
}
