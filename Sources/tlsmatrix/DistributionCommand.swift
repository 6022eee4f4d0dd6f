import ArgumentParser
import Foundation
import TLSAudit
import TLSCatalog
import TLSDistribution
import TLSEngines
import TLSReport
import TLSScan

struct DistributionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distribution",
        abstract: "Audit every origin of CloudFront distributions as CloudFront would reach them, before deployment.",
        discussion: """
            Reads `aws cloudfront get-distribution-config` / `get-distribution` output, CloudFormation templates \
            (JSON or YAML) and Terraform plans (`terraform show -json PLAN`), told apart by content. Each custom \
            origin is scanned at DomainName:HTTPSPort with SNI DomainName, its OriginSSLProtocols, ConnectionAttempts \
            and ConnectionTimeout, and judged for every CloudFront generation; when a behaviour forwards the viewer's \
            Host, the certificate the origin serves for each alias (as SNI) must cover it. http-only origins get their \
            HTTP port checked; match-viewer origins both. S3 and VPC origins are skipped; values that cannot be \
            resolved are named, never guessed. An origin shared by several distributions is scanned once.
            Each file is audited on its own: one that cannot be read is named on standard error and the others are \
            still reported (exit 2 unless some origin fails). CloudFormation Conditions, Fn::If and AWS::NoValue are \
            evaluated from parameter defaults and --param (unknown names are an error); resources whose Condition is \
            false are not audited; nested stacks with a local TemplateURL are followed.
            Exit: 0 every origin connects under every generation; 1 some origin would fail (502/504) or the file \
            has a setting CloudFront refuses; 3 some origin could not be audited; 6 nothing fails but some custom \
            origin was not probed (--offline: UNVERIFIED); 2 bad input.
            Examples:
              tlsmatrix distribution site.yaml --param OriginHost=origin.example.com
              aws cloudfront get-distribution-config --id E2EXAMPLE > dist.json && tlsmatrix distribution dist.json
              tlsmatrix distribution plan.json --resolve origin.example.com:443:203.0.113.10 --format text,json,html --output audit/
              tlsmatrix distribution site.yaml --offline
            """)

    @Argument(help: "Files holding distributions: get-distribution(-config) JSON, CloudFormation JSON/YAML, Terraform plan JSON.")
    var files: [String] = []

    @Option(
        name: .customLong("resolve"),
        help: ArgumentHelp(
            "NAME:PORT:ADDRESS — connect to ADDRESS for NAME on PORT (curl's --resolve): SNI, Host and certificate checks still use NAME. Repeatable.",
            valueName: "name:port:address"))
    var resolve: [String] = []

    @Option(
        name: .customLong("param"),
        help: ArgumentHelp("NAME=VALUE — a CloudFormation parameter's value (wins over its Default). Repeatable.", valueName: "name=value"))
    var param: [String] = []

    @Flag(help: "No network: only what the files alone decide (load balancer listener policies, custom headers, origin names).")
    var offline = false

    @Option(
        help:
            "Output format(s), comma-separated: text, json, html, markdown, junit, sarif (SARIF 2.1.0 with template lines, for code scanning)."
    )
    var format: String = "text"

    @Option(help: "Write the report to this file (one format), or one file per distribution and format into this existing folder.")
    var output: String?

    @Option(help: "PEM file of extra trusted roots, added to the system store.")
    var caFile: String?

    @Option(help: "Seconds to wait for the server's answer to a ClientHello (connects use each origin's ConnectionTimeout).")
    var timeout: Double = 10

    @OptionGroup var limits: ProbeLimitOptions

    @Flag(help: "Do not confirm accepted suites with OpenSSL/GnuTLS handshakes (fewer connections).")
    var noCrossCheck = false

    @Option(
        help:
            "What each origin's scan tests, as `scan --checks`: all (default, the full scan report per origin), or a list that includes cloudfront — `--checks cloudfront` runs only what the verdicts need (about 7–10 connections per origin instead of ~40)."
    )
    var checks: String = "all"

    @Option(help: "Warn when a certificate expires within this many days.")
    var warnDays: Int = 30

    @Flag(help: "Never show the progress bar (it is shown only when standard error is a terminal).")
    var noProgress = false

    /// The formats a distribution report is written in (``ReportFormat`` names, `txt` and `md` included).
    static let formats: [ReportFormat] = [.text, .json, .html, .markdown, .junit, .sarif]

    /// The formats asked for, each once, in the order given.
    var kinds: [ReportFormat] { (try? ReportFormat.parse(format, allowed: Self.formats)) ?? [.text] }

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("no file: give one or more distribution files") }
        _ = try ReportFormat.parse(format, allowed: Self.formats)
        guard timeout > 0, timeout <= 600 else { throw ValidationError("--timeout must be between 0 and 600 seconds") }
        guard (0...3650).contains(warnDays) else { throw ValidationError("--warn-days must be between 0 and 3650") }
        _ = try parsedResolve()
        _ = try parsedParameters()
        _ = try parsedChecks()
        if outputFolder == nil {
            if kinds.count > 1 { throw ValidationError("several formats need --output FOLDER (an existing folder)") }
            if let output { try OutputFile.checkWritable(output) }
        }
        if let caFile { _ = try ReportOptions.adding(caFile: caFile, to: .empty()) }
        if !offline { try limits.checkFileLimit() }
    }

    /// `--output` when it is an existing folder.
    var outputFolder: String? {
        guard let output else { return nil }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory) && isDirectory.boolValue ? output : nil
    }

    /// `--resolve` entries: (lower-cased name, port) → address.
    func parsedResolve() throws -> [ResolveKey: String] {
        var table: [ResolveKey: String] = [:]
        for entry in resolve {
            // NAME:PORT:ADDRESS; ADDRESS may be an IPv6 literal, bracketed or not
            let parts = entry.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3 else { throw ValidationError("--resolve '\(entry)': expected NAME:PORT:ADDRESS") }
            var address = parts[2]
            if address.hasPrefix("["), address.hasSuffix("]") { address = String(address.dropFirst().dropLast()) }
            do { try Target.validateHostName(parts[0]) } catch {
                throw ValidationError("--resolve '\(entry)': invalid name: \(error.description)")
            }
            guard let port = Int(parts[1]), (1...65535).contains(port) else {
                throw ValidationError("--resolve '\(entry)': port '\(parts[1])' is not a number in 1-65535")
            }
            guard IPAddressText.isLiteral(address) else {
                throw ValidationError("--resolve '\(entry)': '\(parts[2])' is not an IP address")
            }
            let key = ResolveKey(name: parts[0].lowercased(), port: port)
            if let earlier = table[key], earlier != address {
                throw ValidationError("--resolve gives \(parts[0]):\(port) two addresses (\(earlier), \(address))")
            }
            table[key] = address
        }
        return table
    }

    /// `--checks`: must include cloudfront, which every verdict of the audit comes from.
    func parsedChecks() throws -> Set<ScanCheck> {
        let selected: Set<ScanCheck>
        do {
            selected = try ScanCheck.parse(checks)
        } catch {
            throw ValidationError(error.description)
        }
        guard selected.contains(.cloudfront) else {
            throw ValidationError("--checks \(checks) leaves out cloudfront, which the audit's verdicts come from (use cloudfront or all)")
        }
        return selected
    }

    func parsedParameters() throws -> [String: String] {
        var values: [String: String] = [:]
        for entry in param {
            guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex else {
                throw ValidationError("--param '\(entry)': expected NAME=VALUE")
            }
            values[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
        }
        return values
    }

    /// The `--param` names, in the order given.
    var parameterNames: [String] {
        var names: [String] = []
        for entry in param {
            guard let equals = entry.firstIndex(of: "=") else { continue }
            let name = String(entry[..<equals])
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// What each file gave besides its distributions, on standard error too (the report itself stays
    /// machine-readable): the same lines the report's "Input files" shows (``DistributionPresentation/fileLines(_:)``).
    static func describe(_ results: [DistributionFileResult]) {
        for line in results.map(FileEntry.init).flatMap(DistributionPresentation.fileLines) {
            Output.message("tlsmatrix: \(line.level): \(line.file): \(line.text)" + (line.path.map { " (\($0))" } ?? ""))
        }
    }

    mutating func run() async throws {
        let parameters = try parsedParameters()
        let resolveTable = try parsedResolve()
        // every file gets its result or its error; one unusable file does not hide the others
        let results = DistributionFile.loadAll(paths: files, parameters: parameters)
        let unknown = DistributionFile.unknownParameters(parameterNames, in: results)
        guard unknown.isEmpty else { throw DistributionFile.unknownParametersError(unknown, in: results) }  // exit 2
        Self.describe(results)
        let distributions = results.flatMap(\.distributions)
        let unusable = results.filter { $0.error != nil }
        guard !distributions.isEmpty else {
            let reasons = unusable.compactMap(\.error)
            throw TLSMatrixError(
                .invalidDistribution,
                reasons.isEmpty
                    ? "\(files.joined(separator: ", ")): no CloudFront distribution to audit"
                    : reasons.joined(separator: "; "))
        }
        let plan = DistributionPlan(distributions: distributions, offline: offline, resolve: resolveTable)
        // like curl, an entry that matches nothing is ignored, but said: a wrong port is the usual mistake
        let used = Set(plan.jobs.map { ResolveKey(name: $0.domain, port: $0.port) })
        for key in resolveTable.keys.sorted(by: { ($0.name, $0.port) < ($1.name, $1.port) }) where !offline && !used.contains(key) {
            let endpoints = plan.jobs.filter { $0.domain == key.name }.map { "\($0.domain):\($0.port)" }
            Output.message(
                "tlsmatrix: warning: --resolve \(key.name):\(key.port) matches no origin"
                    + (endpoints.isEmpty ? "" : " (that name is reached on \(endpoints.joined(separator: ", ")))"))
        }
        var analysis = AnalysisOptions()
        analysis.warnDays = warnDays
        analysis.trustStore = offline ? nil : try ReportOptions.loadTrustStore(caFile: caFile)
        analysis.trustCache = TrustCache()
        let progress =
            !offline && !noProgress && plan.jobs.count > 1 && isatty(STDERR_FILENO) == 1
            ? DistributionProgress(total: plan.jobs.count) : nil
        let runner = DistributionRunner(
            environment: SystemEnvironment(), analysis: analysis, handshakeTimeout: .milliseconds(Int(timeout * 1000)),
            limits: limits.scanLimits, perHost: limits.concurrency, delay: limits.delayDuration, crossCheck: !noCrossCheck,
            checks: try parsedChecks(), progress: progress, inFlight: limits.targetsInFlight)
        await progress?.start()
        let outcomes = await runner.run(plan)
        await progress?.finish()
        let entries = distributions.enumerated().map { index, distribution in
            DistributionAudit.audit(
                distribution, outcomes: outcomes[index] ?? [:],
                findings: DistributionChecks.findings(for: distribution) + ListenerChecks.findings(for: distribution),
                embedding: ScanReport.self)
        }
        let report = DistributionReport(
            offline: offline, distributions: entries, status: DistributionAudit.status(of: entries),
            files: results.map(FileEntry.init))
        try write(report, sourceMaps: results.reduce(into: [:]) { maps, result in maps.merge(result.sourceMaps) { first, _ in first } })
        // a file that could not be read is an input error, unless some origin fails (which a CI gate must see)
        if !unusable.isEmpty, report.status != .failed { throw ExitCode(ExitStatus.usage.rawValue) }
        switch report.status {
        case .passed: return
        case .failed: throw ExitCode(ExitStatus.failedVerdict.rawValue)
        case .incomplete: throw ExitCode(ExitStatus.incomplete.rawValue)
        case .notProbed: throw ExitCode(ExitStatus.notProbed.rawValue)
        }
    }

    static func render(_ report: DistributionReport, kind: ReportFormat, sourceMaps: [String: SourceMap] = [:]) -> String {
        switch kind {
        case .sarif: SARIFReport.render(report, sourceMaps: sourceMaps)
        case .json, .jsonl: ReportCoding.encode(report, pretty: true) + "\n"
        case .html: DistributionHTMLReport.render(report)
        case .markdown: DistributionMarkdownReport.render(report)
        case .junit: DistributionJUnitReport.render(report)
        case .text, .csv: DistributionTextReport.render(report)
        }
    }

    func write(_ report: DistributionReport, sourceMaps: [String: SourceMap] = [:]) throws {
        guard let folder = outputFolder else {
            let text = Self.render(report, kind: kinds.first ?? .text, sourceMaps: sourceMaps)
            if let output { try OutputFile.write(text, to: output) } else { try Output.standardOutput.write(text) }
            return
        }
        var stems = FileStems()
        for entry in report.distributions {
            let stem = stems.claim(FileName.component(entry.name))
            let single = DistributionReport(
                offline: report.offline, distributions: [entry], status: entry.status,
                files: report.files.filter { $0.file == entry.file })
            for kind in kinds {
                try OutputFile.write(
                    Self.render(single, kind: kind, sourceMaps: sourceMaps),
                    to: ReportOptions.path(in: folder, stem: stem, kind: kind))
            }
        }
    }
}

/// A `--resolve` key: the name (lower case) and port.
struct ResolveKey: Hashable {
    var name: String
    var port: Int
}
