import ArgumentParser
import Foundation
import TLSAudit
import TLSCatalog
import TLSReport
import TLSScan

/// What to judge a scan against and how to write the reports: shared by `scan` (live) and `report` (a saved scan).
struct ReportOptions: ParsableArguments {
    @Option(
        help:
            "Output format(s), comma-separated: text, json, jsonl (JSON Lines: one report per line, streamed as each target finishes, then a summary line), html, markdown, csv, junit, sarif (SARIF 2.1.0, for code scanning)."
    )
    var format: String = "text"

    @Option(help: "Write the report to this file (one format) or folder (several) instead of standard output.")
    var output: String?

    @Option(
        help:
            "CloudFront OriginSslProtocols setting, e.g. TLSv1.2 or SSLv3,TLSv1,TLSv1.1,TLSv1.2 (default: TLSv1.2; for `report`, the saved scan's)."
    )
    var originProtocols: String?

    @Option(help: "Judge as this client (cloudfront-origin, or any id from `tlsmatrix clients list`); exit 1 when it could not connect.")
    var client: String?

    @Option(
        help:
            "CloudFront generations the verdict is given for, comma-separated: documented, upstream, upstream-2025, upstream-2025-pq (default: all; for `report`, the saved scan's). With --client cloudfront-origin the exit status is 1 unless every one connects."
    )
    var cloudfrontGeneration: String?

    @OptionGroup var policyFile: PolicyFileOption

    @Option(help: "Check conformance to a policy (see `tlsmatrix policies list`); exit 1 on violation.")
    var policy: String?

    @Option(help: "The Host header CloudFront forwards to the origin; the certificate must cover it.")
    var hostHeader: String?

    @Option(help: "PEM file of extra trusted roots, added to the system store.")
    var caFile: String?

    @Option(help: "Warn when a certificate expires within this many days (default: 30; for `report`, the saved scan's).")
    var warnDays: Int?

    @Flag(help: "Never colour the text report (colour is used only when writing to a terminal; NO_COLOR is honoured too).")
    var noColor = false

