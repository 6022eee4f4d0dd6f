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
        abstract: "Enumerate the protocols, cipher suites and groups TLS servers accept, and judge them.",
        discussion: """
            Several targets (arguments and/or --targets-file) are scanned concurrently within
            --global-concurrency probes in flight and --concurrency per host. A targets file has one
            target per line, `HOST[:PORT] [sni=NAME] [host=HOST-HEADER]`, with # comments.
            Names are resolved 16 at a time, each within --dns-timeout; a name that does not resolve gets
            its own report (cause origin-dns-failure) and the run goes on (exit 3 unless a verdict failed).
            SIGINT/SIGTERM stops a run: finished reports are kept, the summary is marked incomplete, exit 3.
            Examples:
              tlsmatrix scan origin.example.com
              tlsmatrix scan 127.0.0.1:8443 --sni origin.example.com --format json --output report.json
              tlsmatrix scan [::1]:443 --client cloudfront-origin --origin-protocols TLSv1.1,TLSv1.2
              tlsmatrix scan --targets-file fleet.txt --no-cross-check --format jsonl --output fleet.jsonl
              tlsmatrix scan origin.example.com --all-ips --format text,json,html --output reports/
              tlsmatrix scan --targets-file fleet.txt --shard 2/8 --format jsonl --output part2.jsonl
            """)

    @Argument(help: "HOST[:PORT] targets; IPv6 as [ADDRESS]:PORT. The port defaults to 443.")
    var targets: [String] = []

    @Option(
        help:
            "File with one target per line: HOST[:PORT] [sni=NAME] [host=HOST-HEADER]; # starts a comment. A regular file or a pipe (- for standard input), at most 64 MiB."
    )
    var targetsFile: String?

    @Flag(help: "Scan every address the name resolves to (A and AAAA) and report when they answer differently.")
    var allIps = false

    @Option(help: "With --all-ips, scan at most this many addresses per name; an addresses-skipped finding names the rest.")
    var maxAddresses: Int = FleetScanner.defaultMaxAddresses

    @Option(
        help:
            "Seconds to wait for each name's DNS answer (default: the --connect-timeout); a name without an answer is reported as not resolved."
    )
    var dnsTimeout: Double?

    @Option(
        help:
            "Scan only part I of N of the target list (deterministic; every target of a host stays in one part, so per-host limits hold): I/N, or auto[/N] to read the index from the scheduler's array job (JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX, SLURM_ARRAY_TASK_ID; N from the scheduler when it exports it). Join the JSON Lines with `tlsmatrix merge`."
    )
    var shard: String?

    @Option(help: "Server name to send in SNI (default: the host, when it is a name).")
    var sni: String?

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

    @OptionGroup var limits: ProbeLimitOptions

    @Option(
        help:
            "Enumerate with this engine: wire (default, with OpenSSL/GnuTLS cross-check), openssl, gnutls, or all (each engine enumerates alone, then the results are compared)."
    )
    var engine: String = "wire"

    @Flag(help: "Do not confirm accepted suites with OpenSSL/GnuTLS handshakes (fewer connections).")
    var noCrossCheck = false

    @Flag(help: "Skip key-exchange group enumeration.")
    var noGroups = false

    @Option(
        help:
            "What to test, comma-separated: all (default), or protocols, suites, groups, certificates, simulation, cloudfront. cloudfront alone runs only what the CloudFront verdict needs (the versions CloudFront may use, each generation's own ClientHello, the chains its offer selects, the HTTP port): about 10 connections per origin; everything else is reported as not tested and the grade is not given."
    )
    var checks: String = "all"

    @Flag(help: "Never show the progress bar (it is shown only when standard error is a terminal).")
    var noProgress = false

    @OptionGroup var report: ReportOptions

    /// `--checks` parsed (validated in ``validate()``).
    var checkSet: Set<ScanCheck> { (try? ScanCheck.parse(checks)) ?? ScanCheck.all }

    func validate() throws {
        let selected: Set<ScanCheck>
        do {
            selected = try ScanCheck.parse(checks)
        } catch {
            throw ValidationError(error.description)
        }
        try report.requireMeasured(by: selected, described: "--checks \(checks)")
        if engine != "wire", selected != ScanCheck.all {
            throw ValidationError("--checks applies to the wire engine only (--engine \(engine) enumerates everything)")
        }
        guard EngineChoice(rawValue: engine) != nil else {
            throw ValidationError("unknown engine '\(engine)' (choose wire, openssl, gnutls or all)")
        }
        guard connectTimeout > 0, connectTimeout <= 600, timeout > 0, timeout <= 600 else {
            throw ValidationError("timeouts must be between 0 and 600 seconds")
        }
        guard (1...10).contains(attempts) else { throw ValidationError("--attempts must be between 1 and 10") }
        if let dnsTimeout, !(dnsTimeout > 0 && dnsTimeout <= 600) {
            throw ValidationError("--dns-timeout must be between 0 and 600 seconds")
        }
        guard (1...1024).contains(maxAddresses) else { throw ValidationError("--max-addresses must be between 1 and 1024") }
        for (name, port) in [("--https-port", httpsPort), ("--http-port", Optional(httpPort))] {
            if let port, !(1...65535).contains(port) { throw ValidationError("\(name) \(port) is outside 1-65535") }
        }
        if let sni { try validateSNI(sni) }
        if engine != "wire", noCrossCheck {
            throw ValidationError("--no-cross-check applies to the wire engine only (--engine \(engine) does not cross-check)")
        }
        if let httpsPort, targetsFile == nil, targets.count == 1, portWritten(targets[0]),
            let written = try? Target.parse(targets[0]), written.port != httpsPort
        {
            throw ValidationError("the target says port \(written.port) but --https-port says \(httpsPort)")
        }
        if isFleet {
            let kinds = report.kinds
            let needsFolder = kinds.contains { $0 != .text && $0 != .jsonl }
            if needsFolder, kinds.count == 1 {
                throw ValidationError(
                    "--format \(kinds[0].rawValue) with several targets needs --output FOLDER (one file per target), or use --format jsonl")
            }
            if kinds.count == 1, kinds[0] == .text, report.output != nil {
                throw ValidationError(
                    "--format text with several targets writes to standard output; for files use --format text,json --output FOLDER")
            }
        }
        try limits.checkFileLimit()
    }

    func portWritten(_ text: String) -> Bool {
        text.contains("]:") || (!text.contains("[") && text.filter({ $0 == ":" }).count == 1)
    }

    func validateSNI(_ name: String) throws {
        do {
            try Target.validateHostName(name)
        } catch {
            throw ValidationError("invalid --sni: \(error.description)")
        }
    }

    /// Several targets, or output meant for several: JSON Lines, a summary, per-target files.
    var isFleet: Bool {
        targets.count > 1 || targetsFile != nil || allIps || shard != nil || report.kinds.contains(.jsonl)
    }

    /// The `--shard` part, if one was asked for (``TLSMatrixError/Code/invalidShard`` otherwise: exit 2).
    func parsedShard() throws -> Shard? {
        guard let shard else { return nil }
        return try Shard.resolve(shard, environment: ProcessInfo.processInfo.environment)
    }

    /// The targets from the command line and the targets file (read once, in `run`), this shard's part only.
    func targetSpecs(shard part: Shard?) throws -> [TargetSpec] {
        let defaultPort = httpsPort ?? 443
        var specs: [TargetSpec] = []
        // a bad target or line is a TLSMatrixError (invalidTarget, invalidTargetList): exit 2
        for (index, text) in targets.enumerated() {
            specs.append(try TargetList.parseLine(first: text, where: "argument \(index + 1)", defaultPort: defaultPort))
        }
        if let targetsFile {
            specs += try TargetList.parse(try readTargetsFile(targetsFile), source: targetsFile, defaultPort: defaultPort)
        }
        guard !specs.isEmpty else { throw ValidationError("no target: give HOST[:PORT] or --targets-file FILE") }
        specs = TargetList.unique(specs)
        // One host's targets stay in one shard: per-host politeness holds however many shards run at once.
        return part?.select(specs) { $0.target.host.lowercased() } ?? specs
    }

    /// The most a targets file may hold.
    static let targetsFileLimit = 64 << 20

    /// Reads the targets file with a hard bound: a regular file (its size checked before a byte is read)
    /// or a pipe (a FIFO, `<(…)`, or `-` for standard input), read up to ``targetsFileLimit``; a device
    /// (`/dev/zero`), socket or directory is refused at once.
    func readTargetsFile(_ path: String) throws -> String {
        let shown = "--targets-file '\(path)'"
        let fd = path == "-" ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT { throw ValidationError("\(shown) does not exist") }
            throw ValidationError("cannot read \(shown): \(String(cString: strerror(code)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ValidationError("cannot read \(shown): \(String(cString: strerror(errno)))") }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            guard info.st_size <= Self.targetsFileLimit else { throw ValidationError("\(shown) is larger than 64 MiB") }
        case S_IFIFO:
            break
        case S_IFDIR:
            throw ValidationError("\(shown) is a directory")
        default:
            throw ValidationError("\(shown) is not a regular file or a pipe")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count <= Self.targetsFileLimit {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw ValidationError("cannot read \(shown): \(String(cString: strerror(errno)))")
            }
            bytes += chunk[..<count]
        }
        guard bytes.count <= Self.targetsFileLimit else { throw ValidationError("\(shown) is larger than 64 MiB") }
        guard let text = String(data: Data(bytes), encoding: .utf8) else {
            throw ValidationError("\(shown) is not UTF-8 text")
        }
        return text
    }

    func scanOptions() -> ScanOptions {
        var options = ScanOptions()
        options.serverName = sni
        options.deadlines = Deadlines(
            connect: .milliseconds(Int(connectTimeout * 1000)),
            handshake: .milliseconds(Int(timeout * 1000)))
        options.dnsTimeout = .milliseconds(Int((dnsTimeout ?? connectTimeout) * 1000))
        options.perHostConcurrency = limits.concurrency
        options.delay = limits.delayDuration
        options.enumerateGroups = !noGroups
        options.connectAttempts = attempts
        options.crossCheck = !noCrossCheck
        options.httpPort = noHttpCheck ? nil : httpPort
        options.checks = checkSet
        options.limits = limits.scanLimits
        return options
    }

    mutating func run() async throws {
        let part = try parsedShard()
        let specs = try targetSpecs(shard: part)
        let analysisOptions = try report.analysisOptions()
        var options = scanOptions()
        options.originProtocols = analysisOptions.originProtocols
        let progress = isFleet && !noProgress && isatty(STDERR_FILENO) == 1
        let run = FleetRun(
            report: report, analysisOptions: analysisOptions, specs: specs,
            shard: part, fleet: isFleet, progress: progress)
        if progress { options.observer = run }
        let fleet = FleetScanner(
            options: options, environment: SystemEnvironment(), engine: EngineChoice(rawValue: engine) ?? .wire,
            targetsInFlight: limits.targetsInFlight)
        try await run.open()
        SignalTrap.install { name in
            Task {
                let status = await run.finish(interrupted: name)
                Foundation.exit(status.rawValue)
            }
        }
        await run.startTicker()
        // A name that does not resolve (or not within --dns-timeout) becomes that target's report.
        let resolved = await fleet.resolveAll(specs, allAddresses: allIps, maxAddresses: maxAddresses)
        await fleet.run(resolved) { entry in
            await run.record(await run.render(entry))
        }
        let status = await run.finish(interrupted: nil)
        if status != .passed { throw ExitCode(status.rawValue) }
    }
}
