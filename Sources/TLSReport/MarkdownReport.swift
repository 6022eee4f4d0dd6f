import TLSAudit
import TLSCatalog
import TLSModel

/// A GitHub-flavoured Markdown report: verdict and grade first, then tables. Every string that can come
/// from the server (or the user) goes through ``escape(_:)`` so it cannot break a table or inject HTML.
public enum MarkdownReport {
    public static func render(_ analysis: ScanAnalysis) -> String {
        let scan = analysis.scan
        let cloudfront = analysis.cloudfront
        var out: [String] = []
        let sni = scan.serverName.map { "SNI " + escape($0) } ?? "no SNI"
        out.append("# tlsmatrix report: \(escape(scan.target.description))")
        out.append("")
        out.append("Address \(escape(scan.address ?? "unresolved")), \(sni)")
        out.append("")
        out.append("**\(escape(TextReport.verdictLine(cloudfront)))**")
        out.append("")
        for cause in cloudfront.causes {
            out.append("- ✗ **\(escape(cause.id))**: \(escape(cause.message)) Fix: \(escape(cause.fix))")
        }
        if !cloudfront.causes.isEmpty { out.append("") }
        if let conformance = analysis.policy {
            out.append("**Policy \(escape(conformance.policy.id)): " + (conformance.violated ? "VIOLATED" : "conforms") + "**")
            out.append("")
            for item in conformance.outside { out.append("- outside: \(escape(item.message))") }
            for rule in conformance.requirements { out.append("- requirement: \(escape(rule))") }
            for item in conformance.missing { out.append("- missing: \(escape(item.message))") }
            for change in conformance.changesNeeded { out.append("- change: \(escape(change))") }
            out.append("")
        }
        let grade = analysis.grade
        out.append("**Grade \(escape(grade.letter.rawValue))** (score \(grade.score): protocol \(grade.protocolScore), key exchange \(grade.keyExchangeScore), cipher \(grade.cipherScore))")
        if !grade.caps.isEmpty {
            out.append("")
            for cap in grade.caps {
                out.append("- cap \(escape(cap.limit.rawValue)) (\(escape(cap.rule))): \(escape(cap.reason))")
            }
        }
        out.append("")
        guard scan.reachability.isReachable else {
            out.append("Target: \(escape(scan.reachability.explanation)) \(TextReport.attemptsNote(scan))")
            out.append("")
            out += findingsSection(scan)
            out += countsSection(scan)
            return out.joined(separator: "\n") + "\n"
        }
        out += protocolsSection(scan)
        for proto in scan.protocols.reversed() where !proto.suites.isEmpty {
            out += suitesSection(proto)
        }
        if !scan.groups.isEmpty {
            out.append("## Key exchange groups")
            out.append("")
            out.append("| Version | Groups | Complete |")
            out.append("|---|---|---|")
            for result in scan.groups {
                let names = result.groups.map { Catalog.shared.group(code: $0)?.name ?? CodePointFormat.hex($0) }
                out.append(row([result.version.rawValue, names.isEmpty ? "none" : names.joined(separator: ", "),
                                result.complete ? "yes" : "no"]))
            }
            out.append("")
        }
        if !analysis.chains.isEmpty {
            out.append("## Certificates (checked against \(escape(analysis.originDomain)))")
            out.append("")
            out.append("Trust store: \(escape(TrustStore.describe(analysis.trustStore)))")
            out.append("")
            for item in analysis.chains { out += chainSection(item) }
        }
        if let http = scan.httpPort {
            out.append("HTTP port \(http.port): " + escape(http.open ? "open" : "not answering (\(http.detail ?? "closed"))"))
            out.append("")
        }
        if !analysis.simulations.isEmpty {
            out.append("## Handshake simulation")
            out.append("")
            out.append("| Client | Result | Protocol | Suite | Group |")
            out.append("|---|---|---|---|---|")
            for simulation in analysis.simulations {
                let name = simulation.client.name + (simulation.client.unverified ? " (unverified profile)" : "")
                switch simulation.result {
                case .success(let choice):
                    let suite = Catalog.shared.suite(code: choice.suite)?.displayName ?? CodePointFormat.hex(choice.suite)
                    let group = choice.group.map { Catalog.shared.group(code: $0)?.name ?? CodePointFormat.hex($0) } ?? ""
                    out.append(row([name, "✓", choice.version.rawValue, suite, group]))
                case .failure(let failure):
                    out.append(row([name, "✗ " + SimulationText.reason(failure), "", "", ""]))
                }
            }
            out.append("")
        }
        out += findingsSection(scan)
        out += countsSection(scan)
        return out.joined(separator: "\n") + "\n"
    }

