import TLSAudit
import TLSCatalog
import TLSModel

/// The human report: verdict first, then protocols, a suite table per protocol, groups and counts.
/// It lays out a ``ReportPresentation``. Every piece of text passes through ``TerminalSafe/escape(_:)``
/// before it is placed, so nothing a server sent (certificate names, alert texts, library errors) can
/// move the cursor, rewrite a line or talk to the terminal; with `colour`, the tone of each toned piece
/// adds the tool's own ANSI colour around it afterwards (columns stay aligned).
package enum TextReport {
    package static func render(_ analysis: ScanAnalysis, colour: Bool = false) -> String {
        render(ReportPresentation(analysis), colour: colour)
    }

    package static func render(_ report: ReportPresentation, colour: Bool = false) -> String {
        let paint = Painter(colour: colour)
        var out = verdictSection(report, paint)
        let header = report.header
        guard header.reachable else {
            out.append("")
            out.append(safe("Target: \(header.reachability) \(header.attemptsNote)"))
            if let http = report.http { out.append(safe(http.line)) }
            out.append(countsLine(report.counts, paint))
            return out.joined(separator: "\n") + "\n"
        }
        out += protocolSection(report, paint)
        out += suiteSection(report, paint)
        for section in report.notTested {
            out.append("")
            out.append("\(section): not tested")
        }
        out += groupSection(report)
        out += certificateSection(report, paint)
        if let http = report.http {
            out.append("")
            out.append(safe(http.line))
        }
        out += simulationSection(report, paint)
        out += vulnerabilitySection(report, paint)
        out += findingSection(report)
        out.append("")
        out.append(countsLine(report.counts, paint))
        if !report.undecided.isEmpty {
            out.append("Not definitive (\(report.undecided.count)):")
            for item in report.undecided.prefix(20) {
                out.append(safe("  " + item))
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The target line, the verdicts with their generations and causes, the grade and the policy.
    static func verdictSection(_ report: ReportPresentation, _ paint: Painter) -> [String] {
        var out: [String] = []
        let header = report.header
        out.append(safe("tlsmatrix scan of \(header.target) — address \(header.address), \(header.sni)"))
        if let checks = header.checks { out.append(safe(checks)) }
        for verdict in report.verdicts {
            out.append(safe(verdict.prefix) + paint(verdict.state, bold: true) + safe(verdict.suffix))
            let width = (verdict.generations.map(\.name.count).max() ?? 0) + 2
            for generation in verdict.generations {
                let state = generation.state.text.padding(toLength: 15, withPad: " ", startingAt: 0)
                out.append(safe("  " + pad(generation.name, width)) + paint(Toned(state, generation.state.tone)) + safe(generation.details))
            }
            if let pq = report.postQuantum { out.append("  " + paint(Toned(pq.text, pq.tone))) }
            for cause in verdict.causes {
                out.append("  " + paint(Toned("✗", .bad)) + safe(" [\(cause.id)] \(cause.message)"))
                out.append(safe("    fix: \(cause.fix)"))
            }
        }
        let grade = report.grade
        out.append(safe(grade.headline))
        out += grade.caps.map { safe("  " + $0.line) }
        if let policy = report.policy { out += policyLines(policy, paint) }
        return out
    }

    /// One line per protocol version: its state, then the suite count and order, or the note.
    static func protocolSection(_ report: ReportPresentation, _ paint: Painter) -> [String] {
        var out = ["", "Protocols"]
        for proto in report.protocols {
            // "INSECURE" for SSL accepted, then the suite count and order, or the note.
            var insecure = proto.insecure
            var rest: [String] = []
            if proto.supported == true, proto.version != .sslv2 {
                rest = ["\(proto.suiteCount) suite\(proto.suiteCount == 1 ? "" : "s")", proto.order].filter { !$0.isEmpty }
            } else if let note = proto.note, proto.supported != false || !proto.complete {
                insecure = false
                rest = [note]
            }
            let detail = (insecure ? [paint(Toned("INSECURE", .bad), bold: true)] : []) + rest.map(safe)
            out.append(
                "  " + safe(pad(proto.version.rawValue, 9)) + cell(proto.state, 10, paint, bold: true)
                    + detail.joined(separator: ", "))
        }
        return out
    }

    /// One table of suites per version, in the server's order when it has one.
    static func suiteSection(_ report: ReportPresentation, _ paint: Painter) -> [String] {
        var out: [String] = []
        for table in report.suiteTables {
            out.append("")
            out.append(safe("\(table.version.rawValue) suites — \(table.order)"))
            out.append(
                "  " + pad("#", 4) + pad("code", 8) + pad("suite", 42) + pad("kx", 22) + pad("bits", 6) + pad("CF", 4) + pad("seen by", 16)
                    + "rating")
            for (index, suite) in table.suites.enumerated() {
                let row =
                    "  " + pad("\(index + 1)", 4) + pad(suite.hex, 8) + pad(suite.name, 42) + pad(suite.keyExchangeDetail, 22)
                    + pad(suite.bits.map { "\($0)" } ?? "", 6) + pad(suite.cloudfront ? "✓" : "", 4) + pad(suite.evidenceText, 16)
                // A secure suite's rating is left blank: the table draws the eye to the others.
                out.append(safe(row) + (suite.rating.tone == .good ? "" : paint(suite.rating, bold: suite.rating.tone == .bad)))
            }
        }
        return out
    }

    static func groupSection(_ report: ReportPresentation) -> [String] {
        guard !report.groups.isEmpty else { return [] }
        var out = ["", "Key exchange groups"]
        for row in report.groups {
            out.append(
                safe(
                    "  " + pad(row.version.rawValue, 9) + (row.names.isEmpty ? "none" : row.names.joined(separator: ", "))
                        + (row.complete ? "" : " (incomplete)")))
        }
        return out
    }

    /// Every chain with its certificates and findings.
    static func certificateSection(_ report: ReportPresentation, _ paint: Painter) -> [String] {
        let certificates = report.certificates
        guard !certificates.chains.isEmpty else { return [] }
        var out = [
            "", safe("Certificates (checked against \(certificates.originDomain))"), safe("  trust store: \(certificates.trustStore)"),
        ]
        for chain in certificates.chains {
            out.append(
                safe("  \(chain.authentication) chain, \(chain.sent) sent (\(chain.seenWith), \(chain.sni)) — ")
                    + paint(chain.trust, bold: chain.trust.tone == .bad))
            for info in chain.certificates {
                let names = info.subjectAltNames.isEmpty ? "" : " SAN " + info.subjectAltNamesShort
                out.append(safe("    #\(info.number) \(info.subject)\(names)"))
                out.append(
                    safe("       issuer \(info.issuer); \(info.key); \(info.signature); until \(info.notAfter) (\(info.daysLeft) days)"))
            }
            for finding in chain.findings {
                out.append("    " + paint(finding.mark) + safe(" [\(finding.id)] \(finding.message)"))
            }
        }
        return out
    }

    static func simulationSection(_ report: ReportPresentation, _ paint: Painter) -> [String] {
        guard !report.simulations.isEmpty else { return [] }
        var out = ["", "Handshake simulation"]
        for simulation in report.simulations {
            let name = "  " + pad(simulation.label, 46)
            switch simulation.result {
            case .connects(let version, let suite, let group):
                out.append(safe(name + pad(version, 9) + suite + (group.map { " " + $0 } ?? "")))
            case .fails(let reason):
                out.append(safe(name) + paint(Toned("✗", reason.tone)) + " " + safe(reason.text))
            }
        }
        return out
    }

    static func vulnerabilitySection(_ report: ReportPresentation, _ paint: Painter) -> [String] {
        guard !report.vulnerabilities.isEmpty else { return [] }
        let width = (report.vulnerabilities.map(\.title.count).max() ?? 0) + 1
        return ["", "Vulnerabilities (from the accepted suites)"]
            + report.vulnerabilities.map { row in
                "  " + pad(row.title, width) + " " + (row.detail.isEmpty ? paint(row.state) : cell(row.state, 15, paint) + safe(row.detail))
            }
    }

    static func findingSection(_ report: ReportPresentation) -> [String] {
        guard !report.findings.isEmpty else { return [] }
        return ["", "Findings"] + report.findings.map { safe("  [\($0.id)] \($0.message)") }
    }

    static func policyLines(_ policy: ReportPresentation.Policy, _ paint: Painter) -> [String] {
        var out: [String] = []
        let unverified = policy.unverified ? " (policy data partly unverified)" : ""
        out.append(safe("Policy \(policy.id)\(unverified): ") + paint(policy.state, bold: true))
        if let source = policy.importedFrom { out.append(safe("  (\(source))")) }
        let cross = paint(Toned("✗", .bad))
        for item in policy.outside { out.append("  " + cross + safe(" outside: \(item)")) }
        for rule in policy.requirements { out.append("  " + cross + safe(" requirement: \(rule)")) }
        for item in policy.missing { out.append(safe("  · missing: \(item)")) }
        if !policy.changesNeeded.isEmpty {
            out.append("  Changes needed:")
            for change in policy.changesNeeded { out.append(safe("    - \(change)")) }
        }
        return out
    }

    static func countsLine(_ counts: ReportPresentation.Counts, _ paint: Painter) -> String {
        safe(counts.line)
            + (counts.complete
                ? ""
                : " — " + paint(Toned("INCOMPLETE", .notDefinitive), bold: true)
                    + ": some results are not definitive")
    }

    /// Text made terminal-safe.
    static func safe(_ text: String) -> String {
        TerminalSafe.escape(text)
    }

    /// A toned cell padded to `width` (measured on the text itself, so colour does not shift columns).
    static func cell(_ text: Toned, _ width: Int, _ paint: Painter, bold: Bool = false) -> String {
        let padded = pad(text.text, width)
        return paint(text, bold: bold) + String(padded.dropFirst(text.text.count))
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    /// Colours a toned piece of text by its tone (or leaves it plain), after making it terminal-safe.
    struct Painter {
        var colour: Bool

        func callAsFunction(_ text: Toned, bold: Bool = false) -> String {
            let safe = TerminalSafe.escape(text.text)
            guard colour, !safe.isEmpty else { return safe }
            let code =
                switch text.tone {
                case .good: "\u{1B}[32m"
                case .bad: "\u{1B}[31m"
                case .warning, .notDefinitive: "\u{1B}[33m"
                case .neutral: ""
                }
            guard !code.isEmpty else { return safe }
            return code + (bold ? "\u{1B}[1m" : "") + safe + "\u{1B}[0m"
        }
    }
}
