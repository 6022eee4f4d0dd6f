import ArgumentParser
import Foundation
#if canImport(Glibc)
    import Glibc
#endif
import TLSAudit
import TLSReport
import TLSScan

/// One run of `scan`: writes each target's reports as soon as it finishes, keeps the summary, draws the
/// progress bar, and on an interrupt writes what it has (marked incomplete). All writes go through
/// this actor, so an interrupt never lands in the middle of a line.
actor FleetRun: ScanObserver {
    /// A finished target, analysed and rendered outside the actor.
    struct Rendered: Sendable {
        var position: Int
        var scans: [(scan: ScanResult, files: [(ReportFormat, String)], row: FleetSummary.Row, status: ExitStatus)]
    }

    let report: ReportOptions
    let analysisOptions: AnalysisOptions
    let specs: [TargetSpec]
    let shard: Shard?
    /// Several targets, JSON Lines, a summary; false: the classic one-target output.
    let fleet: Bool
    let progress: Bool
    private let kinds: [ReportFormat]
    private let start = ContinuousClock.now
    private var stream: Output?
    /// File name stems already given to a scan in the --output folder.
    private var stems = FileStems()
    private var done = Set<Int>()
    private var rows: [(position: Int, row: FleetSummary.Row)] = []
    private var status = ExitStatus.passed
    private var finished = false
    private var handshakes = 0
    private var lastDraw = ContinuousClock.now - .seconds(1)
    private var drawn = false
    private var ticker: Task<Void, Never>?

    init(report: ReportOptions, analysisOptions: AnalysisOptions, specs: [TargetSpec], shard: Shard?, fleet: Bool, progress: Bool) {
        self.report = report
        self.analysisOptions = analysisOptions
        self.specs = specs
        self.shard = shard
        self.fleet = fleet
        self.progress = progress
        kinds = report.kinds
    }

    /// Opens the JSON Lines stream (truncating an existing file); called after every input was validated.
    /// One `open(2)` that never follows a symbolic link at the path: a link there is refused.
    func open() throws {
        guard fleet, kinds.contains(.jsonl) else { return }
        guard let output = report.output else {
            stream = .standardOutput
            return
        }
        let path = kinds.count == 1 ? output : URL(fileURLWithPath: output).appendingPathComponent("results.jsonl").path
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP { throw ValidationError("cannot write '\(path)': it is a symbolic link (not followed)") }
            throw ValidationError("cannot write '\(path)': \(String(cString: strerror(code)))")
        }
        stream = Output(fd: fd, name: "'\(path)'")
    }

    /// Redraws the progress bar every second even while probes wait on timeouts.
    func startTicker() {
        guard progress else { return }
        ticker = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                await self?.draw(force: true)
            }
        }
    }

    func probeFinished() {
        handshakes += 1
        draw(force: false)
    }

    /// The text report is coloured when it goes to standard output (``ReportOptions/useColour``): a fleet
    /// writes it there unless several formats go to the --output folder; a single scan unless --output is given.
    nonisolated var colourText: Bool {
        report.useColour && (fleet ? report.output == nil || kinds.count == 1 : report.output == nil)
    }

    /// Analyses and renders every scan of a finished target (outside the actor, so targets are analysed in parallel).
    nonisolated func render(_ entry: FleetEntry) async -> Rendered {
        var options = analysisOptions
        if let header = entry.spec.hostHeader { options.hostHeader = header }
        var scans: [(scan: ScanResult, files: [(ReportFormat, String)], row: FleetSummary.Row, status: ExitStatus)] = []
        for scan in entry.scans {
            let analysis = await ScanAnalysis.analyze(scan, options: options)
            let status = report.status(of: analysis)
            let files = kinds.map { ($0, $0.render(analysis, colour: colourText)) }
            let row = FleetSummary.Row(
                target: entry.spec.target.description, address: scan.address, sni: scan.serverName,
                status: AuditStatus(status),
                cloudfront: analysis.cloudfront.compatible,
                grade: scan.reachability.isReachable && analysis.grade.notGraded == nil ? analysis.grade.letter.rawValue : nil,
                connections: scan.connections, connectionLowerBound: scan.connectionLowerBound,
                elapsedSeconds: (scan.elapsedSeconds * 1000).rounded() / 1000,
                reachability: ScanReport.status(of: scan.reachability).rawValue,
                reason: scan.reachability.isReachable ? nil : scan.reachability.explanation)
            scans.append((scan, files, row, status))
        }
        return Rendered(position: entry.position, scans: scans)
    }

    /// Writes a finished target's reports.
    func record(_ rendered: Rendered) {
        guard !finished else { return }
        clearProgress()
        for item in rendered.scans {
            rows.append((rendered.position, item.row))
            status = Self.combine(status, item.status)
            if fleet {
                writeFleet(
                    item.scan, files: item.files, many: rendered.scans.count > 1,
                    hostHeader: specs[rendered.position].hostHeader ?? report.hostHeader)
            } else {
                writeSingle(item.scan, files: item.files)
            }
        }
        done.insert(rendered.position)
        draw(force: true)
    }

    private func writeFleet(_ scan: ScanResult, files: [(ReportFormat, String)], many: Bool, hostHeader: String?) {
        let folder = report.output.flatMap { kinds.count > 1 ? $0 : nil }
        var stem = ReportOptions.fileStem(scan, hostHeader: hostHeader, withAddress: many)
        if folder != nil { stem = stems.claim(stem) }
        for (kind, text) in files {
            if kind == .jsonl {
                stream?.emit(text)
            } else if let folder {
                writeOrReport { try OutputFile.write(text, to: ReportOptions.path(in: folder, stem: stem, kind: kind)) }
            } else if kind == .text {
                Output.standardOutput.emit(text + "\n")
            }
        }
    }

    private func writeSingle(_ scan: ScanResult, files: [(ReportFormat, String)]) {
        writeOrReport { try report.write(files, for: scan) }
    }

    /// Runs a write; output that cannot be written ends the run (exit 5), any other failure is
    /// reported on standard error and makes the run incomplete.
    private func writeOrReport(_ write: () throws -> Void) {
        do {
            try write()
        } catch let error as OutputError {
            Output.fail(error)
        } catch {
            Output.message("tlsmatrix: error: \(TerminalSafe.escape("\(error)"))")
            status = Self.combine(status, .incomplete)
        }
    }

    /// Ends the run: the summary line / file / table, then the exit status. Interrupted runs are incomplete (3).
    func finish(interrupted signal: String?) -> ExitStatus {
        guard !finished else { return signal == nil ? status : .incomplete }
        finished = true
        ticker?.cancel()
        clearProgress()
        let pending = specs.enumerated().filter { !done.contains($0.offset) }.map(\.element.target.description)
        if signal != nil { status = .incomplete }
        guard fleet else {
            if let signal {
                let name = specs.first?.target.description ?? "the target"
                Output.message("tlsmatrix: interrupted by \(signal) before the scan of \(name) finished; nothing was written")
            }
            return status
        }
        let ordered = rows.sorted { $0.position < $1.position }.map(\.row)
        let complete = signal == nil && pending.isEmpty && ordered.allSatisfy { $0.status != .incomplete }
        let summary = FleetSummary(
            complete: complete, interrupted: signal, shard: shard, targets: specs.count, scanned: done.count,
            pending: pending, results: ordered, elapsedSeconds: Self.seconds(ContinuousClock.now - start),
            exitStatus: status.rawValue)
        stream?.emit(summary.line() + "\n")
        if kinds.count > 1, let folder = report.output {
            writeOrReport {
                try OutputFile.write(summary.document(), to: URL(fileURLWithPath: folder).appendingPathComponent("summary.json").path)
            }
        }
        if kinds.contains(.text), report.output == nil {
            Output.standardOutput.emit("\n" + summary.table())
        } else if progress || signal != nil {
            Output.message(summary.table().split(separator: "\n").last.map(String.init) ?? "")
        }
        return status
    }

    /// The worse of two targets' exit statuses, by ``AuditStatus``'s one worst-of rule (a failed verdict outranks an
    /// incomplete scan, which outranks a pass).
    static func combine(_ a: ExitStatus, _ b: ExitStatus) -> ExitStatus {
        AuditStatus.combine([AuditStatus(a), AuditStatus(b)]) == AuditStatus(b) ? b : a
    }

    /// Seconds, rounded to milliseconds as in the reports.
    static func seconds(_ duration: Duration) -> Double {
        (Scanner.seconds(duration) * 1000).rounded() / 1000
    }

    // MARK: progress bar (standard error, terminals only)

    private func draw(force: Bool) {
        guard progress, !finished else { return }
        let now = ContinuousClock.now
        guard force || now - lastDraw >= .milliseconds(100) else { return }
        lastDraw = now
        let line = ProgressBar.line(
            done: done.count, total: specs.count, unit: "targets", handshakes: handshakes,
            elapsed: Self.seconds(now - start))
        try? Output.standardError.write(line)
        drawn = true
    }

    private func clearProgress() {
        guard drawn else { return }
        try? Output.standardError.write("\r\u{1B}[2K")
        drawn = false
    }
}

extension AuditStatus {
    /// A target's row status from its exit status (2, 4, 5 never end one target; they are counted as incomplete;
    /// a scan is always probed, so `not-probed` never ends one).
    init(_ status: ExitStatus) {
        switch status {
        case .passed: self = .passed
        case .failedVerdict: self = .failed
        case .notProbed: self = .notProbed
        default: self = .incomplete
        }
    }
}

/// SIGINT and SIGTERM handling: the first signal runs `handler` (which writes and exits); a second one exits at once.
enum SignalTrap {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    nonisolated(unsafe) private static var fired = false

    static func install(_ handler: @escaping @Sendable (String) -> Void) {
        let queue = DispatchQueue(label: "tlsmatrix.signals")
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if fired { exit(ExitStatus.incomplete.rawValue) }
                fired = true
                handler(name)
            }
            source.resume()
            sources.append(source)
        }
    }
}