    func validate() throws {
        if try ReportFormat.parse(format).count > 1 {
            guard let output else { throw ValidationError("several formats need --output FOLDER") }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("several formats need --output to be an existing folder ('\(output)' is not)")
            }
        }
        if let client, Catalog.shared.client(id: client) == nil {
            throw ValidationError("unknown client '\(client)' (known: \(Catalog.shared.clients.map(\.id).joined(separator: ", ")))")
        }
        _ = try parsedOriginProtocols()
        _ = try parsedGenerations()
        if let policy { _ = try policyFile.source().policy(policy) }
        if let hostHeader {
            let name = hostHeader.split(separator: ":", maxSplits: 1).first.map(String.init) ?? hostHeader
            do { try Target.validateHostName(name) } catch { throw ValidationError("invalid --host-header: \(error.description)") }
        }
        guard (0...3650).contains(warnDays ?? 30) else { throw ValidationError("--warn-days must be between 0 and 3650") }
        // only the file is checked here; the system store is loaded once, for the analysis
        if let caFile { _ = try Self.adding(caFile: caFile, to: .empty()) }
        if let output, kinds.count == 1 { try OutputFile.checkWritable(output) }
    }

    func parsedOriginProtocols() throws -> [TLSVersion] { try Self.originProtocols(originProtocols) }

    /// `--cloudfront-generation`: the generations named, in their own order, each once (all when not given).
    func parsedGenerations() throws -> [CloudFrontGeneration] {
        guard let text = cloudfrontGeneration else { return CloudFrontGeneration.allCases }
        var chosen: Set<CloudFrontGeneration> = []
        for name in text.split(separator: ",", omittingEmptySubsequences: false).map({
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }) {
            if name == "all" { chosen.formUnion(CloudFrontGeneration.allCases); continue }
            guard let generation = CloudFrontGeneration(rawValue: name) else {
                throw ValidationError(
                    "unknown CloudFront generation '\(name)' (choose from all, \(CloudFrontGeneration.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            chosen.insert(generation)
        }
        return chosen.sorted()
    }

    /// `--origin-protocols` in CloudFront's spelling (default TLSv1.2), oldest first, each once; shared by
    /// `scan`, `report` and `policies check`.
    static func originProtocols(_ text: String?) throws -> [TLSVersion] {
        let names = (text ?? "TLSv1.2").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var versions: Set<TLSVersion> = []
        for name in names {
            guard let version = TLSVersion(name: name) else {
                throw ValidationError("unknown origin protocol '\(name)' (CloudFront accepts SSLv3, TLSv1, TLSv1.1, TLSv1.2)")
            }
            guard [.sslv3, .tls10, .tls11, .tls12].contains(version) else {
                throw ValidationError("'\(name)' is not an OriginSslProtocols value (SSLv3, TLSv1, TLSv1.1, TLSv1.2)")
            }
            versions.insert(version)
        }
        guard !versions.isEmpty else { throw ValidationError("--origin-protocols is empty") }
        return versions.sorted()
    }

    /// The system store plus `--ca-file`. A missing or empty system store is an input error (exit 2) unless
    /// `--ca-file` is given: trust never silently becomes "not checked".
    static func loadTrustStore(caFile: String?) throws -> TrustStore {
        var store: TrustStore
        do {
            store = try TrustStore.system()
        } catch {
            guard caFile != nil else { throw error }  // TLSMatrixError.invalidTrustStore: exit 2
            store = .empty()
        }
        if let caFile { store = try Self.adding(caFile: caFile, to: store) }
        return store
    }

    static func adding(caFile: String, to store: TrustStore) throws -> TrustStore {
        do {
            return try store.adding(pemFile: caFile)
        } catch {
            throw TLSMatrixError(.invalidTrustStore, "cannot use --ca-file '\(caFile)': \(error)")
        }
    }

    /// What the analysis of every scan of this run uses (the trust store is loaded once).
    func analysisOptions() throws -> AnalysisOptions {
        var analysisOptions = AnalysisOptions()
        analysisOptions.originProtocols = try parsedOriginProtocols()
        analysisOptions.cloudFrontGenerations = try parsedGenerations()
        analysisOptions.hostHeader = hostHeader
        analysisOptions.warnDays = warnDays ?? 30
        analysisOptions.client = client
        analysisOptions.trustStore = try Self.loadTrustStore(caFile: caFile)
        analysisOptions.policy = try policy.map { try policyFile.source().policy($0) }
        analysisOptions.trustCache = TrustCache()
        return analysisOptions
    }

    /// The documented exit status for one analysed scan: a failed verdict first, then an incomplete scan.
    /// A scan that never asked the origin (local problem) is incomplete whatever was asked.
    /// `--client` and `--policy` judge what a scan measured: exit 2 when its checks (`--checks`, or a saved scan's
    /// `options.checks`) leave out what they need — the cloudfront check, the simulation, the suites.
    func requireMeasured(by checks: Set<ScanCheck>, described: String) throws {
        if !checks.contains(.cloudfront), client == ClientProfile.ID.cloudFrontOrigin {
            throw ValidationError("--client cloudfront-origin needs the cloudfront check (\(described) leaves it out)")
        }
        if !checks.contains(.simulation), let client, client != ClientProfile.ID.cloudFrontOrigin {
            throw ValidationError("--client \(client) needs the simulation check (\(described) leaves it out)")
        }
        if !checks.contains(.suites), !checks.contains(.simulation), policy != nil {
            throw ValidationError("--policy needs the suites check (\(described) leaves it out)")
        }
    }

    func status(of analysis: ScanAnalysis) -> ExitStatus {
        if analysis.scan.reachability.isUndecided { return .incomplete }
        if client == ClientProfile.ID.cloudFrontOrigin, analysis.cloudfront.compatible == false { return .failedVerdict }
        if let client, client != ClientProfile.ID.cloudFrontOrigin,
            let simulation = analysis.simulations.first(where: { $0.client.id == client }),
            case .failure(let failure) = simulation.result, failure.definitive
        {
            return .failedVerdict
        }
        if analysis.policy?.violated == true { return .failedVerdict }
        if !analysis.scan.isComplete { return .incomplete }
        // A verdict that could not be decided (trust not verifiable, a probe left undecided) is not a pass.
        if analysis.cloudfront.compatible == nil, analysis.cloudfront.tested { return .incomplete }
        return .passed
    }

    /// These options with what a saved report was judged with wherever the command line says nothing:
    /// `--client`, `--origin-protocols`, `--policy`, `--host-header`, `--warn-days` from its `options`,
    /// `--ca-file` from its `trustStore` sources. So `tlsmatrix report scan.json` gives the scan's report
    /// and exit status again; a report from before `options` existed gets the usual defaults.
    func filledIn(from saved: ScanReport) throws -> ReportOptions {
        var filled = self
        if let options = saved.options {
            if filled.client == nil { filled.client = options.client }
            if filled.originProtocols == nil { filled.originProtocols = options.originProtocols.joined(separator: ",") }
            if filled.policy == nil { filled.policy = options.policy }
            if filled.hostHeader == nil { filled.hostHeader = options.hostHeader }
            if filled.warnDays == nil { filled.warnDays = options.warnDays }
            if filled.cloudfrontGeneration == nil { filled.cloudfrontGeneration = options.cloudfrontGenerations?.joined(separator: ",") }
        }
        if filled.caFile == nil {
            let caFiles = saved.trustStore.sources.filter { $0.kind == "ca-file" }.map(\.path)
            guard caFiles.count <= 1 else {
                throw ValidationError(
                    "the saved scan was judged with several CA files (\(caFiles.joined(separator: ", "))); pass --ca-file")
            }
            if let caFile = caFiles.first {
                guard FileManager.default.isReadableFile(atPath: caFile) else {
                    throw ValidationError("the saved scan was judged with --ca-file '\(caFile)', which cannot be read here; pass --ca-file")
                }
                filled.caFile = caFile
            }
        }
        try filled.validate()
        return filled
    }

    /// The formats asked for (validated by ``validate()``), each once, in the order given.
    var kinds: [ReportFormat] { (try? ReportFormat.parse(format)) ?? [.text] }

    /// The file name stem of one scan's reports in an output folder: `HOST_PORT`, then `_sni-NAME` and
    /// `_host-HEADER` when the SNI or the Host header is not the host (so `host sni=a` and `host sni=b`
    /// get files of their own), then `_ADDRESS` when asked. Every part is a ``FileName/component(_:)``:
    /// names from a saved report or a file never leave the folder.
    static func fileStem(_ scan: ScanResult, hostHeader: String?, withAddress: Bool) -> String {
        var parts = [FileName.component(scan.target.host), "\(scan.target.port)"]
        if let sni = scan.serverName, sni != scan.target.host { parts.append("sni-" + FileName.component(sni)) }
        if let hostHeader, hostHeader != scan.target.host { parts.append("host-" + FileName.component(hostHeader)) }
        if withAddress, let address = scan.address, address != scan.target.host { parts.append(FileName.component(address)) }
        return parts.joined(separator: "_")
    }

    /// Analyses the scan offline, writes every requested report, and ends with the documented exit code.
    func deliver(_ scan: ScanResult) async throws {
        let analysis = await ScanAnalysis.analyze(scan, options: try analysisOptions())
        try write(kinds.map { ($0, $0.render(analysis, colour: useColour && output == nil)) }, for: scan)
        let status = status(of: analysis)
        if status != .passed { throw ExitCode(status.rawValue) }
    }

    /// Writes one scan's rendered reports: several formats as STEM.EXT files in the --output folder,
    /// one format to --output or standard output (text rendered with colour for a terminal, see ``useColour``).
    func write(_ files: [(ReportFormat, String)], for scan: ScanResult) throws {
        if files.count > 1, let output {
            let stem = Self.fileStem(scan, hostHeader: hostHeader, withAddress: false)
            for (kind, text) in files {
                try OutputFile.write(text, to: Self.path(in: output, stem: stem, kind: kind))
            }
        } else if let (_, text) = files.first {
            if let output {
                try OutputFile.write(text, to: output)
            } else {
                try Output.standardOutput.write(text)
            }
        }
    }

    /// Where one scan's report of one format goes in an output folder (`stem` from ``fileStem(_:hostHeader:withAddress:)``).
    static func path(in folder: String, stem: String, kind: ReportFormat) -> String {
        URL(fileURLWithPath: folder).appendingPathComponent("\(stem).\(kind.fileExtension)").path
    }

    /// Colour only for a terminal, never with --no-color or NO_COLOR.
    var useColour: Bool {
        !noColor && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }
}

/// The report formats `scan` and `report` can write.
enum ReportFormat: String, CaseIterable {
    case text, json, jsonl, html, markdown, csv, junit, sarif

    init?(rawValue: String) {
        switch rawValue {
        case "text", "txt": self = .text
        case "json": self = .json
        case "jsonl", "ndjson": self = .jsonl
        case "html": self = .html
        case "markdown", "md": self = .markdown
        case "csv": self = .csv
        case "junit": self = .junit
        case "sarif": self = .sarif
        default: return nil
        }
    }

    /// The one parser of every `--format` option: comma-separated names (with the aliases `txt`, `ndjson`, `md`),
    /// case-insensitive, each kept once in the order given; every one must be among `allowed`, and `single` options
    /// take exactly one.
    static func parse(_ option: String, allowed: [ReportFormat] = allCases, single: Bool = false) throws -> [ReportFormat] {
        let choices = allowed.map(\.rawValue)
        let choose = choices.count == 2 ? "choose \(choices[0]) or \(choices[1])" : "choose from \(choices.joined(separator: ", "))"
        var kinds: [ReportFormat] = []
        for name in option.split(separator: ",", omittingEmptySubsequences: false).map({
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }) {
            guard let kind = ReportFormat(rawValue: name), allowed.contains(kind) else {
                throw ValidationError("unknown format '\(name)' (\(choose))")
            }
            if !kinds.contains(kind) { kinds.append(kind) }
        }
        if single, kinds.count != 1 { throw ValidationError("--format takes one format (\(choose))") }
        return kinds
    }

    /// A single-format option (`text` or `json`, …), parsed by ``parse(_:allowed:single:)``.
    static func one(_ option: String, of allowed: [ReportFormat]) throws -> ReportFormat {
        try parse(option, allowed: allowed, single: true)[0]
    }

    var fileExtension: String {
        switch self {
        case .text: "txt"
        case .json: "json"
        case .jsonl: "jsonl"
        case .html: "html"
        case .markdown: "md"
        case .csv: "csv"
        case .junit: "junit.xml"
        case .sarif: "sarif"
        }
    }

    /// The report; `colour` colours the text report for a terminal (other formats ignore it).
    func render(_ analysis: ScanAnalysis, colour: Bool = false) -> String {
        switch self {
        case .text: TextReport.render(analysis, colour: colour)
        case .json: JSONReport.render(analysis)
        case .jsonl: JSONReport.render(analysis, pretty: false)
        case .html: HTMLReport.render(analysis)
        case .markdown: MarkdownReport.render(analysis)
        case .csv: CSVReport.render(analysis)
        case .junit: JUnitReport.render(analysis)
        case .sarif: SARIFReport.render(analysis)
        }
    }
}
