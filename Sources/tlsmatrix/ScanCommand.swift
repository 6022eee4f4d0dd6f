import ArgumentParser
import Foundation
import TLSAudit
import TLSCatalog
import TLSEngines
import TLSReport
import TLSScan

struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Enumerate the protocols, cipher suites and groups a TLS server accepts.",
        discussion: """
            Examples:
              tlsmatrix scan origin.example.com
              tlsmatrix scan 127.0.0.1:8443 --sni origin.example.com --format json --output report.json
              tlsmatrix scan [::1]:443 --client cloudfront-origin --origin-protocols TLSv1.1,TLSv1.2
            """)

    @Argument(help: "HOST[:PORT]; IPv6 as [ADDRESS]:PORT. The port defaults to 443.")
    var target: String

    @Option(help: "Server name to send in SNI (default: the host, when it is a name).")
    var sni: String?

    @Option(help: "Output format(s), comma-separated: text, json, html, markdown, csv, junit.")
    var format: String = "text"

    @Option(help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(help: "CloudFront OriginSslProtocols setting, e.g. TLSv1.2 or SSLv3,TLSv1,TLSv1.1,TLSv1.2.")
    var originProtocols: String = "TLSv1.2"

    @Option(help: "Judge the scan as this client (cloudfront-origin, or any id from `tlsmatrix clients list`); exit 1 when it could not connect.")
    var client: String?

    @Option(help: "Check conformance to a policy (see `tlsmatrix policies list`); exit 1 on violation.")
    var policy: String?

    @Option(help: "Seconds to wait for a TCP connection (CloudFront's default: 10).")
    var connectTimeout: Double = 10

    @Option(help: "TCP connection attempts before the origin counts as not responding (CloudFront's default: 3).")
    var attempts: Int = 3

    @Option(help: "Seconds to wait for the server's answer to a ClientHello.")
    var timeout: Double = 10

    @Option(help: "The origin's HTTPS port (instead of writing HOST:PORT).")
    var httpsPort: Int?

    @Option(help: "The origin's HTTP port, checked for reachability.")
    var httpPort: Int = 80

    @Flag(help: "Do not check the HTTP port.")
    var noHttpCheck = false

    @Option(help: "Probes in flight at once against the host.")
    var concurrency: Int = 4

    @Option(help: "Milliseconds between the starts of two probes to the host.")
    var delay: Int = 0

    @Option(help: "The Host header CloudFront forwards to the origin; the certificate must cover it.")
    var hostHeader: String?

    @Option(help: "PEM file of extra trusted roots, added to the system store.")
    var caFile: String?

    @Option(help: "Warn when a certificate expires within this many days.")
    var warnDays: Int = 30

    @Option(help: "Enumerate with this engine: wire (default, with OpenSSL/GnuTLS cross-check), openssl, gnutls, or all (each engine enumerates alone, then the results are compared).")
    var engine: String = "wire"

    @Flag(help: "Do not confirm accepted suites with OpenSSL/GnuTLS handshakes (fewer connections).")
    var noCrossCheck = false

    @Flag(help: "Never colour the text report (colour is used only when writing to a terminal; NO_COLOR is honoured too).")
    var noColor = false

    @Flag(help: "Skip key-exchange group enumeration.")
    var noGroups = false

    func validate() throws {
        guard ["wire", "openssl", "gnutls", "all"].contains(engine) else {
            throw ValidationError("unknown engine '\(engine)' (choose wire, openssl, gnutls or all)")
        }
        for name in formats where ReportFormat(rawValue: name) == nil {
            throw ValidationError("unknown format '\(name)' (choose from \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if formats.count > 1 {
            guard let output else { throw ValidationError("several formats need --output FOLDER") }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("several formats need --output to be an existing folder ('\(output)' is not)")
            }
        }
        guard connectTimeout > 0, connectTimeout <= 600, timeout > 0, timeout <= 600 else {
            throw ValidationError("timeouts must be between 0 and 600 seconds")
        }
        guard (1...10).contains(attempts) else { throw ValidationError("--attempts must be between 1 and 10") }
        for (name, port) in [("--https-port", httpsPort), ("--http-port", Optional(httpPort))] {
            if let port, !(1...65535).contains(port) { throw ValidationError("\(name) \(port) is outside 1-65535") }
        }
        let parsed = try parsedTarget()
        if let httpsPort, target.contains("]:") || (!target.contains("[") && target.filter({ $0 == ":" }).count == 1),
           parsed.port != httpsPort {
            throw ValidationError("the target says port \(parsed.port) but --https-port says \(httpsPort)")
        }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64") }
        guard (0...60_000).contains(delay) else { throw ValidationError("--delay must be between 0 and 60000 ms") }
        if let client, Catalog.shared.client(id: client) == nil {
            throw ValidationError("unknown client '\(client)' (known: \(Catalog.shared.clients.map(\.id).joined(separator: ", ")))")
        }
        _ = try parsedOriginProtocols()
        if let policy, Catalog.shared.policy(id: policy) == nil {
            throw ValidationError("unknown policy '\(policy)' (see tlsmatrix policies list)")
        }
        if let sni { try validateSNI(sni) }
        if let hostHeader {
            let name = hostHeader.split(separator: ":", maxSplits: 1).first.map(String.init) ?? hostHeader
            do { try Target.validateHostName(name) } catch { throw ValidationError("invalid --host-header: \(error.description)") }
        }
        guard (0...3650).contains(warnDays) else { throw ValidationError("--warn-days must be between 0 and 3650") }
        if let caFile { _ = try loadTrustStore(caFile: caFile) }
        if let output, formats.count == 1 { try OutputFile.checkWritable(output) }
    }

    var formats: [String] {
        format.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }

    func parsedOriginProtocols() throws -> [TLSVersion] {
        let names = originProtocols.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var versions: [TLSVersion] = []
        for name in names {
            guard let version = TLSVersion(name: name) else {
                throw ValidationError("unknown origin protocol '\(name)' (CloudFront accepts SSLv3, TLSv1, TLSv1.1, TLSv1.2)")
            }
            guard [.sslv3, .tls10, .tls11, .tls12].contains(version) else {
                throw ValidationError("'\(name)' is not an OriginSslProtocols value (SSLv3, TLSv1, TLSv1.1, TLSv1.2)")
            }
            versions.append(version)
        }
        guard !versions.isEmpty else { throw ValidationError("--origin-protocols is empty") }
        return versions.sorted()
    }

    func loadTrustStore(caFile: String?) throws -> TrustStore {
        var store: TrustStore
        do {
            store = try TrustStore.system()
        } catch {
            store = .empty()
        }
        if let caFile {
            do {
                store = try store.adding(pemFile: caFile)
            } catch {
                throw ValidationError("cannot use --ca-file '\(caFile)': \(error)")
            }
        }
        return store
    }

    func validateSNI(_ name: String) throws {
        do {
            try Target.validateHostName(name)
        } catch {
            throw ValidationError("invalid --sni: \(error.description)")
        }
    }

    func parsedTarget() throws -> Target {
        do {
            return try Target.parse(target, defaultPort: httpsPort ?? 443)
        } catch {
            throw ValidationError(error.description)
        }
    }

    mutating func run() async throws {
        let parsed = try parsedTarget()
        var options = ScanOptions()
        options.serverName = sni
        options.deadlines = Deadlines(connect: .milliseconds(Int(connectTimeout * 1000)),
                                      handshake: .milliseconds(Int(timeout * 1000)))
        options.perHostConcurrency = concurrency
        options.delay = .milliseconds(delay)
        options.enumerateGroups = !noGroups
        options.connectAttempts = attempts
        options.crossCheck = !noCrossCheck
        options.httpPort = noHttpCheck ? nil : httpPort
        let scan: ScanResult
        switch engine {
        case "openssl": scan = await Scanner(options: options, engine: OpenSSLEngine()).scan(parsed)
        case "gnutls": scan = await Scanner(options: options, engine: GnuTLSEngine()).scan(parsed)
        case "all": scan = await Scanner(options: options).scanWithEveryEngine(parsed)
        default: scan = await Scanner(options: options).scan(parsed)
        }
        if case .unresolved(let why) = scan.reachability {
            throw ValidationError(why)
        }
        var analysisOptions = AnalysisOptions()
        analysisOptions.originProtocols = try parsedOriginProtocols()
        analysisOptions.hostHeader = hostHeader
        analysisOptions.warnDays = warnDays
        analysisOptions.trustStore = try loadTrustStore(caFile: caFile)
        analysisOptions.policy = policy.flatMap { Catalog.shared.policy(id: $0) }
        let analysis = await ScanAnalysis.analyze(scan, options: analysisOptions)
        let verdict = analysis.cloudfront
        let kinds = formats.compactMap(ReportFormat.init(rawValue:))
        if kinds.count > 1, let output {
            let base = parsed.host.replacingOccurrences(of: ":", with: "_") + "_\(parsed.port)"
            for kind in kinds {
                let path = URL(fileURLWithPath: output).appendingPathComponent("\(base).\(kind.fileExtension)").path
                try OutputFile.write(kind.render(analysis), to: path)
            }
        } else if let kind = kinds.first {
            let rendered = kind.render(analysis)
            if let output {
                try OutputFile.write(rendered, to: output)
            } else {
                let colour = kind == .text && !noColor && isatty(STDOUT_FILENO) == 1
                    && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
                FileHandle.standardOutput.write(Data((colour ? TextReport.colourize(rendered) : rendered).utf8))
            }
        }
        if client == "cloudfront-origin", verdict.compatible == false {
            throw ExitCode(ExitStatus.failedVerdict.rawValue)
        }
        if let client, client != "cloudfront-origin",
           let simulation = analysis.simulations.first(where: { $0.client.id == client }),
           case .failure(let failure) = simulation.result, failure.definitive {
            throw ExitCode(ExitStatus.failedVerdict.rawValue)
        }
        if analysis.policy?.violated == true {
            throw ExitCode(ExitStatus.failedVerdict.rawValue)
        }
        if !scan.isComplete {
            throw ExitCode(ExitStatus.incomplete.rawValue)
        }
    }
}

