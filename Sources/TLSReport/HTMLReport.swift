import TLSAudit
import TLSCatalog
import TLSModel

/// A single self-contained HTML5 page: verdict and grade first, then certificates, the protocol × suite
/// matrix, handshake simulations, findings and counts. No scripts, no external resources; every string
/// that comes from the server or the scan goes through `escape(_:)`.
public enum HTMLReport {
    /// The protocol columns of the suite matrix, oldest first.
    static let matrixVersions: [TLSVersion] = [.sslv3, .tls10, .tls11, .tls12, .tls13]

    public static func render(_ analysis: ScanAnalysis) -> String {
        let scan = analysis.scan
        var out = ""
        out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
        out += "<meta charset=\"utf-8\">\n"
        out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>tlsmatrix: \(escape(scan.target.description))</title>\n"
        out += "<style>\n\(css)</style>\n</head>\n<body>\n"
        out += "<h1>tlsmatrix scan of \(escape(scan.target.description))</h1>\n"
        let sni = scan.serverName.map { "SNI " + escape($0) } ?? "no SNI"
        out += "<p class=\"meta\">Address \(escape(scan.address ?? "unresolved")), \(sni); "
        out += "reachability: \(escape(scan.reachability.explanation))</p>\n"
        out += verdictSection(analysis.cloudfront)
        out += gradeSection(analysis.grade)
        if let conformance = analysis.policy { out += policySection(conformance) }
        out += certificateSection(analysis)
        out += matrixSection(scan)
        out += simulationSection(analysis.simulations)
        out += findingsSection(scan.findings)
        out += countsSection(analysis)
        out += "</body>\n</html>\n"
        return out
    }

