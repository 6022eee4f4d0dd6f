import Foundation
import TLSAudit
import TLSDistribution
import TLSModel

/// SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format), the log GitHub code scanning and IaC tools
/// (cfn-lint, checkov) read: one run of tlsmatrix, its rules (one per finding id), and one result per finding
/// with its level, message and fix. A finding about a file (a template) points at the file, line and column;
/// a finding about a server names it as a logical location (`host:port`).
package struct SARIFLog: Encodable, Sendable, Equatable {
    package static let schema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

    /// One finding as SARIF sees it.
    package struct Finding: Sendable, Equatable {
        package enum Level: String, Sendable { case error, warning, note }

        /// The rule id: the finding's stable id, prefixed by its family (`certificate/expired`).
        package var rule: String
        package var level: Level
        package var message: String
        /// What to change; written after the message and as the rule's help.
        package var fix: String?
        /// The file the finding is about (a path relative to the working directory) and where in it.
        package var file: String?
        package var line: Int?
        package var column: Int?
        /// What the finding is about when it is not a file: a server (`origin.example.com:443`), an origin.
        package var subject: String?

        package init(
            rule: String, level: Level, message: String, fix: String? = nil, file: String? = nil,
            line: Int? = nil, column: Int? = nil, subject: String? = nil
        ) {
            self.rule = rule
            self.level = level
            self.message = message
            self.fix = fix
            self.file = file
            self.line = line
            self.column = column
            self.subject = subject
        }

        /// A severity word of tlsmatrix's reports (`error`, `warning`, `info`, `notice`) as a SARIF level.
        package static func level(_ severity: Severity) -> Level {
            switch severity {
            case .error: .error
            case .warning: .warning
            case .info: .note
            }
        }
    }

    package let findings: [Finding]

    package init(findings: [Finding]) {
        self.findings = findings
    }

    /// The log as pretty JSON, keys sorted (stable output for diffs and golden files).
    package func rendered() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self), let text = String(data: data, encoding: .utf8) else { return "{}\n" }
        return text + "\n"
    }

    enum CodingKeys: String, CodingKey { case schema = "$schema", version, runs }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.schema, forKey: .schema)
        try c.encode("2.1.0", forKey: .version)
        try c.encode([Run(findings)], forKey: .runs)
    }

    struct Text: Encodable, Equatable { var text: String }

    struct Run: Encodable {
        struct Driver: Encodable {
            var name = ToolVersion.name
            var version = ToolVersion.current
            var rules: [Rule]
        }

        struct Tool: Encodable { var driver: Driver }

        struct Rule: Encodable {
            struct Configuration: Encodable { var level: String }
            var id: String
            var shortDescription: Text
            var help: Text?
            var defaultConfiguration: Configuration
        }

        struct Result: Encodable {
            var ruleId: String
            var ruleIndex: Int
            var level: String
            var message: Text
            var locations: [Location]
        }

        struct Location: Encodable {
            struct Physical: Encodable {
                struct Artifact: Encodable { var uri: String }
                struct Region: Encodable {
                    var startLine: Int
                    var startColumn: Int?
                }
                var artifactLocation: Artifact
                var region: Region?
            }
            struct Logical: Encodable {
                var name: String
                var kind: String
            }
            var physicalLocation: Physical?
            var logicalLocations: [Logical]?
        }

        var tool: Tool
        var results: [Result]
        var columnKind = "unicodeCodePoints"

        init(_ findings: [Finding]) {
            var rules: [Rule] = []
            var index: [String: Int] = [:]
            var results: [Result] = []
            for finding in findings {
                let ruleIndex: Int
                if let known = index[finding.rule] {
                    ruleIndex = known
                } else {
                    ruleIndex = rules.count
                    index[finding.rule] = ruleIndex
                    rules.append(
                        Rule(
                            id: finding.rule, shortDescription: Text(text: Self.firstSentence(finding.message)),
                            help: finding.fix.map { Text(text: $0) },
                            defaultConfiguration: .init(level: finding.level.rawValue)))
                }
                let physical = finding.file.map { file in
                    Location.Physical(
                        artifactLocation: .init(uri: Self.uri(file)),
                        region: finding.line.map { .init(startLine: max(1, $0), startColumn: finding.column.map { max(1, $0) }) })
                }
                let logical = finding.subject.map { [Location.Logical(name: $0, kind: "resource")] }
                let text = finding.message + (finding.fix.map { " Fix: " + $0 } ?? "")
                results.append(
                    Result(
                        ruleId: finding.rule, ruleIndex: ruleIndex, level: finding.level.rawValue,
                        message: Text(text: text),
                        locations: physical == nil && logical == nil
                            ? [] : [Location(physicalLocation: physical, logicalLocations: logical)]))
            }
            tool = Tool(driver: Driver(rules: rules))
            self.results = results
        }

        /// A relative path as a URI reference (percent-encoded; `/` kept), as code scanning expects.
        static func uri(_ path: String) -> String {
            var allowed = CharacterSet.urlPathAllowed
            allowed.remove(charactersIn: ":")
            let trimmed = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
            return trimmed.addingPercentEncoding(withAllowedCharacters: allowed) ?? trimmed
        }

        static func firstSentence(_ text: String) -> String {
            guard let end = text.range(of: ". ") else { return text }
            return String(text[..<end.lowerBound]) + "."
        }
    }
}

