import TLSCatalog
import TLSModel

/// Three-way split of two ordered lists.
package struct ListDiff<Element: Hashable & Sendable>: Sendable, Equatable {
    /// In A, not in B (A's order).
    package var removed: [Element]
    /// In B, not in A (B's order).
    package var added: [Element]
    /// In both (A's order).
    package var common: [Element]

    package init(_ a: [Element], _ b: [Element]) {
        let setA = Set(a), setB = Set(b)
        removed = a.filter { !setB.contains($0) }
        added = b.filter { !setA.contains($0) }
        common = a.filter { setB.contains($0) }
    }

    package var isEmpty: Bool { removed.isEmpty && added.isEmpty && common.isEmpty }
    package var unchanged: Bool { removed.isEmpty && added.isEmpty }
}

/// How policy B differs from policy A ("added" = only in B, "removed" = only in A).
package struct PolicyDiff: Sendable, Equatable {
    /// Suites of one protocol version, compared.
    package struct VersionDiff: Sendable, Equatable {
        package var version: TLSVersion
        package var inA: Bool
        package var inB: Bool
        /// Each side's suites usable with `version`, in its policy's order (empty for a side that does not allow
        /// the version).
        package var orderA: [UInt16]
        package var orderB: [UInt16]
        package var suites: ListDiff<UInt16> { ListDiff(orderA, orderB) }
    }

    package var a: Policy
    package var b: Policy
    package var protocols: ListDiff<TLSVersion>
    /// All suites, regardless of version.
    package var suites: ListDiff<UInt16>
    /// One entry per version either policy allows, oldest first.
    package var versions: [VersionDiff]
    /// Groups as documented (a policy without documented groups counts as an empty list).
    package var groups: ListDiff<UInt16>
    package var groupsDocumentedA: Bool
    package var groupsDocumentedB: Bool
    /// For every client profile, whether its result changes from A to B (as `compare` judges two scans).
    package var clients: ScanComparison

    /// Every field is derived from the two policies, so two diffs are equal when their policies are.
    package static func == (lhs: PolicyDiff, rhs: PolicyDiff) -> Bool { lhs.a == rhs.a && lhs.b == rhs.b }
}

package struct PolicyComparison {
    /// The suites of `policy` valid for `version` per the catalog, in policy order; empty when the
    /// policy does not allow the version.
    package static func suites(of policy: Policy, for version: TLSVersion) -> [UInt16] {
        guard policy.versions.contains(version) else { return [] }
        return policy.suites.filter { Catalog.shared.suite(code: $0)?.versions.contains(version) ?? false }
    }

    package static func diff(_ a: Policy, _ b: Policy) -> PolicyDiff {
        let allVersions = Set(a.versions).union(b.versions).sorted()
        let perVersion = allVersions.map { version in
            PolicyDiff.VersionDiff(
                version: version, inA: a.versions.contains(version), inB: b.versions.contains(version),
                orderA: suites(of: a, for: version), orderB: suites(of: b, for: version))
        }
        return PolicyDiff(
            a: a, b: b,
            protocols: ListDiff(a.versions.sorted(), b.versions.sorted()),
            suites: ListDiff(a.suites, b.suites),
            versions: perVersion,
            groups: ListDiff(a.groups ?? [], b.groups ?? []),
            groupsDocumentedA: a.groups != nil, groupsDocumentedB: b.groups != nil,
            clients: ScanComparison.compare(ScanResult(policy: a), ScanResult(policy: b)))
    }
}