/// Writes reports atomically so a failed run never leaves half a file.
enum OutputFile {
    static func checkWritable(_ path: String) throws {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ValidationError("--output '\(path)' is a directory")
        }
        let parent = url.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("cannot write '\(path)': folder '\(parent)' does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: parent) else {
            throw ValidationError("cannot write '\(path)': folder '\(parent)' is not writable")
        }
    }

    static func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ValidationError("cannot write '\(path)': \(error.localizedDescription)")
        }
    }
}

/// The report formats `scan` can write.
enum ReportFormat: String, CaseIterable {
    case text, json, html, markdown, csv, junit

    init?(rawValue: String) {
        switch rawValue {
        case "text", "txt": self = .text
        case "json": self = .json
        case "html": self = .html
        case "markdown", "md": self = .markdown
        case "csv": self = .csv
        case "junit": self = .junit
        default: return nil
        }
    }

    var fileExtension: String {
        switch self {
        case .text: "txt"
        case .json: "json"
        case .html: "html"
        case .markdown: "md"
        case .csv: "csv"
        case .junit: "junit.xml"
        }
    }

    func render(_ analysis: ScanAnalysis) -> String {
        switch self {
        case .text: TextReport.render(analysis)
        case .json: JSONReport.document(analysis).serialized() + "\n"
        case .html: HTMLReport.render(analysis)
        case .markdown: MarkdownReport.render(analysis)
        case .csv: CSVReport.render(analysis)
        case .junit: JUnitReport.render(analysis)
        }
    }
}
