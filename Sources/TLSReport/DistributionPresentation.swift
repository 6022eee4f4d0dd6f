import TLSAudit
import TLSCatalog
import TLSDistribution
import TLSModel

/// What the human formats of `tlsmatrix distribution` show, worked out once from a ``DistributionReport``: the
/// origin table's cells with their tones, the causes and notes with their fixes and file paths, the unresolved
/// values and the origins that were set aside. HTML, Markdown and JUnit only lay this out.
///
/// Strings are raw: origin ids, domain names, paths and expressions come from the user's file and certificate
/// names from the origin, so each renderer escapes them its own way (every one through ``TerminalSafe/escape(_:)``).
package struct DistributionPresentation: Sendable {
    /// One table cell: its text, its tone, and extra lines (the uncovered alias names, the cause ids).
    package struct Cell: Sendable, Equatable {
        package var text: String
        package var tone: Tone
        package var details: [String]

        package init(_ text: String, _ tone: Tone, details: [String] = []) {
            self.text = text
            self.tone = tone
            self.details = details
        }

        /// The text and its details on one line ("2/3 covered; not covered: www.example.com").
        package var line: String { ([text] + details).joined(separator: "; ") }
    }

    /// A CloudFront generation that has a column: its id and how reports name it.
    package struct Column: Sendable, Equatable {
        package var id: String
        package var name: String
    }

    /// One origin's row of the table.
    package struct Row: Sendable {
        package var origin: OriginEntry
        /// `domain:port` (the HTTPS port, or the HTTP port when http-only; just the domain for S3 and VPC origins),
        /// or "unresolved".
        package var endpoint: String
        /// "https-only (TLSv1.2)", "match-viewer (TLSv1.2, default)", "http-only", or "—".
        package var policy: String
        /// The Host CloudFront sends ("DomainName", "alias (www.example.com)", "*.cloudfront.net", per group of
        /// behaviours when they differ), or "—" for S3 and VPC origins.
        package var hostSent: Cell
        /// One cell per ``Distribution/columns`` entry.
        package var generations: [Cell]
        /// The certificate against the aliases when Host is forwarded ("2/3 covered"), else "—".
        package var certificate: Cell
        package var http: Cell
        package var outcome: Cell
    }

    /// A cause or a note of one origin.
    package struct CauseLine: Sendable, Equatable {
        package var originId: String
        package var cause: CauseEntry
        /// "as documented, CloudFront-Upstream" (the generations' names), or "" when it applies to all.
        package var generations: String
    }

    /// An origin that was skipped, not audited or not scanned, with why.
    package struct SetAside: Sendable, Equatable {
        package var originId: String
        package var outcome: Cell
        package var reason: String
    }

    package struct Distribution: Sendable {
        package var entry: DistributionEntry
        package var status: Cell
        /// The generations judged for some origin of this distribution, in CloudFront's order.
        package var columns: [Column]
        package var rows: [Row]
        package var causes: [CauseLine]
        package var notes: [CauseLine]
        package var setAside: [SetAside]
    }

    package var report: DistributionReport
    package var status: Cell
    package var distributions: [Distribution]
    /// One line per thing to say about an input file (an unusable file, a nested stack, a resource left out, a
    /// file-level unresolved value), in file order; empty when the files hold nothing beyond their distributions.
    package var files: [FileLine]

    /// Something to say about one input file.
    package struct FileLine: Sendable, Equatable {
        package var file: String
        /// `error` (the file gave nothing), `warning` (something not followed or not resolved), `note`.
        package var level: String
        package var text: String
        /// JSON path in the file, when the line is about one value.
        package var path: String?
    }
    /// "2 distribution(s); origins scanned as CloudFront reaches them; tlsmatrix 0.4.0-dev".
    package var summary: String

    package init(_ report: DistributionReport) {
        self.report = report
        status = Self.status(report.status)
        summary =
            "\(report.distributions.count) distribution(s); "
            + (report.offline ? "offline (--offline): no origin was contacted" : "origins scanned as CloudFront reaches them")
            + "; \(report.tool.name) \(report.tool.version)"
        distributions = report.distributions.map { Self.distribution($0, offline: report.offline) }
        files = report.files.flatMap(Self.fileLines)
    }

    /// What the report says about one input file.
    package static func fileLines(_ file: FileEntry) -> [FileLine] {
        var lines: [FileLine] = []
        if let error = file.error {
            // the reader's error names the file first; the line already does
            let reason = error.hasPrefix(file.file + ": ") ? String(error.dropFirst(file.file.count + 2)) : error
            lines.append(FileLine(file: file.file, level: "error", text: "not audited: \(reason)", path: nil))
        }
        if let parent = file.auditedAsChildOf {
            lines.append(
                FileLine(
                    file: file.file, level: "note",
                    text: "audited as a nested stack of \(parent), with the parameters it passes", path: nil))
        }
        for stack in file.nestedStacks {
            if let problem = stack.problem {
                lines.append(
                    FileLine(
                        file: stack.parentFile, level: "warning",
                        text: "nested stack \(stack.logicalId) not followed: \(problem)", path: stack.path))
            } else if let child = stack.childFile {
                lines.append(
                    FileLine(
                        file: stack.parentFile, level: "note",
                        text: "nested stack \(stack.logicalId) followed into \(child)", path: stack.path))
            }
        }
        for skipped in file.skipped {
            lines.append(FileLine(file: skipped.file, level: "note", text: skipped.message + "; not audited", path: skipped.path))
        }
        for value in file.unresolved {
            lines.append(FileLine(file: file.file, level: "warning", text: "unresolved: \(value.expression)", path: value.path))
        }
        return lines
    }

    /// The aliases as a report lists them: the resolved names, then each unresolved one as
    /// "(unresolved: EXPRESSION)"; "none" only when the distribution really has none.
    package static func aliases(_ entry: DistributionEntry) -> String {
        let all = entry.aliases + entry.unresolvedAliases.map { "(unresolved: \($0.expression))" }
        return all.isEmpty ? "none" : all.joined(separator: ", ")
    }

    /// The id causes and notes about the distribution as a whole are listed under.
    package static let distributionScope = "(distribution)"

    // MARK: Cells

    package static func status(_ status: AuditStatus) -> Cell {
        switch status {
        case .passed: Cell("PASSED", .good)
        case .failed: Cell("FAILED", .bad)
        case .incomplete: Cell("INCOMPLETE", .notDefinitive)
        case .notProbed: Cell("UNVERIFIED", .notDefinitive)
        }
    }

    /// The verdict in a sentence: "every audited origin connects …", "2 of 3 origins would fail (502/504)",
    /// "no offline findings; 2 of 3 origins not probed (--offline)".
    package static func verdict(_ entry: DistributionEntry) -> String {
        let count = entry.origins.count
        switch entry.status {
        case .passed:
            return entry.origins.contains(where: { $0.outcome == .connects })
                ? "every audited origin connects under every CloudFront generation"
                : "no custom origin to probe (S3 and VPC origins are reached over AWS's own TLS)"
        case .failed:
            let failing = entry.origins.filter { $0.outcome == .fails || !$0.causes.isEmpty }.count
            let whole = entry.causes.map(\.id)
            if failing == 0, !whole.isEmpty {
                return "CloudFront would refuse or fail the distribution as a whole (\(whole.joined(separator: ", ")))"
            }
            return "\(failing) of \(count) origins would fail (502/504)"
                + (whole.isEmpty ? "" : "; the distribution as a whole: \(whole.joined(separator: ", "))")
        case .incomplete:
            return "\(entry.origins.filter { $0.outcome == .notAudited }.count) of \(count) origins could not be audited"
        case .notProbed:
            return
                "no offline findings; \(entry.origins.filter { $0.outcome == .notScanned }.count) of \(count) origins not probed (--offline): nothing about them was verified"
        }
    }

    /// The Host CloudFront sends to an origin: one group as "DomainName", "alias (a, b)", "*.cloudfront.net (no
    /// alias)" or "unknown"; several, each followed by its behaviours. "—" when none (S3, VPC).
    package static func hostSent(_ origin: OriginEntry) -> Cell {
        guard !origin.hostSent.isEmpty else { return Cell("—", .neutral) }
        func name(_ header: HostHeader) -> String {
            switch header.host {
            case HostSent.originDomain.rawValue: "DomainName"
            case HostSent.viewerHost.rawValue:
                header.names.isEmpty ? "alias (unresolved)" : "alias (" + header.names.joined(separator: ", ") + ")"
            case HostSent.cloudFrontDomain.rawValue: "*.cloudfront.net (no alias)"
            default: "unknown (policy not read)"
            }
        }
        let tone: Tone =
            origin.hostSent.contains { $0.host == HostSent.cloudFrontDomain.rawValue }
            ? .bad
            : origin.hostSent.contains { $0.host == HostSent.unknown.rawValue } ? .notDefinitive : .neutral
        if origin.hostSent.count == 1, let only = origin.hostSent.first { return Cell(name(only), tone) }
        let parts = origin.hostSent.map { "\(name($0)) for \($0.behaviors.joined(separator: ", "))" }
        return Cell(parts[0], tone, details: Array(parts.dropFirst()))
    }

    package static func outcome(_ outcome: OriginEntry.Outcome) -> Cell {
        switch outcome {
        case .connects: Cell("connects", .good)
        case .fails: Cell("fails", .bad)
        case .notAudited: Cell("not audited", .notDefinitive)
        case .skipped: Cell("skipped", .neutral)
        case .notScanned: Cell("not scanned", .neutral)
        }
    }

    /// "TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256", "✗" with the cause ids, or "? undecided"; "—" when not judged.
    package static func generation(_ verdict: GenerationVerdict?) -> Cell {
        guard let verdict else { return Cell("—", .neutral) }
        let basis = verdict.offline ? ["judged from the file (listener SslPolicy)"] : []
        switch verdict.compatible {
        case true?:
            let choice = [verdict.protocol, verdict.suite].compactMap { $0 }.joined(separator: " ")
            return Cell(choice.isEmpty ? "✓" : choice, .good, details: basis)
        case false?:
            return Cell((["✗"] + verdict.causes).joined(separator: " "), .bad, details: basis)
        case nil:
            return Cell((["? undecided"] + verdict.causes).joined(separator: " "), .notDefinitive, details: basis)
        }
    }

    /// "2/3 covered" with the aliases not covered (or whose handshake failed) and those not checked; "—" when Host is
    /// not forwarded. `offline`: the report's.
    package static func certificate(_ origin: OriginEntry, offline: Bool) -> Cell {
        guard !origin.aliases.isEmpty else { return Cell("—", .neutral) }
        var covered = 0
        var failing: [String] = []
        var unknown: [String] = []
        for check in origin.aliases {
            switch aliasResult(check, of: origin, offline: offline) {
            case .covered: covered += 1
            case .fails: failing.append(check.alias)
            case .undecided: unknown.append(check.alias)
            }
        }
        var details: [String] = []
        if !failing.isEmpty { details.append("not covered: " + failing.joined(separator: ", ")) }
        if !unknown.isEmpty { details.append("not checked: " + unknown.joined(separator: ", ")) }
        let tone: Tone = !failing.isEmpty ? .bad : !unknown.isEmpty ? .notDefinitive : .good
        return Cell("\(covered)/\(origin.aliases.count) covered", tone, details: details)
    }

    /// "80 open", "8080 closed" (with the reason); "—" when CloudFront does not use HTTP.
    package static func http(_ port: ScanReport.Port?) -> Cell {
        guard let port else { return Cell("—", .neutral) }
        let detail = port.detail.flatMap { $0 }.map { [$0] } ?? []
        return port.open ? Cell("\(port.port) open", .good) : Cell("\(port.port) closed", .bad, details: detail)
    }

    package static func endpoint(_ origin: OriginEntry) -> String {
        guard let domain = origin.domain else { return "unresolved" }
        guard origin.kind == "custom" else { return domain }
        return "\(domain):\(origin.protocolPolicy == OriginProtocolPolicy.httpOnly.rawValue ? origin.httpPort : origin.httpsPort)"
    }

    package static func policy(_ origin: OriginEntry) -> String {
        guard let policy = origin.protocolPolicy else { return "—" }
        guard policy != OriginProtocolPolicy.httpOnly.rawValue else { return policy }
        return "\(policy) (\(origin.originSSLProtocols.joined(separator: ", "))\(origin.originSSLProtocolsDefaulted ? ", default" : ""))"
    }

    /// How reports name a generation id ("upstream-2025" → "CloudFront-Upstream-2025").
    package static func generationName(_ id: String) -> String {
        CloudFrontGeneration(rawValue: id)?.title ?? id
    }

    // MARK: Alias checks

    /// Whether one alias check fails, passes, or was not decided, and the causes that name its alias.
    package enum AliasResult: Sendable, Equatable {
        case covered
        case fails([CauseEntry])
        /// No certificate, and no definitive reason: a timeout, or not checked (`--offline`: `offline` true).
        case undecided(offline: Bool)
    }

    /// `offline`: the report's (`--offline`), so an origin that fails from the file alone still has its alias checks
    /// "not checked" rather than undecided.
    package static func aliasResult(_ check: AliasCheck, of origin: OriginEntry, offline: Bool) -> AliasResult {
        let causes = origin.causes.filter { $0.alias == check.alias }
        switch check.covered {
        case true?: return .covered
        case false?: return .fails(causes)
        case nil: return causes.isEmpty ? .undecided(offline: offline || origin.outcome == .notScanned) : .fails(causes)
        }
    }

    // MARK: Distribution

    static func distribution(_ entry: DistributionEntry, offline: Bool) -> Distribution {
        let judged = Set(entry.origins.flatMap { $0.generations.map(\.id) })
        let known = CloudFrontGeneration.allCases.map(\.rawValue).filter(judged.contains)
        let others = entry.origins.flatMap { $0.generations.map(\.id) }.filter { !known.contains($0) }
        var ids: [String] = known
        for id in others where !ids.contains(id) { ids.append(id) }
        let columns = ids.map { id in
            Column(id: id, name: entry.origins.lazy.flatMap(\.generations).first { $0.id == id }?.name ?? generationName(id))
        }
        let rows = entry.origins.map { origin in
            Row(
                origin: origin, endpoint: endpoint(origin), policy: policy(origin), hostSent: hostSent(origin),
                generations: columns.map { column in generation(origin.generations.first { $0.id == column.id }) },
                certificate: certificate(origin, offline: offline), http: http(origin.http), outcome: outcome(origin.outcome))
        }
        func lines(_ keyPath: KeyPath<OriginEntry, [CauseEntry]>) -> [CauseLine] {
            let whole = keyPath == \OriginEntry.causes ? entry.causes : entry.notes
            return whole.map { CauseLine(originId: distributionScope, cause: $0, generations: "") }
                + entry.origins.flatMap { origin in
                    origin[keyPath: keyPath].map { cause in
                        CauseLine(
                            originId: origin.id, cause: cause,
                            generations: cause.generations.map(generationName).joined(separator: ", "))
                    }
                }
        }
        let setAside = entry.origins.compactMap { origin -> SetAside? in
            guard [.notAudited, .skipped, .notScanned].contains(origin.outcome) else { return nil }
            return SetAside(originId: origin.id, outcome: outcome(origin.outcome), reason: origin.reason ?? "")
        }
        return Distribution(
            entry: entry, status: status(entry.status), columns: columns, rows: rows,
            causes: lines(\.causes), notes: lines(\.notes), setAside: setAside)
    }
}
