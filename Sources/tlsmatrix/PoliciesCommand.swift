import ArgumentParser
import Foundation
import TLSAudit
import TLSCatalog
import TLSReport
import TLSScan

/// Offline look-ups in the policy catalog: list, show, diff, and handshake checks against a policy.
struct PoliciesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policies",
        abstract: "List, show, compare and check the catalog's server security policies (offline).",
        discussion: """
            Policies are ELB, CloudFront viewer, Mozilla and compliance baselines from Data/policies.
            Nothing is sent on the network.
            Examples:
              tlsmatrix policies list --family elb
              tlsmatrix policies show ELBSecurityPolicy-TLS13-1-2-2021-06
              tlsmatrix policies diff ELBSecurityPolicy-2016-08 ELBSecurityPolicy-TLS13-1-2-2021-06
              tlsmatrix policies check --client cloudfront-origin --server ELBSecurityPolicy-TLS13-1-2-2021-06
            """,
        subcommands: [List.self, Show.self, Diff.self, Check.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List policies: id, family, versions, suite count.",
            discussion: """
                Policies marked "unverified" have facts not confirmed by a primary source.
                Examples:
                  tlsmatrix policies list
                  tlsmatrix policies list --family mozilla --format json
                """)

        @Option(help: "Only this family (elb, elb-classic, cloudfront-viewer, mozilla, nist, pci, cnsa).")
        var family: String?

        @Option(help: "Output format: text or json.")
        var format: String = "text"

        func validate() throws {
            try PolicyLookup.checkFormat(format)
            if let family, Catalog.shared.policies(family: family).isEmpty {
                let known = Array(Set(Catalog.shared.policies.map(\.family))).sorted().joined(separator: ", ")
                throw ValidationError("unknown family '\(family)' (known: \(known))")
            }
        }

        mutating func run() async throws {
            let policies = family.map { Catalog.shared.policies(family: $0) } ?? Catalog.shared.policies
            if format == "json" {
                try printLine(JSONValue.array(policies.map { policy in
                    .object([
                        ("id", .string(policy.id)), ("family", .string(policy.family)),
                        ("versions", .array(policy.versions.map { .string($0.rawValue) })),
                        ("suites", .int(policy.suites.count)), ("unverified", .bool(policy.unverified)),
                    ])
                }).serialized())
                return
            }
            let rows = policies.map { policy in
                [policy.id, policy.family, policy.versions.map(\.rawValue).joined(separator: ","),
                 String(policy.suites.count), policy.unverified ? "unverified" : ""]
            }
            try printLine(TextTable.render(header: ["ID", "FAMILY", "VERSIONS", "SUITES", ""], rows: rows))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show one policy: versions, suites in preference order, groups, notes, sources.",
            discussion: """
                Suites marked "?" are inferred rather than documented.
                Examples:
                  tlsmatrix policies show ELBSecurityPolicy-2016-08
                  tlsmatrix policies show TLSv1.2_2021 --format json
                """)

        @Argument(help: "Policy id or alias (see tlsmatrix policies list).")
        var name: String

        @Option(help: "Output format: text or json.")
        var format: String = "text"

        func validate() throws {
            try PolicyLookup.checkFormat(format)
            _ = try PolicyLookup.policy(name)
        }

        mutating func run() async throws {
            let policy = try PolicyLookup.policy(name)
            if format == "json" {
                try printLine(JSONValue.object([
                    ("id", .string(policy.id)), ("name", .string(policy.name)), ("family", .string(policy.family)),
                    ("versions", .array(policy.versions.map { .string($0.rawValue) })),
                    ("suites", .array(policy.suites.map(PolicyLookup.suiteJSON))),
                    ("groups", policy.groups.map { .array($0.map(PolicyLookup.groupJSON)) } ?? .null),
                    ("serverPreference", policy.serverPreference.map(JSONValue.bool) ?? .null),
                    ("unverified", .bool(policy.unverified)),
                    ("unverifiedSuites", .array(policy.unverifiedSuites.map { .string(CodePointFormat.hex($0)) })),
                    ("aliases", .array(policy.aliases.map(JSONValue.string))),
                    ("notes", .array(policy.notes.map(JSONValue.string))),
                    ("sources", .array(policy.sources.map(JSONValue.string))),
                ]).serialized())
                return
            }
            var out = ["\(policy.id)  (\(policy.name))", "Family:    \(policy.family)" + (policy.unverified ? "  [unverified]" : "")]
            if !policy.aliases.isEmpty { out.append("Aliases:   \(policy.aliases.joined(separator: ", "))") }
            out.append("Versions:  \(policy.versions.map(\.rawValue).joined(separator: ", "))")
            let preference = policy.serverPreference.map { $0 ? "server" : "client" } ?? "not stated"
            out.append("Order:     \(preference)")
            out.append("")
            out.append("Suites (\(policy.suites.count), preference order):")
            if policy.suites.isEmpty { out.append("  (none listed; the baseline states requirements only)") }
            let rows = policy.suites.enumerated().map { index, code in
                let suite = Catalog.shared.suite(code: code)
                return [String(index + 1) + (policy.unverifiedSuites.contains(code) ? "?" : ""),
                        CodePointFormat.hex(code), suite?.openssl ?? "-", suite?.iana ?? "unknown code point"]
            }
            if !rows.isEmpty { out.append(TextTable.render(rows: rows, indent: "  ")) }
            out.append("")
            if let groups = policy.groups {
                out.append("Groups:    " + groups.map(PolicyLookup.groupName).joined(separator: ", "))
            } else {
                out.append("Groups:    not documented (simulations assume x25519, secp256r1, secp384r1)")
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
            try printLine(out.joined(separator: "\n"))
        }
    }

    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "Compare two policies: protocols, suites per version, groups.",
            discussion: """
                "-" marks what only A allows (removed going from A to B), "+" what only B allows (added),
                " " what both allow. The A and B columns give each suite's rank in that policy's order.
                Examples:
                  tlsmatrix policies diff ELBSecurityPolicy-2016-08 ELBSecurityPolicy-TLS13-1-2-2021-06
                  tlsmatrix policies diff TLSv1.2_2019 TLSv1.2_2021 --format json
                """)

        @Argument(help: "Policy A (the old one).")
        var a: String

        @Argument(help: "Policy B (the new one).")
        var b: String

        @Option(help: "Output format: text or json.")
        var format: String = "text"

        func validate() throws {
            try PolicyLookup.checkFormat(format)
            _ = try PolicyLookup.policy(a)
            _ = try PolicyLookup.policy(b)
        }

        mutating func run() async throws {
            let diff = PolicyComparison.diff(try PolicyLookup.policy(a), try PolicyLookup.policy(b))
            try printLine(format == "json" ? Self.json(diff).serialized() : Self.text(diff))
        }

        static func json(_ diff: PolicyDiff) -> JSONValue {
            func list<T>(_ d: ListDiff<T>, _ item: (T) -> JSONValue) -> JSONValue {
                .object([("removed", .array(d.removed.map(item))), ("added", .array(d.added.map(item))),
                         ("common", .array(d.common.map(item)))])
            }
            let version: (TLSVersion) -> JSONValue = { .string($0.rawValue) }
            let suite: (UInt16) -> JSONValue = { .string(CodePointFormat.hex($0)) }
            return .object([
                ("a", .string(diff.a.id)), ("b", .string(diff.b.id)),
                ("protocols", list(diff.protocols, version)),
                ("suites", list(diff.suites, suite)),
                ("versions", .array(diff.versions.map { entry in
                    .object([("version", .string(entry.version.rawValue)), ("inA", .bool(entry.inA)),
                             ("inB", .bool(entry.inB)), ("suites", list(entry.suites, suite))])
                })),
                ("groups", list(diff.groups) { .int(Int($0)) }),
                ("groupsDocumented", .object([("a", .bool(diff.groupsDocumentedA)), ("b", .bool(diff.groupsDocumentedB))])),
            ])
        }

        static func text(_ diff: PolicyDiff) -> String {
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
            out.append(TextTable.render(
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
                let a = PolicyComparison.suites(of: diff.a, for: entry.version)
                let b = PolicyComparison.suites(of: diff.b, for: entry.version)
                out.append(TextTable.render(
                    header: ["", "CODE", "NAME", "A", "B"],
                    rows: marked(entry.suites, a: a, b: b) { code in
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
                out.append(TextTable.render(
                    header: ["", "GROUP", "A", "B"],
                    rows: marked(diff.groups, a: diff.a.groups ?? [], b: diff.b.groups ?? []) { [PolicyLookup.groupName($0)] },
                    indent: "  "))
            }
            return out.joined(separator: "\n")
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Simulate a client's handshake with a server configured with a policy (offline).",
            discussion: """
                The server is modelled from the policy's lists (server order unless the policy says
                otherwise; groups x25519, secp256r1, secp384r1 when undocumented). The certificate key
                type is not modelled, so ECDSA suites count as usable. Exit 1 when the client could not
                connect. --origin-protocols (CloudFront's OriginSslProtocols) applies to cloudfront-origin.
                Examples:
                  tlsmatrix policies check --client cloudfront-origin --server ELBSecurityPolicy-TLS13-1-2-2021-06
                  tlsmatrix policies check --client cloudfront-origin --server ELBSecurityPolicy-TLS-1-2-2017-01 --origin-protocols TLSv1
                  tlsmatrix policies check --client java-8 --server mozilla-modern-5.7 --format json
                """)

        @Option(help: "Client profile id (see tlsmatrix clients list).")
        var client: String

        @Option(help: "Policy id or alias the server is configured with.")
        var server: String

        @Option(help: "CloudFront OriginSslProtocols, e.g. TLSv1.2 or TLSv1,TLSv1.1,TLSv1.2 (default TLSv1.2).")
        var originProtocols: String?

        @Option(help: "Output format: text or json.")
        var format: String = "text"

        func validate() throws {
            try PolicyLookup.checkFormat(format)
            let profile = try PolicyLookup.client(client)
            _ = try PolicyLookup.policy(server)
            if originProtocols != nil && profile.id != ClientProfile.ID.cloudFrontOrigin {
                throw ValidationError("--origin-protocols applies only to --client cloudfront-origin")
            }
            _ = try parsedOriginProtocols()
        }

        func parsedOriginProtocols() throws -> [TLSVersion] { try ReportOptions.originProtocols(originProtocols) }

        mutating func run() async throws {
            let profile = try PolicyLookup.client(client)
            let policy = try PolicyLookup.policy(server)
            let scan = ScanResult(policy: policy)
            var fields: [(String, JSONValue)] = [("client", .string(profile.id)), ("server", .string(policy.id))]
            var text = ["Client:   \(profile.id) (\(profile.name))", "Server:   \(policy.id) (offline model of the policy)"]
            let connected: Bool
            var chosen: UInt16?
            if profile.id == ClientProfile.ID.cloudFrontOrigin {
                let origin = try parsedOriginProtocols()
                let verdict = CloudFrontVerdict.evaluate(scan, originProtocols: origin, profile: profile)
                connected = verdict.compatible == true
                chosen = verdict.suite
                fields.append(("originProtocols", .array(origin.map { .string($0.cloudFrontName) })))
                fields += Self.choiceFields(connected, verdict.protocolVersion, verdict.suite, verdict.group)
                fields.append(("causes", .array(verdict.causes.map { cause in
                    .object([("id", .string(cause.id)), ("message", .string(cause.message)), ("fix", .string(cause.fix))])
                })))
                text.append("Origin:   OriginSslProtocols \(origin.map(\.cloudFrontName).joined(separator: ","))")
                text += Self.choiceText(connected, verdict.protocolVersion, verdict.suite, verdict.group)
                for cause in verdict.causes {
                    text.append("Cause:    [\(cause.id)] \(cause.message)")
                    text.append("Fix:      \(cause.fix)")
                }
            } else {
                switch HandshakeSimulation.negotiate(client: profile, server: scan) {
                case .success(let choice):
                    connected = true
                    chosen = choice.suite
                    fields += Self.choiceFields(true, choice.version, choice.suite, choice.group)
                    text += Self.choiceText(true, choice.version, choice.suite, choice.group)
                case .failure(let failure):
                    connected = false
                    let reason = Self.describe(failure.reason)
                    fields += Self.choiceFields(false, nil, nil, nil)
                    fields.append(("failure", .object([("id", .string(reason.id)), ("message", .string(reason.message))])))
                    text += Self.choiceText(false, nil, nil, nil)
                    text.append("Cause:    [\(reason.id)] \(reason.message)")
                }
            }
            var notes = scan.findings.map(\.message)
            if let chosen, Catalog.shared.suite(code: chosen)?.authentication == .ecdsa {
                notes.append("The certificate key type is not modelled: with only an RSA certificate the server would skip ECDSA suites.")
            }
            fields.append(("notes", .array(notes.map(JSONValue.string))))
            text += notes.map { "Note:     \($0)" }
            try printLine(format == "json" ? JSONValue.object(fields).serialized() : text.joined(separator: "\n"))
            if !connected { throw ExitCode(ExitStatus.failedVerdict.rawValue) }
        }

        static func describe(_ reason: HandshakeSimulation.Failure.Reason) -> (id: String, message: String) {
            switch reason {
            case .noCommonProtocol: ("no-common-protocol", "the client and the policy share no protocol version")
            case .noCommonCipher(let v): ("no-common-cipher", "with \(v.rawValue) the policy allows none of the client's suites")
            case .noCommonGroup(let v): ("no-common-curve", "with \(v.rawValue) the client offers none of the policy's groups")
            case .undecided(let why): ("undecided", why)
            }
        }

        static func choiceFields(_ ok: Bool, _ version: TLSVersion?, _ suite: UInt16?, _ group: UInt16?) -> [(String, JSONValue)] {
            [("compatible", .bool(ok)),
             ("protocol", version.map { .string($0.rawValue) } ?? .null),
             ("suite", suite.map { PolicyLookup.suiteJSON($0) } ?? .null),
             ("group", group.map { PolicyLookup.groupJSON($0) } ?? .null)]
        }

        static func choiceText(_ ok: Bool, _ version: TLSVersion?, _ suite: UInt16?, _ group: UInt16?) -> [String] {
            guard ok else { return ["Result:   NOT compatible (the client could not connect)"] }
            var lines = ["Result:   compatible"]
            if let version { lines.append("Protocol: \(version.rawValue)") }
            if let suite {
                lines.append("Suite:    \(CodePointFormat.hex(suite))  \(Catalog.shared.suite(code: suite)?.displayName ?? "unknown")")
            }
            if let group { lines.append("Group:    \(PolicyLookup.groupName(group))") }
            return lines
        }
    }
}

/// Shared look-ups and formatting for the catalog commands.
enum PolicyLookup {
    static func checkFormat(_ format: String) throws {
        guard ["text", "json"].contains(format) else {
            throw ValidationError("unknown format '\(format)' (choose text or json)")
        }
    }

    static func policy(_ name: String) throws -> Policy {
        guard let policy = Catalog.shared.policy(id: name) else {
            throw ValidationError("unknown policy '\(name)' (see tlsmatrix policies list)")
        }
        return policy
    }

    static func client(_ id: String) throws -> ClientProfile {
        guard let client = Catalog.shared.client(id: id) else {
            throw ValidationError("unknown client '\(id)' (see tlsmatrix clients list)")
        }
        return client
    }

    static func groupName(_ code: UInt16) -> String {
        Catalog.shared.group(code: code)?.name ?? "group-\(code)"
    }

    static func suiteJSON(_ code: UInt16) -> JSONValue {
        let suite = Catalog.shared.suite(code: code)
        return .object([("code", .string(CodePointFormat.hex(code))),
                        ("openssl", suite?.openssl.map(JSONValue.string) ?? .null),
                        ("iana", suite.map { .string($0.iana) } ?? .null)])
    }

    static func groupJSON(_ code: UInt16) -> JSONValue {
        .object([("code", .int(Int(code))), ("name", Catalog.shared.group(code: code).map { .string($0.name) } ?? .null)])
    }
}