    /// HTML-escapes text for element content and quoted attribute values, after
    /// ``TerminalSafe/escape(_:)`` (controls and bidi overrides shown as `\x1B` / `\u{202E}`).
    public static func escape(_ text: String) -> String {
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

    // MARK: Sections

    static func verdictSection(_ verdict: CloudFrontVerdict) -> String {
        let setting = escape(verdict.originProtocols.map(\.cloudFrontName).joined(separator: ","))
        var out = "<section id=\"verdict\">\n<h2>CloudFront → origin</h2>\n"
        switch verdict.compatible {
        case true?:
            let suite = verdict.suite.map(suiteName) ?? "?"
            let group = verdict.group.map { " with " + groupName($0) } ?? ""
            out += "<p class=\"verdict ok\">COMPATIBLE (OriginSslProtocols \(setting)): "
            out += escape("\(verdict.protocolVersion?.rawValue ?? "?") \(suite)\(group)") + "</p>\n"
        case false?:
            out += "<p class=\"verdict bad\">NOT COMPATIBLE (OriginSslProtocols \(setting))</p>\n"
        case nil:
            out += "<p class=\"verdict undecided\">UNDECIDED (OriginSslProtocols \(setting))</p>\n"
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

    static func policySection(_ conformance: PolicyConformance) -> String {
        var out = "<section id=\"policy\">\n<h2>Policy \(escape(conformance.policy.id))</h2>\n"
        out += "<p><strong>" + (conformance.violated ? "VIOLATED" : "conforms") + "</strong>"
        if conformance.policy.unverified { out += " (policy data partly unverified)" }
        out += "</p>\n<ul>\n"
        for item in conformance.outside { out += "<li>outside: \(escape(item.message))</li>\n" }
        for rule in conformance.requirements { out += "<li>requirement: \(escape(rule))</li>\n" }
        for item in conformance.missing { out += "<li>missing: \(escape(item.message))</li>\n" }
        out += "</ul>\n"
        if !conformance.changesNeeded.isEmpty {
            out += "<h3>Changes needed</h3>\n<ol>\n"
            for change in conformance.changesNeeded { out += "<li>\(escape(change))</li>\n" }
            out += "</ol>\n"
        }
        return out + "</section>\n"
    }

    static func gradeSection(_ grade: Grade) -> String {
        var out = "<section id=\"grade\">\n<h2>Grade</h2>\n"
        out += "<p><span class=\"grade \(gradeClass(grade.letter))\">\(escape(grade.letter.rawValue))</span> "
        out += "score \(grade.score): protocol \(grade.protocolScore), key exchange \(grade.keyExchangeScore), "
        out += "cipher \(grade.cipherScore)</p>\n"
        if !grade.caps.isEmpty {
            out += "<ul class=\"caps\">\n"
            for cap in grade.caps {
                out += "<li>capped at <b>\(escape(cap.limit.rawValue))</b> <code>\(escape(cap.rule))</code> \(escape(cap.reason))</li>\n"
            }
            out += "</ul>\n"
        }
        return out + "</section>\n"
    }

    static func certificateSection(_ analysis: ScanAnalysis) -> String {
        var out = "<section id=\"certificates\">\n<h2>Certificates</h2>\n"
        guard !analysis.chains.isEmpty else { return out + "<p>No certificate chain was seen.</p>\n</section>\n" }
        out += "<p>Checked against <code>\(escape(analysis.originDomain))</code>; trust store: \(escape(TrustStore.describe(analysis.trustStore))).</p>\n"
        for item in analysis.chains {
            let chain = item.chain
            let trust = switch item.report.trusted {
            case true?: "<span class=\"ok\">trusted</span>"
            case false?: "<span class=\"bad\">NOT TRUSTED</span>"
            case nil: escape(item.report.trustLabel)
            }
            let sni = chain.sni.map { "SNI " + escape($0) } ?? "no SNI"
            out += "<div class=\"chain\">\n<h3>\(escape(chain.authentication)) chain, \(chain.der.count) sent "
            out += "(\(escape(chain.seenWith.rawValue)), \(sni)) — \(trust)</h3>\n"
            out += "<table>\n<tr><th>#</th><th>Subject</th><th>Issuer</th><th>SAN</th><th>Key</th>"
            out += "<th>Signature</th><th>Not after</th></tr>\n"
            for info in item.report.certificates {
                var key = "\(info.keyType) \(info.keyBits)"
                if let curve = info.curve { key += " \(curve)" }
                let days = info.daysLeft < 0 ? "bad" : ""
                out += "<tr><td>\(info.position + 1)</td><td>\(escape(info.subject))</td><td>\(escape(info.issuer))</td>"
                out += "<td>\(info.subjectAltNames.map(escape).joined(separator: "<br>"))</td>"
                out += "<td>\(escape(key))</td><td>\(escape(info.signatureAlgorithm))</td>"
                out += "<td class=\"\(days)\">\(escape(Timestamp.day(info.notAfter))) (\(info.daysLeft) days)</td></tr>\n"
            }
            out += "</table>\n"
            if !item.report.findings.isEmpty {
                out += "<ul class=\"findings\">\n"
                for finding in item.report.findings {
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

    static func matrixSection(_ scan: ScanResult) -> String {
        var out = "<section id=\"matrix\">\n<h2>Protocol × cipher suite</h2>\n"
        // Rows: every suite accepted with any version, newest version's order first.
        var codes: [UInt16] = []
        for proto in scan.protocols.sorted(by: { $0.version > $1.version }) {
            for suite in proto.suites where !codes.contains(suite.code) { codes.append(suite.code) }
        }
        out += "<p class=\"legend\">Cells: W = wire engine, O = OpenSSL, G = GnuTLS saw the suite accepted; "
        out += "CF ✓ = CloudFront offers it to origins.</p>\n"
        out += "<table class=\"matrix\">\n<tr><th>Suite</th><th>Code</th>"
        for version in matrixVersions {
            out += "<th>\(escape(version.rawValue))<br><small>\(escape(protocolState(scan.protocolResult(version))))</small></th>"
        }
        out += "<th>CF</th><th>Strength</th></tr>\n"
        if codes.isEmpty {
            out += "<tr><td colspan=\"\(matrixVersions.count + 4)\">No cipher suite was accepted.</td></tr>\n"
        }
        let cloudfront = Catalog.shared.client(id: ClientProfile.ID.cloudFrontOrigin)
        for code in codes {
            let info = Catalog.shared.suite(code: code)
            let strength = info?.strength.rawValue ?? "unknown"
            out += "<tr class=\"\(strength)\"><td>\(escape(info?.displayName ?? "unassigned"))</td>"
            out += "<td><code>\(escape(CodePointFormat.hex(code)))</code></td>"
            for version in matrixVersions {
                let seen = scan.protocolResult(version)?.suites.first { $0.code == code }
                let letters = seen.map { $0.evidence.sorted().map(evidenceLetter).joined() } ?? ""
                out += "<td class=\"cell\">\(escape(letters))</td>"
            }
            out += "<td class=\"cell\">\(cloudfront?.offers(suite: code) == true ? "✓" : "")</td>"
            out += "<td>\(escape(strength))</td></tr>\n"
        }
        out += "</table>\n"
        return out + "</section>\n"
    }

    static func simulationSection(_ simulations: [ClientSimulation]) -> String {
        guard !simulations.isEmpty else { return "" }
        var out = "<section id=\"simulation\">\n<h2>Handshake simulation</h2>\n"
        out += "<table>\n<tr><th>Client</th><th>Protocol</th><th>Suite</th><th>Group</th></tr>\n"
        for simulation in simulations {
            let name = escape(simulation.client.name) + (simulation.client.unverified ? " <small>(unverified profile)</small>" : "")
            switch simulation.result {
            case .success(let choice):
                out += "<tr><td>\(name)</td><td>\(escape(choice.version.rawValue))</td>"
                out += "<td>\(escape(suiteName(choice.suite)))</td><td>\(escape(choice.group.map(groupName) ?? ""))</td></tr>\n"
            case .failure(let failure):
                let cls = failure.definitive ? "bad" : "undecided"
                out += "<tr><td>\(name)</td><td colspan=\"3\" class=\"\(cls)\">✗ \(escape(SimulationText.reason(failure)))</td></tr>\n"
            }
        }
        out += "</table>\n"
        return out + "</section>\n"
    }

    static func findingsSection(_ findings: [Finding]) -> String {
        guard !findings.isEmpty else { return "" }
        var out = "<section id=\"findings\">\n<h2>Findings</h2>\n<ul class=\"findings\">\n"
        for finding in findings {
            out += "<li class=\"\(finding.severity.rawValue)\"><code>\(escape(finding.id))</code> \(escape(finding.message))</li>\n"
        }
        return out + "</ul>\n</section>\n"
    }

    static func countsSection(_ analysis: ScanAnalysis) -> String {
        let scan = analysis.scan
        let p = scan.probes
        var out = "<section id=\"counts\">\n<h2>Connections and probes</h2>\n"
        out += "<p>Connections: \(scan.connections) (lower bound \(scan.connectionLowerBound)); probes: "
        out += "\(p.accepted) accepted, \(p.rejected) rejected, \(p.timedOut) timed out, \(p.failed) failed; "
        out += "\((scan.elapsedSeconds * 100).rounded() / 100) s</p>\n"
        let notes = nonDefinitive(analysis)
        if notes.isEmpty {
            out += "<p class=\"ok\">Every result is definitive.</p>\n"
        } else {
            out += "<div class=\"note\"><b>Not definitive (\(notes.count)):</b> these results could change on a re-run.\n<ul>\n"
            for note in notes { out += "<li>\(escape(note))</li>\n" }
            out += "</ul></div>\n"
        }
        return out + "</section>\n"
    }

    /// Every result that is not definitive, in words.
    static func nonDefinitive(_ analysis: ScanAnalysis) -> [String] {
        let scan = analysis.scan
        var notes: [String] = []
        if !scan.reachability.isReachable { notes.append("Target: \(scan.reachability.explanation)") }
        for proto in scan.protocols {
            if proto.supported == nil {
                notes.append("\(proto.version.rawValue): support undecided" + (proto.note.map { " (\($0))" } ?? ""))
            } else if !proto.complete {
                notes.append("\(proto.version.rawValue): suite list incomplete" + (proto.note.map { " (\($0))" } ?? ""))
            }
        }
        for group in scan.groups where !group.complete {
            notes.append("\(group.version.rawValue): group list incomplete")
        }
        for item in scan.undecided {
            notes.append("\(item.version.rawValue) \(item.purpose) [\(item.engine.rawValue)]: \(item.reason)")
        }
        if analysis.cloudfront.compatible == nil { notes.append("CloudFront verdict undecided") }
        for simulation in analysis.simulations {
            if case .failure(let failure) = simulation.result, !failure.definitive {
                notes.append("Simulation \(simulation.client.name): \(SimulationText.reason(failure))")
            }
        }
        return notes
    }

    // MARK: Helpers

    static func protocolState(_ result: ProtocolResult?) -> String {
        guard let result else { return "not tried" }
        switch result.supported {
        case true?: return result.complete ? "yes" : "yes (incomplete)"
        case false?: return "no"
        case nil: return "undecided"
        }
    }

    static func evidenceLetter(_ engine: EngineKind) -> String {
        switch engine {
        case .wire: "W"
        case .openssl: "O"
        case .gnutls: "G"
        }
    }

    static func gradeClass(_ letter: Grade.Letter) -> String {
        switch letter {
        case .aPlus, .a, .aMinus: "good"
        case .b, .c: "fair"
        default: "poor"
        }
    }

    static func suiteName(_ code: UInt16) -> String {
        Catalog.shared.suite(code: code)?.displayName ?? CodePointFormat.hex(code)
    }

    static func groupName(_ code: UInt16) -> String {
        Catalog.shared.group(code: code)?.name ?? CodePointFormat.hex(code)
    }

    static let css = """
    body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 80em; padding: 0 1em; color: #222; line-height: 1.4; }
    h1 { font-size: 1.5em; word-break: break-all; }
    h2 { border-bottom: 1px solid #ccc; margin-top: 1.6em; }
    h3 { font-size: 1em; }
    table { border-collapse: collapse; margin: .5em 0; }
    th, td { border: 1px solid #ccc; padding: .25em .5em; text-align: left; vertical-align: top; word-break: break-word; }
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
