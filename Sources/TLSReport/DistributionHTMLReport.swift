import TLSModel

/// `tlsmatrix distribution --format html`: one self-contained page (no script, no external resource, the scan
/// report's Content-Security-Policy). Per distribution: a header (name, file, aliases, status), a colour-coded
/// table origin × (domain:port, protocol policy, one column per CloudFront generation, certificate against the
/// aliases, HTTP port, outcome), then every cause with its fix and its path in the file, the notes, the values
/// that could not be resolved and the origins set aside with why. It lays out a ``DistributionPresentation``;
/// every string goes through ``HTMLReport/escape(_:)`` (origin ids, paths and names come from the user's file).
package enum DistributionHTMLReport {
    package static func render(_ report: DistributionReport) -> String {
        render(DistributionPresentation(report))
    }

    package static func render(_ presentation: DistributionPresentation) -> String {
        var out = HTMLReport.head(title: "tlsmatrix: CloudFront distributions", css: HTMLReport.css + css)
        out += "<h1>tlsmatrix distribution audit</h1>\n"
        out += "<p class=\"verdict \(cls(presentation.status))\" id=\"status\">\(e(presentation.status.text))</p>\n"
        out += "<p class=\"meta\">\(e(presentation.summary))</p>\n"
        for (index, distribution) in presentation.distributions.enumerated() {
            out += section(distribution, index: index)
        }
        if !presentation.files.isEmpty {
            out += "<h2>Input files</h2>\n<ul class=\"files\">\n"
            for line in presentation.files {
                let tone = line.level == "error" ? " class=\"bad\"" : line.level == "warning" ? " class=\"undecided\"" : ""
                out += "<li\(tone)><code>\(e(line.file))</code> \(e(line.level)): \(e(line.text))"
                if let path = line.path { out += " <small>(<code>\(e(path))</code>)</small>" }
                out += "</li>\n"
            }
            out += "</ul>\n"
        }
        out += "</body>\n</html>\n"
        return out
    }

    static func e(_ text: String) -> String { HTMLReport.escape(text) }

    static func cls(_ cell: DistributionPresentation.Cell) -> String { HTMLReport.cssClass(cell.tone) }

    /// A cell as `<td>`: its class from its tone, its details on lines of their own.
    static func td(_ cell: DistributionPresentation.Cell) -> String {
        let css = cls(cell)
        let open = css.isEmpty ? "<td>" : "<td class=\"\(css)\">"
        return open + e(cell.text) + cell.details.map { "<br><small>\(e($0))</small>" }.joined() + "</td>"
    }

    static func section(_ distribution: DistributionPresentation.Distribution, index: Int) -> String {
        let entry = distribution.entry
        var out = "<section class=\"distribution\" id=\"distribution-\(index)\">\n"
        out += "<h2>\(e(entry.name)) <span class=\"\(cls(distribution.status))\">\(e(distribution.status.text))</span></h2>\n"
        out += "<p class=\"meta\">File <code>\(e(entry.file))</code> at <code>\(e(entry.path))</code>; aliases: "
        out += "<code>\(e(DistributionPresentation.aliases(entry)))</code>"
        out += "</p>\n"
        out += "<p class=\"verdict-line\">\(e(DistributionPresentation.verdict(entry)))</p>\n"
        out += "<table class=\"origins\">\n<tr><th>Origin</th><th>Domain:port</th><th>Protocol policy</th><th>Host sent</th>"
        for column in distribution.columns {
            out += "<th>\(e(column.name))<br><small>\(e(column.id))</small></th>"
        }
        out += "<th>Certificate vs aliases</th><th>HTTP port</th><th>Outcome</th></tr>\n"
        for row in distribution.rows {
            out += "<tr class=\"origin\"><th>\(e(row.origin.id))<br><small>\(e(row.origin.kind))</small></th>"
            out += "<td><code>\(e(row.endpoint))</code></td><td>\(e(row.policy))</td>" + td(row.hostSent)
            out += row.generations.map(td).joined()
            out += td(row.certificate) + td(row.http) + td(row.outcome) + "</tr>\n"
        }
        out += "</table>\n"
        out += causeList("Causes", "causes", distribution.causes)
        out += causeList("Notes", "notes", distribution.notes)
        if !entry.unresolved.isEmpty {
            out += "<h3>Values that could not be resolved</h3>\n<ul class=\"unresolved\">\n"
            for value in entry.unresolved {
                out += "<li><code>\(e(value.expression))</code> at <code>\(e(value.path))</code></li>\n"
            }
            out += "</ul>\n"
        }
        if !distribution.setAside.isEmpty {
            out += "<h3>Origins not audited, skipped or not scanned</h3>\n<ul class=\"set-aside\">\n"
            for item in distribution.setAside {
                out +=
                    "<li><b>\(e(item.originId))</b> <span class=\"\(cls(item.outcome))\">\(e(item.outcome.text))</span>: \(e(item.reason))</li>\n"
            }
            out += "</ul>\n"
        }
        return out + "</section>\n"
    }

    static func causeList(_ title: String, _ css: String, _ lines: [DistributionPresentation.CauseLine]) -> String {
        guard !lines.isEmpty else { return "" }
        var out = "<h3>\(title)</h3>\n<ul class=\"\(css)\">\n"
        for line in lines {
            out += "<li><b>\(e(line.originId))</b> <code>\(e(line.cause.id))</code>"
            if !line.generations.isEmpty { out += " <small>(\(e(line.generations)))</small>" }
            out += " \(e(line.cause.message))"
            out += "<div class=\"fix\">Fix: \(e(line.cause.fix))</div>"
            out += "<div class=\"path\">In the file: <code>\(e(line.cause.path))</code></div></li>\n"
        }
        return out + "</ul>\n"
    }

    /// Added to the scan report's stylesheet: table cells coloured by tone.
    static let css = """
        table.origins td.ok { background: #dff0d8; } table.origins td.bad { background: #f2dede; }
        table.origins td.undecided { background: #fcf8e3; }
        table.origins th:last-child, table.origins td:last-child { white-space: nowrap; word-break: normal; }
        table.origins th { word-break: normal; }
        .path { color: #555; margin-left: 1em; }

        """
}