    /// Makes text inert in Markdown, in and out of tables: first ``TerminalSafe/escape(_:)`` (controls,
    /// line breaks and bidi overrides shown as `\x1B` / `\u{202E}`), then backslash-escapes the inline
    /// punctuation that makes emphasis, code, links, images, strikethrough and table cells; turns `&`, `<`,
    /// `>` into entities (no HTML or `<…>` autolinks); drops other format characters and noncharacters.
    /// (Bare `http://` text may still be shown as a link by GFM.)
    /// Escaped text is only ever placed mid-line, so block markers (`#`, `-`, `1.`) need no escaping.
    public static func escape(_ text: String) -> String {
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

    static func protocolsSection(_ scan: ScanResult) -> [String] {
        var out = ["## Protocols", "", "| Version | Supported | Suites | Order | Note |", "|---|---|---|---|---|"]
        for proto in scan.protocols {
            let state = switch proto.supported { case true?: "yes"; case false?: "no"; case nil: "UNDECIDED" }
            let insecure = (proto.version == .sslv2 || proto.version == .sslv3) && proto.supported == true
            out.append(row([proto.version.rawValue, state + (insecure ? " (INSECURE)" : ""),
                            proto.supported == true ? "\(proto.suites.count)" : "",
                            proto.supported == true ? TextReport.orderText(proto) : "",
                            (proto.note ?? "") + (proto.complete ? "" : " (incomplete)")]))
        }
        out.append("")
        return out
    }

    static func suitesSection(_ proto: ProtocolResult) -> [String] {
        let order = TextReport.orderText(proto)
        var out = ["## \(escape(proto.version.rawValue)) suites" + (order.isEmpty ? "" : " (\(escape(order)))"), "",
                   "| # | Code | Suite | Key exchange | Bits | CloudFront | Evidence | Rating |",
                   "|---|---|---|---|---|---|---|---|"]
        let cloudfront = Catalog.shared.client(id: ClientProfile.ID.cloudFrontOrigin)
        for (index, suite) in proto.suites.enumerated() {
            let info = suite.suite
            var kx = info?.keyExchange.rawValue ?? "?"
            if let group = suite.group { kx += " " + (Catalog.shared.group(code: group)?.name ?? CodePointFormat.hex(group)) }
            if let bits = suite.dhBits { kx += " \(bits)-bit" }
            let rating = switch info?.strength { case .secure?: "secure"; case .weak?: "weak"; case .insecure?: "INSECURE"; case nil: "unknown" }
            out.append(row(["\(index + 1)", CodePointFormat.hex(suite.code), info?.displayName ?? "unassigned", kx,
                            info.map { "\($0.bits)" } ?? "", cloudfront?.offers(suite: suite.code) == true ? "✓" : "",
                            TextReport.evidenceText(suite), rating]))
        }
        out.append("")
        return out
    }

    static func chainSection(_ item: ChainAnalysis) -> [String] {
        let chain = item.chain
        let trust = item.report.trustLabel
        let sni = chain.sni.map { "SNI \($0)" } ?? "no SNI"
        var out = ["### \(escape(chain.authentication)) chain: \(chain.der.count) sent (\(escape(chain.seenWith.rawValue)), \(escape(sni))), \(trust)", "",
                   "| # | Subject | Issuer | SAN | Key | Signature | Not after | Days left |",
                   "|---|---|---|---|---|---|---|---|"]
        for info in item.report.certificates {
            var key = "\(info.keyType) \(info.keyBits)"
            if let curve = info.curve { key += " \(curve)" }
            var names = info.subjectAltNames.prefix(6).joined(separator: ", ")
            if info.subjectAltNames.count > 6 { names += " …" }
            out.append(row(["\(info.position + 1)", info.subject, info.issuer, names, key, info.signatureAlgorithm,
                            Timestamp.day(info.notAfter), "\(info.daysLeft)"]))
        }
        out.append("")
        for finding in item.report.findings {
            let mark = switch finding.severity { case .error: "✗"; case .warning: "!"; case .info: "·" }
            var line = "- \(mark) **\(escape(finding.id))** (\(finding.severity.rawValue)): \(escape(finding.message))"
            if let fix = finding.fix { line += " Fix: \(escape(fix))" }
            out.append(line)
        }
        if !item.report.findings.isEmpty { out.append("") }
        return out
    }

    static func findingsSection(_ scan: ScanResult) -> [String] {
        guard !scan.findings.isEmpty else { return [] }
        var out = ["## Findings", ""]
        for finding in scan.findings {
            out.append("- **\(escape(finding.id))** (\(finding.severity.rawValue)): \(escape(finding.message))")
        }
        out.append("")
        return out
    }

    static func countsSection(_ scan: ScanResult) -> [String] {
        var out = ["## Counts", "", escape(TextReport.countsLine(scan))]
        if !scan.undecided.isEmpty {
            out.append("")
            out.append("Not definitive (\(scan.undecided.count)):")
            out.append("")
            for item in scan.undecided.prefix(20) {
                out.append("- " + escape("\(item.version.rawValue) \(item.purpose) [\(item.engine.rawValue)]: \(item.reason)"))
            }
        }
        out.append("")
        return out
    }
}
