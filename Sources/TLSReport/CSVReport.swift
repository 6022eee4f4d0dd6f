import TLSAudit
import TLSModel

/// RFC 4180 CSV, one row per accepted (target, version, suite), plus one row with empty suite columns for
/// each version that is refused, undecided, or accepted without a listed suite. Lines end in CRLF.
/// It lays out a ``ReportPresentation``; fields are made safe for spreadsheets: see ``field(_:)``.
package enum CSVReport {
    package static let header = [
        "host", "port", "version", "code", "iana", "openssl", "key_exchange", "bits",
        "strength", "cloudfront", "evidence", "server_preference",
    ]

    package static func render(_ analysis: ScanAnalysis) -> String {
        render(ReportPresentation(analysis))
    }

    package static func render(_ report: ReportPresentation) -> String {
        var rows: [[String]] = [header]
        for proto in report.protocols {
            let preference = proto.serverPreference.map { $0 ? "true" : "false" } ?? ""
            let prefix = [report.header.host, "\(report.header.port)", proto.version.rawValue]
            if proto.suites.isEmpty {
                // a version --checks left out says so in the evidence column; a refused one leaves it empty
                var empty = Array(repeating: "", count: header.count - prefix.count - 1)
                if proto.matrixState == "not tested" { empty[empty.count - 1] = "not tested" }
                rows.append(prefix + empty + [preference])
                continue
            }
            for suite in proto.suites {
                rows.append(
                    prefix + [
                        suite.hex, suite.iana ?? "", suite.openssl ?? "", suite.keyExchange ?? "", suite.bits.map { "\($0)" } ?? "",
                        suite.strength?.rawValue ?? "", suite.cloudfront ? "true" : "false",
                        suite.evidence.map(\.rawValue).joined(separator: "+"), preference,
                    ])
            }
        }
        return rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// One field: ``TerminalSafe/escape(_:)`` first (controls, line breaks and bidi overrides shown as
    /// `\x1B` / `\u{202E}`), then a leading `'` when it starts with `=`, `+`, `-`, `@`, tab or CR (so a
    /// spreadsheet does not evaluate it as a formula), then quoted, with embedded quotes doubled, when it
    /// holds `,`, `"`, CR or LF.
    package static func field(_ text: String) -> String {
        var value = TerminalSafe.escape(text)
        if let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            value = "'" + value
        }
        if value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) {
            return "\"" + value.replacing("\"", with: "\"\"") + "\""
        }
        return value
    }
}
