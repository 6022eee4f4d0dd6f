import TLSAudit
import TLSModel

/// JUnit XML for CI: one `<testsuite>` per target with one `<testcase>` per check (laid out from a
/// ``ReportPresentation``), failures carrying a
/// one-line message and the details as text. Every name, message and detail line goes through
/// ``TerminalSafe/escape(_:)`` (in ``escape(_:)``) before XML escaping: a CI log viewer is a terminal too.
package enum JUnitReport {
    /// The worst grade that passes the JUnit grade check.
    static let worstPassingGrade = Grade.Letter.b

    struct Case {
        var name: String
        /// A one-line message and the details, one line each.
        var failure: (message: String, details: [String])?
        var output: [String]?
        /// Why the check was not run (`--checks`): a `<skipped>` test case.
        var skipped: String? = nil
    }

    package static func render(_ analysis: ScanAnalysis) -> String {
        render(ReportPresentation(analysis))
    }

    package static func render(_ report: ReportPresentation) -> String {
        let cases = checks(report)
        let failures = cases.filter { $0.failure != nil }.count
        let skipped = cases.filter { $0.skipped != nil }.count
        let suiteName = "tlsmatrix \(report.header.target)"
        let time = "\((report.counts.elapsedSeconds * 1000).rounded() / 1000)"
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"tlsmatrix\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\" time=\"\(time)\">\n"
        out +=
            "  <testsuite name=\"\(escape(suiteName))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\" time=\"\(time)\">\n"
        out += "    <properties><property name=\"trustStore\" value=\"\(escape(report.certificates.trustStore))\"/>"
        if let checks = report.header.checks { out += "<property name=\"checks\" value=\"\(escape(checks))\"/>" }
        out += "</properties>\n"
        for item in cases {
            let open = "    <testcase classname=\"\(escape(suiteName))\" name=\"\(escape(item.name))\""
            if let reason = item.skipped {
                out += open + ">\n      <skipped message=\"\(escape(reason))\"/>\n    </testcase>\n"
                continue
            }
            guard item.failure != nil || item.output != nil else {
                out += open + "/>\n"
                continue
            }
            out += open + ">\n"
            if let failure = item.failure {
                out += "      <failure message=\"\(escape(failure.message))\">\(lines(failure.details))</failure>\n"
            }
            if let output = item.output {
                out += "      <system-out>\(lines(output))</system-out>\n"
            }
            out += "    </testcase>\n"
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    static func checks(_ report: ReportPresentation) -> [Case] {
        let header = report.header
        var cases: [Case] = []
        cases.append(
            Case(
                name: "reachability",
                failure: header.reachable
                    ? nil : (header.reachability, ["\(header.reachability) (\(header.connectAttempts) connection attempts)"])))

        for verdict in report.verdicts where !verdict.tested {
            cases.append(Case(name: "\(verdict.subject) verdict (\(verdict.settingLabel))", skipped: "not tested (--checks)"))
        }
        for verdict in report.verdicts where verdict.tested {
            let causes = verdict.causes.flatMap { ["[\($0.id)] \($0.message)", "fix: \($0.fix)"] }
            cases.append(
                Case(
                    name: "\(verdict.subject) verdict (\(verdict.settingLabel))",
                    failure: verdict.passed ? nil : (verdict.line, causes),
                    output: verdict.passed ? [verdict.line] : nil))
            for generation in verdict.generations {
                let mine = verdict.causes.filter { generation.causeIDs.contains($0.id) }.flatMap {
                    ["[\($0.id)] \($0.message)", "fix: \($0.fix)"]
                }
                cases.append(
                    Case(
                        name: "\(verdict.subject) \(generation.name) (\(verdict.settingLabel))",
                        failure: generation.passed ? nil : (generation.line, mine),
                        output: generation.passed ? [generation.line, generation.source] : nil))
            }
        }

        let certificateFindings = report.certificates.chains.flatMap { chain in chain.findings.map { (chain, $0) } }
        for id in Finding.ID.certificate {
            let present = certificateFindings.filter { $0.1.id == id }
            let lines = present.flatMap { chain, finding in
                ["\(chain.authentication) chain (\(chain.sni)): [\(finding.severity.rawValue)] \(finding.message)"]
                    + (finding.fix.map { ["fix: " + $0] } ?? [])
            }
            // Informational findings are reported but do not fail the build.
            let failing = present.first { $0.1.severity > .info }
            cases.append(
                Case(
                    name: "certificate: no \(id)",
                    failure: failing.map { ($0.1.message, lines) },
                    output: failing == nil && !present.isEmpty ? lines : nil))
        }

        for finding in report.findings {
            let failing = finding.severity != .info
            cases.append(
                Case(
                    name: "finding: \(finding.id)",
                    failure: failing ? (finding.message, ["[\(finding.severity.rawValue)] \(finding.message)"]) : nil,
                    output: failing ? nil : [finding.message]))
        }

        for row in report.vulnerabilities {
            let name = "not vulnerable: \(row.title)"
            switch row.state.tone {
            case .bad: cases.append(Case(name: name, failure: ("\(row.title): \(row.state.text)", [row.detail])))
            case .good: cases.append(Case(name: name, output: ["\(row.title): \(row.state.text)"]))
            default: cases.append(Case(name: name, skipped: "\(row.state.text): \(row.detail)"))
            }
        }

        cases.append(
            Case(
                name: "scan complete (all probes definitive)",
                failure: report.counts.complete
                    ? nil
                    : (
                        "some results are not definitive",
                        report.undecidedVersions + report.undecided
                    )))

        let grade = report.grade
        if let notGraded = grade.notGraded {
            cases.append(Case(name: "grade not worse than B", skipped: "not graded: " + notGraded))
            return cases
        }
        let caps = grade.caps.map(\.line)
        let summary = "grade \(grade.letter) (score \(grade.score))"
        cases.append(
            Case(
                name: "grade not worse than B",
                failure: grade.letter <= worstPassingGrade ? nil : (summary, caps),
                output: grade.letter <= worstPassingGrade ? [summary] : nil))
        return cases
    }

    /// One line of text for an attribute value or element: ``TerminalSafe/escape(_:)`` first (controls,
    /// line breaks and bidi overrides shown as `\x1B` / `\u{202E}`), then `& < > " '` as entities, and
    /// every character XML 1.0 does not allow (U+FFFE, U+FFFF) dropped.
    package static func escape(_ text: String) -> String {
        xml(TerminalSafe.escape(text))
    }

    /// Several lines as element text: each line escaped on its own, joined by line feeds (`&#10;`).
    static func lines(_ lines: [String]) -> String {
        lines.map(escape).joined(separator: "&#10;")
    }

    /// Escapes `& < > " '` and CR, LF and tab (so attribute values keep them), and drops every character
    /// XML 1.0 does not allow (other C0 controls, U+FFFE, U+FFFF).
    static func xml(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default:
                let value = scalar.value
                let allowed = (0x20...0xD7FF).contains(value) || (0xE000...0xFFFD).contains(value) || value >= 0x10000
                if allowed { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
