import TLSCatalog

/// Three-way split of two ordered lists.
public struct ListDiff<Element: Hashable & Sendable>: Sendable, Equatable {
    /// In A, not in B (A's order).
    public var removed: [Element]
    /// In B, not in A (B's order).
    public var added: [Element]
    /// In both (A's order).
    public var common: [Element]

    public init(_ a: [Element], _ b: [Element]) {
        let setA = Set(a), setB = Set(b)
        removed = a.filter { !setB.contains($0) }
        added = b.filter { !setA.contains($0) }
        common = a.filter { setB.contains($0) }
    }

    public var isEmpty: Bool { removed.isEmpty && added.isEmpty && common.isEmpty }
    public var unchanged: Bool { removed.isEmpty && added.isEmpty }
}

/// How policy B differs from policy A ("added" = only in B, "removed" = only in A).
public struct PolicyDiff: Sendable, Equatable {
    /// Suites of one protocol version, compared.
    public struct VersionDiff: Sendable, Equatable {
        public var version: TLSVersion
        public var inA: Bool
        public var inB: Bool
        /// Suites usable with `version` (empty for a side that does not allow the version).
        public var suites: ListDiff<UInt16>
    }

    public var a: Policy
    public var b: Policy
    public var protocols: ListDiff<TLSVersion>
    /// All suites, regardless of version.
    public var suites: ListDiff<UInt16>
    /// One entry per version either policy allows, oldest first.
    public var versions: [VersionDiff]
    /// Groups as documented (a policy without documented groups counts as an empty list).
    public var groups: ListDiff<UInt16>
    public var groupsDocumentedA: Bool
    public var groupsDocumentedB: Bool
}

public struct PolicyComparison {
    /// The suites of `policy` valid for `version` per the catalog, in policy order; empty when the
    /// policy does not allow the version.
    public static func suites(of policy: Policy, for version: TLSVersion) -> [UInt16] {
        guard policy.versions.contains(version) else { return [] }
        return policy.suites.filter { Catalog.shared.suite(code: $0)?.versions.contains(version) ?? false }
    }

    public static func diff(_ a: Policy, _ b: Policy) -> PolicyDiff {
        let allVersions = Set(a.versions).union(b.versions).sorted()
        let perVersion = allVersions.map { version in
            PolicyDiff.VersionDiff(
                version: version, inA: a.versions.contains(version), inB: b.versions.contains(version),
                suites: ListDiff(suites(of: a, for: version), suites(of: b, for: version)))
        }
        return PolicyDiff(
            a: a, b: b,
            protocols: ListDiff(a.versions.sorted(), b.versions.sorted()),
            suites: ListDiff(a.suites, b.suites),
            versions: perVersion,
            groups: ListDiff(a.groups ?? [], b.groups ?? []),
            groupsDocumentedA: a.groups != nil, groupsDocumentedB: b.groups != nil)
    }
}
