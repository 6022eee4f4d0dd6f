import Foundation
import TLSCatalog

/// The terminal report of `tlsmatrix distribution`, formatted from ``DistributionPresentation``: per distribution a
/// verdict line, one table row per origin (generation verdicts, certificate vs aliases, ports, protocol policy), then
/// every cause with its fix and its place in the file. Everything from the file or the network goes through
/// ``TerminalSafe``.
package enum DistributionTextReport {
    package static func render(_ report: DistributionReport) -> String {
        let presentation = DistributionPresentation(report)
        var blocks = presentation.distributions.map(distribution)
        if !presentation.files.isEmpty {
            blocks.append(
                (["Input files"]
                    + presentation.files.map { line in
                        "  \(line.level == "error" ? "✗" : line.level == "warning" ? "!" : "-") \(TerminalSafe.escape(line.file)): \(TerminalSafe.escape(line.text))"
                            + (line.path.map { " (\(TerminalSafe.escape($0)))" } ?? "")
                    }).joined(separator: "\n"))
        }
        if report.distributions.count > 1 {
            let failing = report.distributions.filter { $0.status == .failed }.count
            let incomplete = report.distributions.filter { $0.status == .incomplete }.count
            let unverified = report.distributions.filter { $0.status == .notProbed }.count
            blocks.append(
                "Overall: \(report.distributions.count) distributions, \(failing) would fail, \(incomplete) not fully audited, \(unverified) not probed — \(presentation.status.text)"
            )
        }
        return blocks.joined(separator: "\n\n") + "\n"
    }

    static func distribution(_ item: DistributionPresentation.Distribution) -> String {
        let safe = TerminalSafe.escape
        let entry = item.entry
        var lines: [String] = []
        lines.append("Distribution \(safe(entry.name))  (\(safe(entry.file)), \(safe(entry.path)))")
        lines.append("Aliases: \(safe(DistributionPresentation.aliases(entry)))")
        lines.append("Verdict: \(item.status.text) — \(safe(DistributionPresentation.verdict(entry)))")
        lines.append("")
        let header = ["Origin", "Endpoint", "Policy", "Host sent"] + item.columns.map(\.name) + ["Aliases", "HTTP", "Outcome"]
        let rows = item.rows.map { row -> [String] in
            [safe(row.origin.id), safe(row.endpoint), safe(row.policy), safe(row.hostSent.line)] + row.generations.map(\.text)
                + [safe(row.certificate.line), row.http.text, row.outcome.text]
        }
        lines.append(TextTable.render(header: header, rows: rows))
        if !item.causes.isEmpty {
            lines.append("")
            lines.append("Causes")
            for line in item.causes {
                let scope = line.generations.isEmpty ? "" : " [\(line.generations)]"
                lines.append("  ✗ \(safe(line.originId)): \(line.cause.id)\(scope) — \(safe(line.cause.message))")
                lines.append("      fix: \(safe(line.cause.fix))")
                lines.append("      where: \(safe(entry.file)): \(safe(line.cause.path))")
            }
        }
        if !item.notes.isEmpty {
            lines.append("")
            lines.append("Notes")
            for line in item.notes {
                lines.append("  - \(safe(line.originId)): \(line.cause.id) — \(safe(line.cause.message)) (\(safe(line.cause.path)))")
            }
        }
        if !item.setAside.isEmpty {
            lines.append("")
            lines.append("Not scanned")
            for aside in item.setAside {
                lines.append("  - \(safe(aside.originId)) (\(aside.outcome.text)): \(safe(aside.reason))")
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
}
