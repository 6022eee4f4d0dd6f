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
        subcommands: [List.self, Show.self, Diff.self, Check.self, Matrix.self])

    struct Matrix: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "matrix",
            abstract: "Clients × policies: what each client negotiates with a server on each policy, or why it fails (offline).",
            discussion: """
                Rows are client profiles (every CloudFront origin generation included), columns policies; each cell the
                negotiated protocol, suite and group, or the reason the client cannot connect; a summary per policy
                (clients that fail) and per client (policies it fails on). Give --family or --policy (repeatable).
                Examples:
                  tlsmatrix policies matrix --family elb --format html > elb.html
                  tlsmatrix policies matrix --policy ELBSecurityPolicy-TLS13-1-2-2021-06 --client cloudfront-upstream-2025
                  tlsmatrix policies matrix --family cloudfront-viewer --format csv
                """)

        @Option(help: "All policies of this family (elb, elb-classic, cloudfront-viewer, mozilla, nist, pci, cnsa).")
        var family: String?

        @Option(help: "A policy id or alias (repeatable).")
        var policy: [String] = []

        @Option(help: "A client id (repeatable; default: every client profile).")
        var client: [String] = []

        @Option(help: "CloudFront OriginSslProtocols for CloudFront's generations (default TLSv1.2).")
        var originProtocols: String?

        @Option(help: "Output format: text, json, csv, markdown or html.")
        var format: String = "text"

        @OptionGroup var policyFile: PolicyFileOption

        func validate() throws {
            _ = try ReportFormat.one(format, of: [.text, .json, .csv, .markdown, .html])
            guard family != nil || !policy.isEmpty else { throw ValidationError("give --family FAMILY or --policy ID (repeatable)") }
            _ = try policies()
            _ = try clients()
            _ = try ReportOptions.originProtocols(originProtocols)
        }

        func policies() throws -> [Policy] {
            var chosen: [Policy] = []
            if let family {
                let members = try policyFile.source().policies(family: family)
                guard !members.isEmpty else {
                    let known = Array(Set(try policyFile.source().all.map(\.family))).sorted().joined(separator: ", ")
                    throw ValidationError("unknown family '\(family)' (known: \(known))")
                }
                chosen += members
            }
            for name in policy {
                let found = try policyFile.source().policy(name)
                if !chosen.contains(where: { $0.id == found.id }) { chosen.append(found) }
            }
            return chosen
        }

        func clients() throws -> [ClientProfile] {
            guard !client.isEmpty else { return Catalog.shared.clients }
            return try client.map { id in
                guard let profile = Catalog.shared.client(id: id) else {
                    throw ValidationError("unknown client '\(id)' (see tlsmatrix clients list)")
                }
                return profile
            }
        }

        mutating func run() async throws {
            let matrix = PolicyMatrix(
                clients: try clients(), policies: try policies(),
                originProtocols: try ReportOptions.originProtocols(originProtocols))
            let text: String =
                switch try ReportFormat.one(format, of: [.text, .json, .csv, .markdown, .html]) {
                case .json: PolicyMatrixReport.json(matrix)
                case .csv: PolicyMatrixReport.csv(matrix)
                case .markdown: PolicyMatrixReport.markdown(matrix)
                case .html: PolicyMatrixReport.html(matrix)
                default: PolicyMatrixReport.text(matrix)
                }
            try printLine(text)
        }
    }

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

        @OptionGroup var policyFile: PolicyFileOption

        func validate() throws {
            try PolicyLookup.checkFormat(format)
            let source = try policyFile.source()
            if let family, source.policies(family: family).isEmpty {
                let known = Array(Set(source.all.map(\.family))).sorted().joined(separator: ", ")
                throw ValidationError("unknown family '\(family)' (known: \(known))")
            }
        }

        mutating func run() async throws {
            let source = try policyFile.source()
            let policies = family.map { source.policies(family: $0) } ?? source.all
            try printLine(PolicyReport.list(policies, json: PolicyLookup.isJSON(format)))
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

        @OptionGroup var policyFile: PolicyFileOption

        func validate() throws {
            try PolicyLookup.checkFormat(format)
            _ = try policyFile.source().policy(name)
        }

        mutating func run() async throws {
            try printLine(PolicyReport.show(try policyFile.source().policy(name), json: PolicyLookup.isJSON(format)))
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

        @OptionGroup var policyFile: PolicyFileOption

        func validate() throws {
            try PolicyLookup.checkFormat(format)
            _ = try policyFile.source().policy(a)
            _ = try policyFile.source().policy(b)
        }

        mutating func run() async throws {
            let diff = PolicyComparison.diff(try policyFile.source().policy(a), try policyFile.source().policy(b))
            try printLine(PolicyReport.diff(diff, json: PolicyLookup.isJSON(format)))
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
                With --baseline, checks policies against a compliance baseline instead: which conform, and for each
                that does not, the exact protocols and suites (and rules) that violate it; exit 1 if any does not.
                  tlsmatrix policies check --baseline nist-sp800-52r2 --family elb
                  tlsmatrix policies check --baseline pci-dss --policy ELBSecurityPolicy-2016-08 --format json
                """)

        @Option(help: "Client profile id (see tlsmatrix clients list).")
        var client: String?

        @Option(help: "Policy id or alias the server is configured with.")
        var server: String?

        @Option(help: "A compliance baseline (nist-sp800-52r2, pci-dss, mozilla-intermediate-6.0, …) to check policies against.")
        var baseline: String?

        @Option(help: "With --baseline: every policy of this family.")
        var family: String?

        @Option(help: "With --baseline: a policy id or alias (repeatable).")
        var policy: [String] = []

        @Option(help: "CloudFront OriginSslProtocols, e.g. TLSv1.2 or TLSv1,TLSv1.1,TLSv1.2 (default TLSv1.2).")
        var originProtocols: String?

        @Option(help: "Output format: text or json.")
        var format: String = "text"

        @OptionGroup var policyFile: PolicyFileOption

        func validate() throws {
            try PolicyLookup.checkFormat(format)
            if baseline != nil {
                guard client == nil, server == nil else {
                    throw ValidationError("--baseline checks policies: give --family or --policy, not --client/--server")
                }
                _ = try baselineChecks()
                return
            }
            guard family == nil, policy.isEmpty else { throw ValidationError("--family and --policy go with --baseline") }
            guard let client, let server else { throw ValidationError("give --client and --server (or --baseline with --family/--policy)") }
            let profile = try PolicyLookup.client(client)
            _ = try policyFile.source().policy(server)
            if originProtocols != nil && profile.id != ClientProfile.ID.cloudFrontOrigin {
                throw ValidationError("--origin-protocols applies only to --client cloudfront-origin")
            }
            _ = try parsedOriginProtocols()
        }

        func parsedOriginProtocols() throws -> [TLSVersion] { try ReportOptions.originProtocols(originProtocols) }

        /// With --baseline: the baseline and the policies to check against it.
        func baselineChecks() throws -> (baseline: Policy, policies: [Policy]) {
            let source = try policyFile.source()
            guard let name = baseline else { throw ValidationError("no --baseline") }
            let reference = try source.policy(name)
            var policies: [Policy] = []
            if let family {
                let members = source.policies(family: family)
                guard !members.isEmpty else { throw ValidationError("unknown family '\(family)' (see tlsmatrix policies list)") }
                policies += members
            }
            for name in policy where !policies.contains(where: { $0.id.lowercased() == name.lowercased() }) {
                policies.append(try source.policy(name))
            }
            guard !policies.isEmpty else { throw ValidationError("--baseline needs --family or --policy") }
            return (reference, policies)
        }

        mutating func run() async throws {
            if baseline != nil {
                let (reference, policies) = try baselineChecks()
                let results = policies.map { ($0, PolicyConformance.check(ScanResult(policy: $0), against: reference)) }
                try printLine(PolicyReport.baseline(reference, results: results, json: PolicyLookup.isJSON(format)))
                if results.contains(where: { $0.1.violated }) { throw ExitCode(ExitStatus.failedVerdict.rawValue) }
                return
            }
            guard let client, let server else { throw ValidationError("give --client and --server") }
            let profile = try PolicyLookup.client(client)
            let policy = try policyFile.source().policy(server)
            let check = PolicyCheck.check(client: profile, policy: policy, originProtocols: try parsedOriginProtocols())
            try printLine(PolicyReport.check(check, json: PolicyLookup.isJSON(format)))
            if !check.connected { throw ExitCode(ExitStatus.failedVerdict.rawValue) }
        }
    }
}

/// Shared look-ups and option checks for the catalog commands.
enum PolicyLookup {
    static func checkFormat(_ format: String) throws { _ = try ReportFormat.one(format, of: [.text, .json]) }

    /// Whether a validated text-or-json `--format` asks for JSON.
    static func isJSON(_ format: String) -> Bool { (try? ReportFormat.one(format, of: [.text, .json])) == .json }

    static func client(_ id: String) throws -> ClientProfile {
        guard let client = Catalog.shared.client(id: id) else {
            throw ValidationError("unknown client '\(id)' (see tlsmatrix clients list)")
        }
        return client
    }
}
