import TLSAudit
import TLSCatalog
import TLSModel

/// A single self-contained HTML5 page: verdict and grade first, then certificates, the protocol × suite
/// matrix, handshake simulations, findings and counts. No scripts, no external resources. It lays out a
/// ``ReportPresentation``: CSS classes come from the presentation's tones (``cssClass(_:)``), and every
/// string that comes from the server or the scan goes through `escape(_:)`.
package enum HTMLReport {
    /// The protocol columns of the suite matrix, oldest first.
    static let matrixVersions: [TLSVersion] = [.sslv3, .tls10, .tls11, .tls12, .tls13]

    package static func render(_ analysis: ScanAnalysis) -> String {
        render(ReportPresentation(analysis))
    }

    package static func render(_ report: ReportPresentation) -> String {
        let header = report.header
        var out = head(title: "tlsmatrix: \(escape(header.target))", css: css)
        out += "<h1>tlsmatrix scan of \(escape(header.target))</h1>\n"
        out += "<p class=\"meta\">Address \(escape(header.address)), \(escape(header.sni)); "
        out += "reachability: \(escape(header.reachability))</p>\n"
        if let checks = header.checks { out += "<p class=\"meta checks\">\(escape(checks))</p>\n" }
        out += report.verdicts.map(verdictSection).joined()
        if let pq = report.postQuantum { out += "<p class=\"postquantum \(cssClass(pq.tone))\">\(escape(pq.text))</p>\n" }
        out += gradeSection(report.grade)
        if let policy = report.policy { out += policySection(policy) }
        out += certificateSection(report.certificates)
        out += matrixSection(report.protocols)
        out += simulationSection(report.simulations)
        for section in report.notTested {
            out += "<section class=\"not-tested\">\n<h2>\(escape(section))</h2>\n<p>not tested</p>\n</section>\n"
        }
        out += vulnerabilitySection(report.vulnerabilities)
        out += findingsSection(report.findings)
        out += countsSection(report)
        out += "</body>\n</html>\n"
        return out
    }

    /// The page up to `<body>`: no script and no external resource allowed (Content-Security-Policy), only the inline
    /// stylesheet `css`. `title` is already escaped.
    static func head(title: String, css: String) -> String {
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
        out += "<meta charset=\"utf-8\">\n"
        out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>\(title)</title>\n"
        out += "<style>\n\(css)</style>\n</head>\n<body>\n"
        return out
    }

    /// HTML-escapes text for element content and quoted attribute values, after
    /// ``TerminalSafe/escape(_:)`` (controls and bidi overrides shown as `\x1B` / `\u{202E}`).
    package static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in TerminalSafe.escape(text).unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// The CSS class of a tone (the stylesheet's `.ok`, `.bad`, `.warning`, `.undecided`).
    static func cssClass(_ tone: Tone) -> String {
        switch tone {
        case .good: "ok"
        case .bad: "bad"
        case .warning: "warning"
        case .notDefinitive: "undecided"
        case .neutral: ""
        }
    }

    /// A toned text as a span of its class (plain text when neutral).
    static func span(_ text: Toned) -> String {
        let cls = cssClass(text.tone)
        return cls.isEmpty ? escape(text.text) : "<span class=\"\(cls)\">\(escape(text.text))</span>"
    }

    // MARK: Sections

    static func verdictSection(_ verdict: ReportPresentation.Verdict) -> String {
        var out = "<section id=\"verdict\">\n<h2>\(escape(verdict.subject)) → origin</h2>\n"
        out += "<p class=\"verdict \(cssClass(verdict.state.tone))\">\(escape(verdict.state.text)) "
        out += "(\(escape(verdict.settingLabel)))" + (verdict.choice.map { ": " + escape($0) } ?? "") + "</p>\n"
        if !verdict.generations.isEmpty {
            out +=
                "<table class=\"generations\">\n<tr><th>CloudFront generation</th><th>Known from</th><th>Verdict</th><th>Negotiated</th><th>Causes</th><th>Basis</th></tr>\n"
            for g in verdict.generations {
                out += "<tr><td>\(escape(g.name))</td><td>\(escape(g.source))</td>"
                out += "<td class=\"\(cssClass(g.state.tone))\">\(escape(g.state.text))</td><td>\(escape(g.choice ?? "—"))</td>"
                out +=
                    "<td>\(g.causeIDs.map { "<code>\(escape($0))</code>" }.joined(separator: " "))</td><td>\(escape(g.basis))</td></tr>\n"
            }
            out += "</table>\n"
        }
        if !verdict.causes.isEmpty {
            out += "<ul class=\"causes\">\n"
            for cause in verdict.causes {
                out += "<li><code>\(escape(cause.id))</code> \(escape(cause.message))"
                out += "<div class=\"fix\">Fix: \(escape(cause.fix))</div></li>\n"
            }
            out += "</ul>\n"
        }
        return out + "</section>\n"
    }

    static func policySection(_ policy: ReportPresentation.Policy) -> String {
        var out = "<section id=\"policy\">\n<h2>Policy \(escape(policy.id))</h2>\n"
        out += "<p><strong>\(escape(policy.state.text))</strong>"
        if policy.unverified { out += " (policy data partly unverified)" }
        if let source = policy.importedFrom { out += " (\(escape(source)))" }
        out += "</p>\n<ul>\n"
        for item in policy.outside { out += "<li>outside: \(escape(item))</li>\n" }
        for rule in policy.requirements { out += "<li>requirement: \(escape(rule))</li>\n" }
        for item in policy.missing { out += "<li>missing: \(escape(item))</li>\n" }
        out += "</ul>\n"
        if !policy.changesNeeded.isEmpty {
            out += "<h3>Changes needed</h3>\n<ol>\n"
            for change in policy.changesNeeded { out += "<li>\(escape(change))</li>\n" }
            out += "</ol>\n"
        }
        return out + "</section>\n"
    }

    static func gradeSection(_ grade: ReportPresentation.Grade) -> String {
        var out = "<section id=\"grade\">\n<h2>Grade</h2>\n"
        if let notGraded = grade.notGraded {
            return out + "<p>Not graded: \(escape(notGraded))</p>\n</section>\n"
        }
        out += "<p><span class=\"grade \(gradeClass(grade.tone))\">\(escape(grade.letter.rawValue))</span> "
        out += escape(grade.scores) + "</p>\n"
        if !grade.caps.isEmpty {
            out += "<ul class=\"caps\">\n"
            for cap in grade.caps {
                out += "<li>capped at <b>\(escape(cap.limit))</b> <code>\(escape(cap.rule))</code> \(escape(cap.reason))</li>\n"
            }
            out += "</ul>\n"
        }
        return out + "</section>\n"
    }

    static func certificateSection(_ certificates: ReportPresentation.Certificates) -> String {
        var out = "<section id=\"certificates\">\n<h2>Certificates</h2>\n"
        guard !certificates.chains.isEmpty else { return out + "<p>No certificate chain was seen.</p>\n</section>\n" }
        out +=
            "<p>Checked against <code>\(escape(certificates.originDomain))</code>; trust store: \(escape(certificates.trustStore)).</p>\n"
        for chain in certificates.chains {
            out += "<div class=\"chain\">\n<h3>\(escape(chain.authentication)) chain, \(chain.sent) sent "
            out += "(\(escape(chain.seenWith)), \(escape(chain.sni))) — \(span(chain.trust))</h3>\n"
            out += "<table>\n<tr><th>#</th><th>Subject</th><th>Issuer</th><th>SAN</th><th>Key</th>"
            out += "<th>Signature</th><th>Not after</th></tr>\n"
            for info in chain.certificates {
                out += "<tr><td>\(info.number)</td><td>\(escape(info.subject))</td><td>\(escape(info.issuer))</td>"
                out += "<td>\(info.subjectAltNames.map(escape).joined(separator: "<br>"))</td>"
                out += "<td>\(escape(info.key))</td><td>\(escape(info.signature))</td>"
                out += "<td class=\"\(cssClass(info.daysTone))\">\(escape(info.notAfter)) (\(info.daysLeft) days)</td></tr>\n"
            }
            out += "</table>\n"
            if !chain.findings.isEmpty {
                out += "<ul class=\"findings\">\n"
                for finding in chain.findings {
                    out += "<li class=\"\(finding.severity.rawValue)\"><code>\(escape(finding.id))</code> \(escape(finding.message))"
                    if let fix = finding.fix { out += "<div class=\"fix\">Fix: \(escape(fix))</div>" }
                    out += "</li>\n"
                }
                out += "</ul>\n"
            }
            out += "</div>\n"
        }
        return out + "</section>\n"
    }

    static func matrixSection(_ protocols: [ReportPresentation.ProtocolRow]) -> String {
        var out = "<section id=\"matrix\">\n<h2>Protocol × cipher suite</h2>\n"
        // Rows: every suite accepted with any version, newest version's order first.
        var rows: [ReportPresentation.SuiteRow] = []
        for proto in protocols.sorted(by: { $0.version > $1.version }) {
            for suite in proto.suites where !rows.contains(where: { $0.code == suite.code }) { rows.append(suite) }
        }
        let columns = matrixVersions.map { version in (version, protocols.first { $0.version == version }) }
        out += "<p class=\"legend\">Cells: W = wire engine, O = OpenSSL, G = GnuTLS saw the suite accepted; "
        out += "CF ✓ = CloudFront offers it to origins.</p>\n"
        out += "<table class=\"matrix\">\n<tr><th>Suite</th><th>Code</th>"
        for (version, proto) in columns {
            out += "<th>\(escape(version.rawValue))<br><small>\(escape(proto?.matrixState ?? "not tried"))</small></th>"
        }
        out += "<th>CF</th><th>Strength</th></tr>\n"
        if rows.isEmpty {
            out += "<tr><td colspan=\"\(matrixVersions.count + 4)\">No cipher suite was accepted.</td></tr>\n"
        }
        for row in rows {
            // The row's class names the strength: the stylesheet's tr.secure, tr.weak, tr.insecure, tr.unknown.
            let strength = row.strength?.rawValue ?? "unknown"
            out += "<tr class=\"\(strength)\"><td>\(escape(row.name))</td>"
            out += "<td><code>\(escape(row.hex))</code></td>"
            for (_, proto) in columns {
                let seen = proto?.suites.first { $0.code == row.code }
                out += "<td class=\"cell\">\(escape(seen.map { $0.evidence.map(evidenceLetter).joined() } ?? ""))</td>"
            }
            out += "<td class=\"cell\">\(row.cloudfront ? "✓" : "")</td>"
            out += "<td>\(escape(strength))</td></tr>\n"
        }
        out += "</table>\n"
        return out + "</section>\n"
    }

    static func simulationSection(_ simulations: [ReportPresentation.SimulationRow]) -> String {
        guard !simulations.isEmpty else { return "" }
        var out = "<section id=\"simulation\">\n<h2>Handshake simulation</h2>\n"
        out += "<table>\n<tr><th>Client</th><th>Protocol</th><th>Suite</th><th>Group</th></tr>\n"
        for simulation in simulations {
            let name =
                escape(simulation.name) + (simulation.unverified ? " <small>(unverified profile)</small>" : "")
                + (simulation.predictedOnly ? " <small>(predicted)</small>" : "")
            switch simulation.result {
            case .connects(let version, let suite, let group):
                out += "<tr><td>\(name)</td><td>\(escape(version))</td>"
                out += "<td>\(escape(suite))</td><td>\(escape(group ?? ""))</td></tr>\n"
            case .fails(let reason):
                out += "<tr><td>\(name)</td><td colspan=\"3\" class=\"\(cssClass(reason.tone))\">✗ \(escape(reason.text))</td></tr>\n"
            }
        }
        out += "</table>\n"
        return out + "</section>\n"
    }

    static func vulnerabilitySection(_ rows: [ReportPresentation.VulnerabilityRow]) -> String {
        guard !rows.isEmpty else { return "" }
        var out = "<section id=\"vulnerabilities\">\n<h2>Vulnerabilities (from the accepted suites)</h2>\n<table>\n"
        out += "<tr><th>Vulnerability</th><th>Status</th><th>Rests on</th></tr>\n"
        for row in rows {
            out += "<tr><td>\(escape(row.title))</td><td>\(span(row.state))</td><td>\(escape(row.detail))</td></tr>\n"
        }
        return out + "</table>\n</section>\n"
    }

    static func findingsSection(_ findings: [ReportPresentation.FindingRow]) -> String {
        guard !findings.isEmpty else { return "" }
        var out = "<section id=\"findings\">\n<h2>Findings</h2>\n<ul class=\"findings\">\n"
        for finding in findings {
            out += "<li class=\"\(finding.severity.rawValue)\"><code>\(escape(finding.id))</code> \(escape(finding.message))</li>\n"
        }
        return out + "</ul>\n</section>\n"
    }

    static func countsSection(_ report: ReportPresentation) -> String {
        var out = "<section id=\"counts\">\n<h2>Connections and probes</h2>\n"
        out += "<p>\(escape(report.counts.line))</p>\n"
        let notes = report.notDefinitive
        if notes.isEmpty {
            out += "<p class=\"ok\">Every result is definitive.</p>\n"
        } else {
            out += "<div class=\"note\"><b>Not definitive (\(notes.count)):</b> these results could change on a re-run.\n<ul>\n"
            for note in notes { out += "<li>\(escape(note))</li>\n" }
            out += "</ul></div>\n"
        }
        return out + "</section>\n"
    }

    // MARK: Helpers

    static func evidenceLetter(_ engine: EngineKind) -> String {
        switch engine {
        case .wire: "W"
        case .openssl: "O"
        case .gnutls: "G"
        }
    }

    /// The grade badge's class: the stylesheet's .grade.good, .grade.fair, .grade.poor.
    static func gradeClass(_ tone: Tone) -> String {
        switch tone {
        case .good: "good"
        case .warning, .notDefinitive, .neutral: "fair"
        case .bad: "poor"
        }
    }

    static let css = """
        body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 80em; padding: 0 1em; color: #222; line-height: 1.4; }
        h1 { font-size: 1.5em; overflow-wrap: anywhere; }
        h2 { border-bottom: 1px solid #ccc; margin-top: 1.6em; }
        h3 { font-size: 1em; }
        table { border-collapse: collapse; margin: .5em 0; }
        th, td { border: 1px solid #ccc; padding: .25em .5em; text-align: left; vertical-align: top; overflow-wrap: break-word; }
        th { background: #f0f0f0; }
        code { font-family: ui-monospace, monospace; }
        .meta, .legend { color: #555; }
        .verdict { font-size: 1.2em; font-weight: bold; padding: .5em; border-radius: 4px; }
        .verdict.ok { background: #dff0d8; } .verdict.bad { background: #f2dede; } .verdict.undecided { background: #fcf8e3; }
        .ok { color: #2d6a2d; } .bad, .error { color: #a94442; } .undecided, .warning { color: #8a6d3b; }
        .fix { color: #333; margin-left: 1em; font-style: italic; }
        .grade { display: inline-block; font-size: 2em; font-weight: bold; padding: 0 .4em; border-radius: 4px; color: #fff; }
        .grade.good { background: #3c8d3c; } .grade.fair { background: #c98a1b; } .grade.poor { background: #b33; }
        table.matrix td.cell { text-align: center; font-family: ui-monospace, monospace; min-width: 3em; }
        tr.secure td { background: #eef8ee; } tr.weak td { background: #fdf5e0; }
        tr.insecure td { background: #fbe3e3; } tr.unknown td { background: #eee; }
        .note { background: #fcf8e3; border: 1px solid #e5d9a8; padding: .5em 1em; }

        """
}
