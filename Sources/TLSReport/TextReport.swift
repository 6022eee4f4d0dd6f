import TLSAudit
import TLSCatalog
import TLSModel

/// The human report: verdict first, then protocols, a suite table per protocol, groups and counts.
/// Every line is built as one line and passes through ``TerminalSafe/escape(_:)`` before it is joined,
/// so nothing a server sent (certificate names, alert texts, library errors) can move the cursor,
/// rewrite a line or talk to the terminal.
public enum TextReport {
    public static func render(_ analysis: ScanAnalysis) -> String {
        let scan = analysis.scan
        let cloudfront = analysis.cloudfront
        var out: [String] = []
        let sni = scan.serverName.map { "SNI \($0)" } ?? "no SNI"
        out.append("tlsmatrix scan of \(scan.target) — address \(scan.address ?? "unresolved"), \(sni)")
        out.append(verdictLine(cloudfront))
        for cause in cloudfront.causes {
            out.append("  ✗ [\(cause.id)] \(cause.message)")
            out.append("    fix: \(cause.fix)")
        }
        out += gradeLines(analysis.grade)
        if let conformance = analysis.policy { out += policyLines(conformance) }
        guard scan.reachability.isReachable else {
            out.append("")
            out.append("Target: \(scan.reachability.explanation) \(attemptsNote(scan))")
            if let http = scan.httpPort { out.append(httpLine(http)) }
            out.append(countsLine(scan))
            return lines(out)
        }
        out.append("")
        out.append("Protocols")
        for proto in scan.protocols {
            let state = switch proto.supported { case true?: "yes"; case false?: "no"; case nil: "UNDECIDED" }
            var detail = proto.version == .sslv2 || proto.version == .sslv3 ? (proto.supported == true ? "INSECURE" : "") : ""
            if proto.supported == true, proto.version != .sslv2 {
                detail = [detail, "\(proto.suites.count) suite\(proto.suites.count == 1 ? "" : "s")", orderText(proto)]
                    .filter { !$0.isEmpty }.joined(separator: ", ")
            } else if let note = proto.note, proto.supported != false || !proto.complete {
                detail = note
            }
            out.append("  " + pad(proto.version.rawValue, 9) + pad(state, 10) + detail)
        }
        for proto in scan.protocols.reversed() where !proto.suites.isEmpty {
            out.append("")
            out.append("\(proto.version.rawValue) suites — \(orderText(proto))")
            out.append("  " + pad("#", 4) + pad("code", 8) + pad("suite", 42) + pad("kx", 22) + pad("bits", 6) + pad("CF", 4) + pad("seen by", 16) + "rating")
            for (index, suite) in proto.suites.enumerated() {
                let info = suite.suite
                var kx = info?.keyExchange.rawValue ?? "?"
                if let group = suite.group { kx += " " + (Catalog.shared.group(code: group)?.name ?? CodePointFormat.hex(group)) }
                if let bits = suite.dhBits { kx += " \(bits)-bit" }
                let cf = Catalog.shared.client(id: ClientProfile.ID.cloudFrontOrigin)?.offers(suite: suite.code) == true ? "✓" : ""
                let rating = switch info?.strength { case .secure?: ""; case .weak?: "weak"; case .insecure?: "INSECURE"; case nil: "unknown" }
                out.append("  " + pad("\(index + 1)", 4) + pad(CodePointFormat.hex(suite.code), 8)
                           + pad(info?.displayName ?? "unassigned", 42) + pad(kx, 22) + pad("\(info?.bits ?? 0)", 6)
                           + pad(cf, 4) + pad(evidenceText(suite), 16) + rating)
            }
        }
        if !scan.groups.isEmpty {
            out.append("")
            out.append("Key exchange groups")
            for result in scan.groups {
                let names = result.groups.map { Catalog.shared.group(code: $0)?.name ?? CodePointFormat.hex($0) }
                out.append("  " + pad(result.version.rawValue, 9) + (names.isEmpty ? "none" : names.joined(separator: ", "))
                           + (result.complete ? "" : " (incomplete)"))
            }
        }
        if !analysis.chains.isEmpty {
            out.append("")
            out.append("Certificates (checked against \(analysis.originDomain))")
            out.append("  trust store: \(TrustStore.describe(analysis.trustStore))")
            for item in analysis.chains {
                out += chainLines(item)
            }
        }
        if let http = scan.httpPort {
            out.append("")
            out.append(httpLine(http))
        }
        if !analysis.simulations.isEmpty {
            out.append("")
            out.append("Handshake simulation")
            for simulation in analysis.simulations {
                let name = pad(simulation.client.name + (simulation.client.unverified ? " (unverified profile)" : ""), 46)
                switch simulation.result {
                case .success(let choice):
                    let suite = Catalog.shared.suite(code: choice.suite)?.displayName ?? CodePointFormat.hex(choice.suite)
                    let group = choice.group.flatMap { Catalog.shared.group(code: $0)?.name }.map { " " + $0 } ?? ""
                    out.append("  " + name + pad(choice.version.rawValue, 9) + suite + group)
                case .failure(let failure):
                    out.append("  " + name + "✗ " + SimulationText.reason(failure))
                }
            }
        }
        if !scan.findings.isEmpty {
            out.append("")
            out.append("Findings")
            for finding in scan.findings {
                out.append("  [\(finding.id)] \(finding.message)")
            }
        }
        out.append("")
        out.append(countsLine(scan))
        if !scan.undecided.isEmpty {
            out.append("Not definitive (\(scan.undecided.count)):")
            for item in scan.undecided.prefix(20) {
                out.append("  \(item.version.rawValue) \(item.purpose) [\(item.engine.rawValue)]: \(item.reason)")
            }
        }
        return lines(out)
    }