/// A scan's findings as SARIF: the CloudFront verdict's causes, the policy's violations, the certificate findings
/// of every chain and the scan's own findings, each about the target (`host:port`).
package enum SARIFReport {
    package static func render(_ analysis: ScanAnalysis) -> String {
        render(ScanReport(analysis))
    }

    package static func render(_ report: ScanReport) -> String {
        SARIFLog(findings: findings(report)).rendered()
    }

    package static func findings(_ report: ScanReport) -> [SARIFLog.Finding] {
        let subject = "\(report.target.host):\(report.target.port)"
        var out: [SARIFLog.Finding] = []
        let cloudfront = report.verdicts.cloudfront
        if cloudfront.compatible == false {
            for cause in cloudfront.causes {
                out.append(
                    .init(
                        rule: "cloudfront/" + cause.id, level: .error, message: "CloudFront cannot connect: " + cause.message,
                        fix: cause.fix, subject: subject))
            }
        } else if cloudfront.compatible == nil {
            let why = cloudfront.causes.map(\.message).joined(separator: "; ")
            out.append(
                .init(
                    rule: "cloudfront/undecided", level: .warning,
                    message: "Whether CloudFront connects is not decided" + (why.isEmpty ? "." : ": " + why),
                    subject: subject))
        }
        if let policy = report.verdicts.policy {
            if policy.conforms == false {
                for item in policy.outside + policy.missing {
                    out.append(
                        .init(
                            rule: "policy/" + policy.id, level: .error, message: "\(item.version): \(item.message)",
                            fix: policy.changesNeeded.first, subject: subject))
                }
            } else if policy.conforms == nil {
                out.append(
                    .init(
                        rule: "policy/" + policy.id, level: .warning,
                        message: "Conformance to \(policy.id) is not decided" + (policy.undecided.map { ": " + $0 } ?? "."),
                        subject: subject))
            }
        }
        for chain in report.certificates {
            for finding in chain.findings {
                out.append(
                    .init(
                        rule: "certificate/" + finding.id, level: SARIFLog.Finding.level(finding.severity),
                        message: finding.message, fix: finding.fix,
                        subject: subject + (chain.sni.map { " (SNI \($0))" } ?? "")))
            }
        }
        for finding in report.findings {
            out.append(.init(rule: finding.id, level: SARIFLog.Finding.level(finding.severity), message: finding.message, subject: subject))
        }
        return out
    }
}

extension SARIFReport {
    /// A distribution audit's causes (errors) and notes as SARIF, each pointing at the template key it comes from
    /// (file, line, column from `sourceMaps`; the file alone when it has no map), the origin as its subject; an
    /// origin scanned online adds its scan's findings about the server.
    package static func render(_ report: DistributionReport, sourceMaps: [String: SourceMap]) -> String {
        SARIFLog(findings: findings(report, sourceMaps: sourceMaps)).rendered()
    }

    /// The key under a finding's path that holds the offending value, where the path names its parent (the
    /// origin, the listener resource): the line code scanning marks. CloudFormation and API spellings first,
    /// then Terraform's.
    static let keyOf: [String: [String]] = [
        "origin-is-elb-dns-name": ["DomainName", "domain_name"],
        "origin-port-no-listener": ["CustomOriginConfig.OriginProtocolPolicy", "custom_origin_config[0].origin_protocol_policy"],
        "listener-policy-incompatible": ["Properties.SslPolicy", "Properties.Policies", "SslPolicy", "ssl_policy"],
        "listener-policy-unknown": ["Properties.SslPolicy", "SslPolicy", "ssl_policy"],
    ]

    package static func findings(_ report: DistributionReport, sourceMaps: [String: SourceMap]) -> [SARIFLog.Finding] {
        var out: [SARIFLog.Finding] = []
        for distribution in report.distributions {
            let map = sourceMaps[distribution.file]
            func finding(_ cause: CauseEntry, _ level: SARIFLog.Finding.Level, origin: OriginEntry?) -> SARIFLog.Finding {
                let path = cause.path.isEmpty ? (origin?.path ?? distribution.path) : cause.path
                let keys = (keyOf[cause.id] ?? []).map { path + "." + $0 }
                let position =
                    keys.lazy.compactMap { key in map?.positions[key] }.first
                    ?? map?.position(of: path) ?? map?.position(of: origin?.path ?? distribution.path)
                let scope = origin.map { "Origin \($0.id) of \(distribution.name)" } ?? "Distribution \(distribution.name)"
                return .init(
                    rule: "distribution/" + cause.id, level: level,
                    message: "\(scope): \(cause.message)", fix: cause.fix,
                    file: distribution.file, line: position?.line, column: position?.column,
                    subject: origin.map { "\(distribution.name) origin \($0.id)" } ?? distribution.name)
            }
            out += distribution.causes.map { finding($0, .error, origin: nil) }
            out += distribution.notes.map { finding($0, .note, origin: nil) }
            for origin in distribution.origins {
                out += origin.causes.map { finding($0, .error, origin: origin) }
                out += origin.notes.map { finding($0, .note, origin: origin) }
                if let scan = origin.scan {
                    out += findings(scan).filter { !$0.rule.hasPrefix("cloudfront/") }  // the causes above say it per origin
                }
            }
        }
        // what the input files say beyond their distributions: an unusable file, a nested stack not followed
        for file in report.files {
            for line in DistributionPresentation.fileLines(file) where line.level != "note" {
                let position = line.path.flatMap { sourceMaps[line.file]?.position(of: $0) }
                out.append(
                    .init(
                        rule: line.level == "error" ? "distribution/file-not-audited" : "distribution/file-not-followed",
                        level: line.level == "error" ? .error : .warning, message: "\(line.file): \(line.text)",
                        fix: line.level == "error"
                            ? "give a CloudFormation template, a Terraform plan or a get-distribution(-config) output"
                            : "give the value with --param, or the child template as a local file",
                        file: line.file, line: position?.line, column: position?.column, subject: line.file))
            }
        }
        return out
    }
}
