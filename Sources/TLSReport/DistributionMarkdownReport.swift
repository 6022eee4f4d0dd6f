import TLSModel

/// `tlsmatrix distribution --format markdown`: the HTML report's content as GitHub-flavoured Markdown: per
/// distribution a header, the origin table, the causes with their fixes and paths, notes, unresolved values and
/// the origins set aside. Every string goes through ``MarkdownReport/escape(_:)`` (no `|`, backtick or HTML can
/// break out of a cell).
package enum DistributionMarkdownReport {
    package static func render(_ report: DistributionReport) -> String {
        render(DistributionPresentation(report))
    }

    package static func render(_ presentation: DistributionPresentation) -> String {
        var out = ["# tlsmatrix distribution audit: \(presentation.status.text)", ""]
        out.append(e(presentation.summary))
        out.append("")
        for distribution in presentation.distributions { out += section(distribution) }
        if !presentation.files.isEmpty {
            out += ["## Input files", ""]
            out += presentation.files.map { line in
                "- \(e(line.file)) **\(line.level)**: \(e(line.text))" + (line.path.map { " (\(e($0)))" } ?? "")
            }
            out.append("")
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func e(_ text: String) -> String { MarkdownReport.escape(text) }

    static func section(_ distribution: DistributionPresentation.Distribution) -> [String] {
        let entry = distribution.entry
        var out = ["## \(e(entry.name)): \(distribution.status.text)", ""]
        out.append(e(DistributionPresentation.verdict(entry)))
        out.append("")
        out.append("File \(e(entry.file)) at \(e(entry.path)); aliases: \(e(DistributionPresentation.aliases(entry)))")
        out.append("")
        let columns =
            ["Origin", "Domain:port", "Protocol policy", "Host sent"] + distribution.columns.map(\.name)
            + ["Certificate vs aliases", "HTTP port", "Outcome"]
        out += MarkdownReport.table(
            "### Origins", columns,
            distribution.rows.map { row in
                ["\(row.origin.id) (\(row.origin.kind))", row.endpoint, row.policy, row.hostSent.line] + row.generations.map(\.line)
                    + [row.certificate.line, row.http.line, row.outcome.line]
            })
        out += causeList("### Causes", distribution.causes)
        out += causeList("### Notes", distribution.notes)
        if !entry.unresolved.isEmpty {
            out += ["### Values that could not be resolved", ""]
            out += entry.unresolved.map { "- \(e($0.expression)) at \(e($0.path))" }
            out.append("")
        }
        if !distribution.setAside.isEmpty {
            out += ["### Origins not audited, skipped or not scanned", ""]
            out += distribution.setAside.map { "- **\(e($0.originId))** \($0.outcome.text): \(e($0.reason))" }
            out.append("")
        }
        return out
    }

    static func causeList(_ title: String, _ lines: [DistributionPresentation.CauseLine]) -> [String] {
        guard !lines.isEmpty else { return [] }
        var out = [title, ""]
        for line in lines {
            var text = "- **\(e(line.originId))** \(e(line.cause.id))"
            if !line.generations.isEmpty { text += " (\(e(line.generations)))" }
            text += ": \(e(line.cause.message)) Fix: \(e(line.cause.fix)) In the file: \(e(line.cause.path))"
            out.append(text)
        }
        out.append("")
        return out
    }
}