    /// The report's lines, each made terminal-safe, one per line.
    static func lines(_ out: [String]) -> String {
        out.map(TerminalSafe.escape).joined(separator: "\n") + "\n"
    }

    static func chainLines(_ item: ChainAnalysis) -> [String] {
        var out: [String] = []
        let chain = item.chain
        let sni = chain.sni.map { "SNI \($0)" } ?? "no SNI"
        let trust = item.report.trustLabel
        out.append("  \(chain.authentication) chain, \(chain.der.count) sent (\(chain.seenWith.rawValue), \(sni)) — \(trust)")
        for info in item.report.certificates {
            var names = ""
            if !info.subjectAltNames.isEmpty {
                names = " SAN " + info.subjectAltNames.prefix(6).joined(separator: ", ")
                if info.subjectAltNames.count > 6 { names += " …" }
            }
            out.append("    #\(info.position + 1) \(info.subject)\(names)")
            var key = "\(info.keyType) \(info.keyBits)"
            if let curve = info.curve { key += " \(curve)" }
            out.append("       issuer \(info.issuer); \(key); \(info.signatureAlgorithm); until \(Timestamp.day(info.notAfter)) (\(info.daysLeft) days)")
        }
        for finding in item.report.findings {
            let mark: String
            switch finding.severity {
            case .error: mark = "✗"
            case .warning: mark = "!"
            case .info: mark = "·"
            }
            out.append("    \(mark) [\(finding.id)] \(finding.message)")
        }
        return out
    }

    static func evidenceText(_ suite: SuiteResult) -> String {
        let names = suite.evidence.sorted().map(\.rawValue).joined(separator: "+")
        return suite.evidence == [.wire] ? names + " only" : names
    }

    static func policyLines(_ conformance: PolicyConformance) -> [String] {
        var out: [String] = []
        let unverified = conformance.policy.unverified ? " (policy data partly unverified)" : ""
        out.append("Policy \(conformance.policy.id)\(unverified): " + (conformance.violated ? "VIOLATED" : "conforms"))
        for item in conformance.outside { out.append("  ✗ outside: \(item.message)") }
        for rule in conformance.requirements { out.append("  ✗ requirement: \(rule)") }
        for item in conformance.missing { out.append("  · missing: \(item.message)") }
        if !conformance.changesNeeded.isEmpty {
            out.append("  Changes needed:")
            for change in conformance.changesNeeded { out.append("    - \(change)") }
        }
        return out
    }

    static func gradeLines(_ grade: Grade) -> [String] {
        ["Grade \(grade.letter) (score \(grade.score): protocol \(grade.protocolScore), key exchange \(grade.keyExchangeScore), cipher \(grade.cipherScore))"]
            + grade.caps.map { "  cap \($0.limit) [\($0.rule)] \($0.reason)" }
    }

    static func httpLine(_ http: PortCheck) -> String {
        "HTTP port \(http.port): " + (http.open ? "open" : "not answering (\(http.detail ?? "closed")); this matters only if CloudFront's origin protocol policy is HTTP only or Match viewer")
    }

    static func verdictLine(_ verdict: CloudFrontVerdict) -> String {
        let setting = verdict.originProtocols.map(\.cloudFrontName).joined(separator: ",")
        switch verdict.compatible {
        case true?:
            let suite = verdict.suite.flatMap { Catalog.shared.suite(code: $0)?.displayName } ?? "?"
            let group = verdict.group.flatMap { Catalog.shared.group(code: $0)?.name }.map { " with \($0)" } ?? ""
            return "CloudFront → origin (OriginSslProtocols \(setting)): COMPATIBLE — \(verdict.protocolVersion?.rawValue ?? "?") \(suite)\(group)"
        case false?:
            return "CloudFront → origin (OriginSslProtocols \(setting)): NOT COMPATIBLE"
        case nil:
            return "CloudFront → origin (OriginSslProtocols \(setting)): UNDECIDED"
        }
    }

    static func orderText(_ proto: ProtocolResult) -> String {
        switch proto.serverPreference {
        case true?: "server order"
        case false?: "client order (listed in tlsmatrix's offer order)"
        case nil: proto.suites.count < 2 ? "" : "order unknown"
        }
    }

    /// "(3 attempts)" after an unreachable target; empty when the origin was never asked.
    static func attemptsNote(_ scan: ScanResult) -> String {
        if scan.reachability.isUndecided { return "(the origin was not contacted)" }
        return "(\(scan.connectAttempts) attempt\(scan.connectAttempts == 1 ? "" : "s"))"
    }

    static func countsLine(_ scan: ScanResult) -> String {
        let p = scan.probes
        let time = (scan.elapsedSeconds * 100).rounded() / 100
        return "Connections: \(scan.connections) (lower bound \(scan.connectionLowerBound)); probes: \(p.accepted) accepted, \(p.rejected) rejected, \(p.timedOut) timed out, \(p.failed) failed; \(time) s"
            + (scan.isComplete ? "" : " — INCOMPLETE: some results are not definitive")
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
