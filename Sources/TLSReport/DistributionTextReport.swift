import Foundation
import TLSCatalog

/// The terminal report of `tlsmatrix distribution`: per distribution a verdict line, one table row per origin
/// (generation verdicts, certificate vs aliases, ports, protocol policy), then every cause with its fix and its
/// place in the file. Everything from the file or the network goes through ``TerminalSafe``.
public enum DistributionTextReport {
    public static func render(_ report: DistributionReport) -> String {
        var blocks = report.distributions.map(distribution)
        let failing = report.distributions.filter { $0.status == .failed }.count
        let incomplete = report.distributions.filter { $0.status == .incomplete }.count
        if report.distributions.count > 1 {
            blocks.append("Overall: \(report.distributions.count) distributions, \(failing) would fail, \(incomplete) not fully audited — \(word(report.status))")
        }
        return blocks.joined(separator: "\n\n") + "\n"
    }

    static func word(_ status: AuditStatus) -> String {
        switch status {
        case .passed: "PASS"
        case .failed: "FAIL"
        case .incomplete: "INCOMPLETE"
        }
    }

    static func distribution(_ entry: DistributionEntry) -> String {
        let safe = TerminalSafe.escape
        var lines: [String] = []
        lines.append("Distribution \(safe(entry.name))  (\(safe(entry.file)), \(safe(entry.path)))")
        lines.append("Aliases: \(entry.aliases.isEmpty ? "none" : entry.aliases.map(safe).joined(separator: ", "))")
        let failing = entry.origins.filter { $0.outcome == .fails }.count
        let open = entry.origins.filter { $0.outcome == .notAudited }.count
        var verdict = "Verdict: \(word(entry.status))"
        switch entry.status {
        case .passed: verdict += " — every audited origin connects under every CloudFront generation"
        case .failed: verdict += " — \(failing) of \(entry.origins.count) origins would fail (502/504)"
        case .incomplete: verdict += " — \(open) of \(entry.origins.count) origins could not be audited"
        }
        lines.append(verdict)
        lines.append("")
        let generations = CloudFrontGeneration.allCases
        let header = ["Origin", "Endpoint", "Policy"] + generations.map(columnTitle) + ["Aliases", "HTTP", "Outcome"]
        let rows = entry.origins.map { origin -> [String] in
            let endpoint = origin.domain.map { "\(safe($0)):\(origin.protocolPolicy == "http-only" ? origin.httpPort : origin.httpsPort)" } ?? "unresolved"
            let cells = generations.map { generation -> String in
                guard let verdict = origin.generations.first(where: { $0.id == generation.rawValue }) else { return "-" }
                return cell(verdict)
            }
            return [safe(origin.id), endpoint, origin.protocolPolicy ?? origin.kind] + cells
                + [aliasCell(origin), httpCell(origin), origin.outcome.rawValue]
        }
        lines.append(TextTable.render(header: header, rows: rows))
        let causes = entry.origins.flatMap { origin in origin.causes.map { (origin, $0) } }
        if !causes.isEmpty {
            lines.append("")
            lines.append("Causes")
            for (origin, cause) in causes {
                let scope = cause.generations.isEmpty || cause.generations.count == generations.count
                    ? "" : " [\(cause.generations.joined(separator: ", "))]"
                lines.append("  ✗ \(safe(origin.id)): \(cause.id)\(scope) — \(safe(cause.message))")
                lines.append("      fix: \(safe(cause.fix))")
                lines.append("      where: \(safe(entry.file)): \(safe(cause.path))")
            }
        }
        let notes = entry.origins.flatMap { origin in origin.notes.map { (origin, $0) } }
        if !notes.isEmpty {
            lines.append("")
            lines.append("Notes")
            for (origin, note) in notes {
                lines.append("  - \(safe(origin.id)): \(note.id) — \(safe(note.message)) (\(safe(note.path)))")
            }
        }
        let aside = entry.origins.filter { $0.reason != nil && $0.outcome != .fails && $0.outcome != .connects }
        if !aside.isEmpty {
            lines.append("")
            lines.append("Not scanned")
            for origin in aside {
                lines.append("  - \(safe(origin.id)) (\(origin.outcome.rawValue)): \(safe(origin.reason ?? ""))")
            }
        }
        if !entry.unresolved.isEmpty {
            lines.append("")
            lines.append("Unresolved values (never guessed; give --param NAME=VALUE for template parameters)")
            for value in entry.unresolved {
                lines.append("  - \(safe(value.path)): \(safe(value.expression))")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func columnTitle(_ generation: CloudFrontGeneration) -> String {
        switch generation {
        case .documented: "Documented"
        case .upstream: "Upstream"
        case .upstream2025: "Upstream-2025"
        case .upstream2025PQ: "Upstream-2025-PQ"
        }
    }

    /// `TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256`, `✗ no-common-protocol`, `?` (undecided), `ok (file)` (offline).
    static func cell(_ verdict: GenerationVerdict) -> String {
        switch verdict.compatible {
        case true?:
            if verdict.offline { return "ok (listener)" }
            return [verdict.protocol, verdict.suite].compactMap { $0 }.joined(separator: " ")
        case false?:
            return "✗ " + (verdict.causes.isEmpty ? "fails" : verdict.causes.joined(separator: ","))
        case nil:
            return "? undecided"
        }
    }

    /// `2/3 ✗ shop.example.net`, `all 2`, `-` (Host not forwarded).
    static func aliasCell(_ origin: OriginEntry) -> String {
        guard !origin.aliases.isEmpty else { return origin.forwardsHost == true ? "no alias" : "-" }
        let covered = origin.aliases.filter { $0.covered == true }.count
        let missing = origin.aliases.filter { $0.covered == false }.map { TerminalSafe.escape($0.alias) }
        let unknown = origin.aliases.filter { $0.covered == nil }.count
        if covered == origin.aliases.count { return "all \(covered)" }
        var text = "\(covered)/\(origin.aliases.count)"
        if !missing.isEmpty { text += " ✗ " + missing.joined(separator: ",") }
        if unknown > 0 { text += " (\(unknown) unchecked)" }
        return text
    }

    static func httpCell(_ origin: OriginEntry) -> String {
        guard let http = origin.http else { return "-" }
        return "\(http.port) \(http.open ? "open" : "closed")"
    }
}
