import TLSAudit
import TLSModel

/// A GitHub-flavoured Markdown report: verdict and grade first, then tables. It lays out a
/// ``ReportPresentation``; every string that can come from the server (or the user) goes through
/// ``escape(_:)`` so it cannot break a table or inject HTML.
package enum MarkdownReport {
    package static func render(_ analysis: ScanAnalysis) -> String {
        render(ReportPresentation(analysis))
    }

    package static func render(_ report: ReportPresentation) -> String {
        var out = verdictSection(report)
        let header = report.header
        out.append("")
        guard header.reachable else {
            out.append("Target: \(escape(header.reachability)) \(escape(header.attemptsNote))")
            out.append("")
            out += findingsSection(report)
            out += countsSection(report)
            return out.joined(separator: "\n") + "\n"
        }
        out += measuredSections(report)
        out += vulnerabilitySection(report)
        out += findingsSection(report)
        out += countsSection(report)
        return out.joined(separator: "\n") + "\n"
    }

    /// The title, the verdicts with their generations and causes, the policy and the grade.
    static func verdictSection(_ report: ReportPresentation) -> [String] {
        var out: [String] = []
        let header = report.header
        out.append("# tlsmatrix report: \(escape(header.target))")
        out.append("")
        out.append("Address \(escape(header.address)), \(escape(header.sni))")
        out.append("")
        if let checks = header.checks {
            out.append(escape(checks))
            out.append("")
        }
        for verdict in report.verdicts {
            out.append("**\(escape(verdict.line))**")
            out.append("")
            if !verdict.generations.isEmpty {
                out.append("| CloudFront generation | Known from | Verdict | Negotiated | Causes | Basis |")
                out.append("|---|---|---|---|---|---|")
                for g in verdict.generations {
                    out.append(
                        "| \(escape(g.name)) | \(escape(g.source)) | \(escape(g.state.text)) | \(escape(g.choice ?? "—")) | "
                            + "\(escape(g.causeIDs.joined(separator: ", "))) | \(escape(g.basis)) |")
                }
                out.append("")
            }
            if let pq = report.postQuantum {
                out.append(escape(pq.text))
                out.append("")
            }
            for cause in verdict.causes {
                out.append("- ✗ **\(escape(cause.id))**: \(escape(cause.message)) Fix: \(escape(cause.fix))")
            }
            if !verdict.causes.isEmpty { out.append("") }
        }
        if let policy = report.policy {
            out.append(
                "**Policy \(escape(policy.id)): \(escape(policy.state.text))**"
                    + (policy.importedFrom.map { " (\(escape($0)))" } ?? ""))
            out.append("")
            out += policy.outside.map { "- outside: \(escape($0))" }
            out += policy.requirements.map { "- requirement: \(escape($0))" }
            out += policy.missing.map { "- missing: \(escape($0))" }
            out += policy.changesNeeded.map { "- change: \(escape($0))" }
            out.append("")
        }
        let grade = report.grade
        if let notGraded = grade.notGraded {
            out.append("**Not graded**: \(escape(notGraded))")
        } else {
            out.append("**Grade \(escape(grade.letter.rawValue))** (\(escape(grade.scores)))")
        }
        if !grade.caps.isEmpty {
            out.append("")
            out += grade.caps.map { "- cap \(escape($0.limit)) (\(escape($0.rule))): \(escape($0.reason))" }
        }
        return out
    }

    /// What the scan measured: protocols, suites, groups, certificates, the HTTP port and the simulation.
    static func measuredSections(_ report: ReportPresentation) -> [String] {
        var out: [String] = []
        out += table(
            "## Protocols", ["Version", "Supported", "Suites", "Order", "Note"],
            report.protocols.map { proto in
                [
                    proto.version.rawValue, proto.state.text + (proto.insecure ? " (INSECURE)" : ""),
                    proto.supported == true ? "\(proto.suiteCount)" : "", proto.supported == true ? proto.order : "",
                    (proto.note ?? "") + (proto.complete ? "" : " (incomplete)"),
                ]
            })
        for suites in report.suiteTables {
            let title = "## \(escape(suites.version.rawValue)) suites" + (suites.order.isEmpty ? "" : " (\(escape(suites.order)))")
            out += table(
                title, ["#", "Code", "Suite", "Key exchange", "Bits", "CloudFront", "Evidence", "Rating"],
                suites.suites.enumerated().map { index, suite in
                    [
                        "\(index + 1)", suite.hex, suite.name, suite.keyExchangeDetail, suite.bits.map { "\($0)" } ?? "",
                        suite.cloudfront ? "✓" : "", suite.evidenceText, suite.rating.text,
                    ]
                })
        }
        for section in report.notTested {
            out += ["## \(section)", "", "not tested", ""]
        }
        if !report.groups.isEmpty {
            out += table(
                "## Key exchange groups", ["Version", "Groups", "Complete"],
                report.groups.map { row in
                    [row.version.rawValue, row.names.isEmpty ? "none" : row.names.joined(separator: ", "), row.complete ? "yes" : "no"]
                })
        }
        let certificates = report.certificates
        if !certificates.chains.isEmpty {
            out.append("## Certificates (checked against \(escape(certificates.originDomain)))")
            out.append("")
            out.append("Trust store: \(escape(certificates.trustStore))")
            out.append("")
            for chain in certificates.chains { out += chainSection(chain) }
        }
        if let http = report.http {
            out.append(escape(http.line))
            out.append("")
        }
        if !report.simulations.isEmpty {
            out += table(
                "## Handshake simulation", ["Client", "Result", "Protocol", "Suite", "Group"],
                report.simulations.map { simulation in
                    switch simulation.result {
                    case .connects(let version, let suite, let group): [simulation.label, "✓", version, suite, group ?? ""]
                    case .fails(let reason): [simulation.label, "✗ " + reason.text, "", "", ""]
                    }
                })
        }
        return out
    }

    /// Makes text inert in Markdown, in and out of tables: first ``TerminalSafe/escape(_:)`` (controls,
    /// line breaks and bidi overrides shown as `\x1B` / `\u{202E}`), then backslash-escapes the inline
    /// punctuation that makes emphasis, code, links, images, strikethrough and table cells; turns `&`, `<`,
    /// `>` into entities (no HTML or `<…>` autolinks); drops other format characters and noncharacters.
    /// (Bare `http://` text may still be shown as a link by GFM.)
    /// Escaped text is only ever placed mid-line, so block markers (`#`, `-`, `1.`) need no escaping.
    package static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for scalar in TerminalSafe.escape(text).unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\\", "`", "*", "_", "[", "]", "|", "~", "!":
                out += "\\"
                out.unicodeScalars.append(scalar)
            default:
                let category = scalar.properties.generalCategory
                if category == .control || category == .format || scalar.properties.isNoncharacterCodePoint {
                    continue
                }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func row(_ cells: [String]) -> String {
        "| " + cells.map(escape).joined(separator: " | ") + " |"
    }

    /// A heading (already escaped), a table of escaped cells and a blank line after each.
    static func table(_ title: String, _ columns: [String], _ rows: [[String]]) -> [String] {
        [title, "", row(columns), "|" + String(repeating: "---|", count: columns.count)] + rows.map(row) + [""]
    }

    static func chainSection(_ chain: ReportPresentation.Chain) -> [String] {
        let title =
            "### \(escape(chain.authentication)) chain: \(chain.sent) sent (\(escape(chain.seenWith)), \(escape(chain.sni))), \(escape(chain.trust.text))"
        var out = table(
            title, ["#", "Subject", "Issuer", "SAN", "Key", "Signature", "Not after", "Days left"],
            chain.certificates.map { info in
                [
                    "\(info.number)", info.subject, info.issuer, info.subjectAltNamesShort, info.key, info.signature,
                    info.notAfter, "\(info.daysLeft)",
                ]
            })
        for finding in chain.findings {
            var line = "- \(finding.mark.text) **\(escape(finding.id))** (\(finding.severity.rawValue)): \(escape(finding.message))"
            if let fix = finding.fix { line += " Fix: \(escape(fix))" }
            out.append(line)
        }
        if !chain.findings.isEmpty { out.append("") }
        return out
    }

    static func vulnerabilitySection(_ report: ReportPresentation) -> [String] {
        guard !report.vulnerabilities.isEmpty else { return [] }
        return table(
            "## Vulnerabilities (from the accepted suites)", ["Vulnerability", "Status", "Rests on"],
            report.vulnerabilities.map { [$0.title, $0.state.text, $0.detail] })
    }

    static func findingsSection(_ report: ReportPresentation) -> [String] {
        guard !report.findings.isEmpty else { return [] }
        return ["## Findings", ""]
            + report.findings.map { "- **\(escape($0.id))** (\($0.severity.rawValue)): \(escape($0.message))" } + [""]
    }

    static func countsSection(_ report: ReportPresentation) -> [String] {
        var out = ["## Counts", "", escape(report.counts.fullLine)]
        if !report.undecided.isEmpty {
            out.append("")
            out.append("Not definitive (\(report.undecided.count)):")
            out.append("")
            out += report.undecided.prefix(20).map { "- " + escape($0) }
        }
        out.append("")
        return out
    }
}
