import TLSAudit
import TLSCatalog
import TLSModel

/// `tlsmatrix policies list|show|diff|check`: the policy catalog, one policy, two policies compared, and a
/// client's handshake with a policy, as text (tables) or JSON (``CatalogJSON``).
package enum PolicyReport {
    // MARK: list

    package static func list(_ policies: [Policy], json: Bool) -> String {
        CatalogListing.render(
            policies.map { policy in
                CatalogListing(
                    id: policy.id, family: policy.family, versions: CatalogJSON.names(policy.versions),
                    suites: policy.suites.count, unverified: policy.unverified,
                    conflicts: policy.conflicts.count)
            }, json: json, secondColumn: "FAMILY")
    }

    // MARK: show

    /// `policies show --format json`.
    package struct PolicyDocument: Codable, Sendable, Equatable {
        package var id: String
        package var name: String
        package var family: String
        package var versions: [String]
        package var suites: [CatalogJSON.Suite]
        @Nullable package var groups: [CatalogJSON.Group]?
        @Nullable package var serverPreference: Bool?
        package var unverified: Bool
        package var unverifiedSuites: [String]
        package var aliases: [String]
        package var notes: [String]
        package var sources: [String]
        @Nullable package var retrieved: String?
        /// Items two sources state differently (both recorded).
        package var conflicts: [Policy.Conflict]

        package init(_ policy: Policy) {
            id = policy.id
            name = policy.name
            family = policy.family
            versions = CatalogJSON.names(policy.versions)
            suites = policy.suites.map(CatalogJSON.Suite.init)
            groups = policy.groups.map { $0.map(CatalogJSON.Group.init) }
            serverPreference = policy.serverPreference
            unverified = policy.unverified
            unverifiedSuites = policy.unverifiedSuites.map(CodePointFormat.hex)
            aliases = policy.aliases
            notes = policy.notes
            sources = policy.sources
            retrieved = policy.retrieved
            conflicts = policy.conflicts
        }
    }

    package static func show(_ policy: Policy, json: Bool) -> String {
        if json { return CatalogJSON.render(PolicyDocument(policy)) }
        var out = [
            "\(policy.id)  (\(policy.name))",
            "Family:    \(policy.family)" + (policy.unverified ? "  [unverified]" : "")
                + (policy.conflicts.isEmpty ? "" : "  [sources conflict: \(policy.conflicts.count)]"),
        ]
        if !policy.aliases.isEmpty { out.append("Aliases:   \(policy.aliases.joined(separator: ", "))") }
        out.append("Versions:  \(policy.versions.map(\.rawValue).joined(separator: ", "))")
        let preference = policy.serverPreference.map { $0 ? "server" : "client" } ?? "not stated"
        out.append("Order:     \(preference)")
        out.append("")
        out.append("Suites (\(policy.suites.count), preference order):")
        if policy.suites.isEmpty { out.append("  (none listed; the baseline states requirements only)") }
        let rows = policy.suites.enumerated().map { index, code in
            let suite = Catalog.shared.suite(code: code)
            return [
                String(index + 1) + (policy.unverifiedSuites.contains(code) ? "?" : ""),
                CodePointFormat.hex(code), suite?.openssl ?? "-", suite?.iana ?? "unknown code point",
            ]
        }
        if !rows.isEmpty { out.append(TextTable.render(rows: rows, indent: "  ")) }
        out.append("")
        if let groups = policy.groups {
            out.append("Groups:    " + groups.map(groupName).joined(separator: ", "))
        } else {
            out.append("Groups:    not documented (simulations assume x25519, secp256r1, secp384r1)")
        }
        if !policy.conflicts.isEmpty {
            out.append("")
            out.append("Conflicts between sources (\(policy.conflicts.count); both recorded, neither chosen):")
            for conflict in policy.conflicts {
                out.append("  ! \(conflict.field): \(conflict.item)")
                out.append("      \(conflict.a.says.uppercased()) per \(conflict.a.source)")
                out.append("      \(conflict.b.says.uppercased()) per \(conflict.b.source)")
            }
        }
        if !policy.notes.isEmpty {
            out.append("")
            out.append("Notes:")
            out += policy.notes.map { "  - \($0)" }
        }
        if !policy.sources.isEmpty {
            out.append("")
            out.append("Sources:")
            out += policy.sources.map { "  \($0)" }
        }
        if let retrieved = policy.retrieved {
            out.append("")
            out.append("Retrieved: \(retrieved)")
        }
        return out.joined(separator: "\n")
    }

    // MARK: diff

    /// What only A has (`removed`), only B (`added`), and both (`common`).
    package struct Changes<Item: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
        package var removed: [Item]
        package var added: [Item]
        package var common: [Item]

        init<T>(_ diff: ListDiff<T>, _ item: (T) -> Item) {
            removed = diff.removed.map(item)
            added = diff.added.map(item)
            common = diff.common.map(item)
        }
    }

    /// `policies diff --format json`.
    package struct DiffDocument: Codable, Sendable, Equatable {
        package struct Version: Codable, Sendable, Equatable {
            package var version: String
            package var inA: Bool
            package var inB: Bool
            package var suites: Changes<String>
        }

        package struct Sides: Codable, Sendable, Equatable {
            package var a: Bool
            package var b: Bool
        }

        package var a: String
        package var b: String
        package var protocols: Changes<String>
        package var suites: Changes<String>
        package var versions: [Version]
        package var groups: Changes<Int>
        package var groupsDocumented: Sides
        /// The clients whose result changes from A to B (`breaks`: connected to A, not to B).
        package var clients: [ComparisonReport.ClientChangeEntry]

        package init(_ diff: PolicyDiff) {
            clients = diff.clients.clients.map(ComparisonReport.ClientChangeEntry.init)
            a = diff.a.id
            b = diff.b.id
            protocols = Changes(diff.protocols, \.rawValue)
            suites = Changes(diff.suites, CodePointFormat.hex)
            versions = diff.versions.map { entry in
                Version(
                    version: entry.version.rawValue, inA: entry.inA, inB: entry.inB,
                    suites: Changes(entry.suites, CodePointFormat.hex))
            }
            groups = Changes(diff.groups) { Int($0) }
            groupsDocumented = Sides(a: diff.groupsDocumentedA, b: diff.groupsDocumentedB)
        }
    }

    /// The policies' difference and, for every client profile, whether its result changes (as `compare` does).
    package static func diff(_ diff: PolicyDiff, json: Bool) -> String {
        json
            ? CatalogJSON.render(DiffDocument(diff))
            : diffText(diff) + "\n\n" + ComparisonReport.clientLines(diff.clients).joined(separator: "\n")
    }

    static func diffText(_ diff: PolicyDiff) -> String {
        var out = ["--- A: \(diff.a.id)", "+++ B: \(diff.b.id)", ""]
        func marked<T: Hashable>(_ d: ListDiff<T>, a: [T], b: [T], cells: (T) -> [String]) -> [[String]] {
            func rank(_ list: [T], _ item: T) -> String { list.firstIndex(of: item).map { String($0 + 1) } ?? "-" }
            let removed = Set(d.removed)
            let first = a.filter { removed.contains($0) || d.common.contains($0) }
            return (first + d.added).map { item in
                [removed.contains(item) ? "-" : d.added.contains(item) ? "+" : " "] + cells(item)
                    + [rank(a, item), rank(b, item)]
            }
        }
        out.append("Protocols:")
        let versions = TLSVersion.allCases.filter { diff.a.versions.contains($0) || diff.b.versions.contains($0) }
        out.append(
            TextTable.render(
                header: ["", "VERSION", "A", "B"],
                rows: versions.map { version in
                    let inA = diff.a.versions.contains(version), inB = diff.b.versions.contains(version)
                    return [inA && inB ? " " : inA ? "-" : "+", version.rawValue, inA ? "yes" : "-", inB ? "yes" : "-"]
                }, indent: "  "))
        for entry in diff.versions {
            out.append("")
            let added = entry.suites.added.count, removed = entry.suites.removed.count
            out.append("Suites \(entry.version.rawValue): +\(added) -\(removed) =\(entry.suites.common.count)")
            if entry.suites.isEmpty { out.append("  (none)"); continue }
            out.append(
                TextTable.render(
                    header: ["", "CODE", "NAME", "A", "B"],
                    rows: marked(entry.suites, a: entry.orderA, b: entry.orderB) { code in
                        [CodePointFormat.hex(code), Catalog.shared.suite(code: code)?.displayName ?? "unknown"]
                    }, indent: "  "))
        }
        out.append("")
        out.append("Groups:")
        switch (diff.groupsDocumentedA, diff.groupsDocumentedB) {
        case (false, false):
            out.append("  not documented by either policy")
        default:
            if !diff.groupsDocumentedA { out.append("  (A does not document its groups)") }
            if !diff.groupsDocumentedB { out.append("  (B does not document its groups)") }
            out.append(
                TextTable.render(
                    header: ["", "GROUP", "A", "B"],
                    rows: marked(diff.groups, a: diff.a.groups ?? [], b: diff.b.groups ?? []) { [groupName($0)] },
                    indent: "  "))
        }
        return out.joined(separator: "\n")
    }

    // MARK: baseline

    /// `policies check --baseline`: per policy, whether it conforms and, if not, what violates.
    package struct BaselineDocument: Codable, Sendable, Equatable {
        package struct Violation: Codable, Sendable, Equatable {
            package var version: String
            @Nullable package var code: String?
            package var message: String
        }
        package struct Entry: Codable, Sendable, Equatable {
            package var policy: String
            package var conforms: Bool
            package var outside: [Violation]
            package var requirements: [String]
        }
        package var baseline: String
        package var baselineUnverified: Bool
        package var policies: [Entry]
    }

    package static func baseline(_ reference: Policy, results: [(Policy, PolicyConformance)], json: Bool) -> String {
        let document = BaselineDocument(
            baseline: reference.id, baselineUnverified: reference.unverified,
            policies: results.map { policy, conformance in
                BaselineDocument.Entry(
                    policy: policy.id, conforms: !conformance.violated,
                    outside: conformance.outside.map {
                        .init(version: $0.version.rawValue, code: $0.suite.map(CodePointFormat.hex), message: $0.message)
                    },
                    requirements: conformance.requirements)
            })
        if json { return CatalogJSON.render(document) }
        var out = ["Baseline \(reference.id)" + (reference.unverified ? " (unverified baseline)" : "")]
        for entry in document.policies {
            out.append("")
            out.append("\(entry.policy): " + (entry.conforms ? "conforms" : "does NOT conform"))
            out += entry.outside.map { "  - \($0.message)" }
            out += entry.requirements.map { "  - \($0)" }
        }
        let failing = document.policies.filter { !$0.conforms }.count
        out.append("")
        out.append("\(document.policies.count - failing) of \(document.policies.count) policies conform")
        return out.map(TerminalSafe.escape).joined(separator: "\n")
    }

    // MARK: check

    /// `policies check --format json`. `originProtocols` and `causes` are written for cloudfront-origin only,
    /// `failure` for another client that could not connect.
    package struct CheckDocument: Codable, Sendable, Equatable {
        package struct Failure: Codable, Sendable, Equatable {
            package var id: String
            package var message: String
        }

        package var client: String
        package var server: String
        package var originProtocols: [String]?
        package var compatible: Bool
        @Nullable package var `protocol`: String?
        @Nullable package var suite: CatalogJSON.Suite?
        @Nullable package var group: CatalogJSON.Group?
        package var causes: [ScanReport.Cause]?
        package var failure: Failure?
        package var notes: [String]

        package init(_ check: PolicyCheck) {
            client = check.client.id
            server = check.policy.id
            compatible = check.connected
            notes = check.notes
            let choice: (version: TLSVersion?, suite: UInt16?, group: UInt16?)
            switch check.outcome {
            case .cloudFront(let verdict):
                originProtocols = verdict.originProtocols.map(\.cloudFrontName)
                causes = verdict.causes.map(ScanReport.Cause.init)
                choice = (verdict.protocolVersion, verdict.suite, verdict.group)
            case .simulated(.success(let made)):
                choice = (made.version, made.suite, made.group)
            case .simulated(.failure(let failed)):
                let reason = PolicyReport.describe(failed.reason)
                failure = Failure(id: reason.id, message: reason.message)
                choice = (nil, nil, nil)
            }
            self.protocol = choice.version?.rawValue
            suite = choice.suite.map(CatalogJSON.Suite.init)
            group = choice.group.map(CatalogJSON.Group.init)
        }
    }

    package static func check(_ check: PolicyCheck, json: Bool) -> String {
        if json { return CatalogJSON.render(CheckDocument(check)) }
        var text = [
            "Client:   \(check.client.id) (\(check.client.name))",
            "Server:   \(check.policy.id) (offline model of the policy)",
        ]
        switch check.outcome {
        case .cloudFront(let verdict):
            text.append("Origin:   OriginSslProtocols \(verdict.originProtocols.map(\.cloudFrontName).joined(separator: ","))")
            text += choiceText(check.connected, verdict.protocolVersion, verdict.suite, verdict.group)
            for cause in verdict.causes {
                text.append("Cause:    [\(cause.id)] \(cause.message)")
                text.append("Fix:      \(cause.fix)")
            }
        case .simulated(.success(let choice)):
            text += choiceText(true, choice.version, choice.suite, choice.group)
        case .simulated(.failure(let failure)):
            let reason = describe(failure.reason)
            text += choiceText(false, nil, nil, nil)
            text.append("Cause:    [\(reason.id)] \(reason.message)")
        }
        text += check.notes.map { "Note:     \($0)" }
        return text.joined(separator: "\n")
    }

    /// Why a simulated handshake failed: an id and a sentence.
    static func describe(_ reason: HandshakeSimulation.Failure.Reason) -> (id: String, message: String) {
        switch reason {
        case .noCommonProtocol: ("no-common-protocol", "the client and the policy share no protocol version")
        case .noCommonCipher(let v): ("no-common-cipher", "with \(v.rawValue) the policy allows none of the client's suites")
        case .noCommonGroup(let v): ("no-common-curve", "with \(v.rawValue) the client offers none of the policy's groups")
        case .undecided(let why): ("undecided", why)
        case .refused(let why): ("hello-refused", "the server refused the client's own ClientHello: \(why)")
        case .certificate(let why): ("certificate-refused", "the client refuses the certificate: \(why)")
        }
    }

    static func choiceText(_ ok: Bool, _ version: TLSVersion?, _ suite: UInt16?, _ group: UInt16?) -> [String] {
        guard ok else { return ["Result:   NOT compatible (the client could not connect)"] }
        var lines = ["Result:   compatible"]
        if let version { lines.append("Protocol: \(version.rawValue)") }
        if let suite {
            lines.append("Suite:    \(CodePointFormat.hex(suite))  \(Catalog.shared.suite(code: suite)?.displayName ?? "unknown")")
        }
        if let group { lines.append("Group:    \(groupName(group))") }
        return lines
    }

    /// A named group's name, or `group-N` for a code point the catalog does not know.
    package static func groupName(_ code: UInt16) -> String {
        Catalog.shared.group(code: code)?.name ?? "group-\(code)"
    }
}
