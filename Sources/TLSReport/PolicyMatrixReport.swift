import TLSAudit
import TLSCatalog
import TLSModel

/// `tlsmatrix policies matrix`: clients (rows) × policies (columns) in text, Markdown, CSV, JSON or HTML.
package enum PolicyMatrixReport {
    /// One cell, in words: "TLSv1.3 TLS_AES_128_GCM_SHA256 x25519", or the reason it fails.
    package static func cellText(_ cell: PolicyMatrix.Cell) -> String {
        switch cell.result {
        case .success(let choice):
            return "\(choice.version.rawValue) \(CodeName.suite(choice.suite))" + (choice.group.map { " " + CodeName.group($0) } ?? "")
        case .failure(let failure):
            return "✗ " + SimulationText.reason(failure)
        }
    }

    static func header(_ policy: Policy) -> String {
        "\(policy.id) (\(policy.versions.map(\.rawValue).joined(separator: ",")); \(policy.suites.count) suites)"
    }

    package static func text(_ matrix: PolicyMatrix) -> String {
        var out: [String] = []
        for (p, policy) in matrix.policies.enumerated() {
            out.append("== \(header(policy))")
            let rows = matrix.rows.map { row in [row[p].client.id, cellText(row[p])] }
            out.append(TextTable.render(header: ["CLIENT", "RESULT"], rows: rows, indent: "  "))
            let failing = matrix.failingClients(of: p)
            out.append(
                "  fails: \(failing.count) of \(matrix.clients.count) clients"
                    + (failing.isEmpty ? "" : " (\(failing.map(\.id).joined(separator: ", ")))"))
            out.append("")
        }
        out.append("Clients and the policies they cannot connect to:")
        let summary = matrix.clients.indices.map { c -> [String] in
            let failing = matrix.failingPolicies(of: c)
            return [matrix.clients[c].id, failing.isEmpty ? "none" : "\(failing.count): " + failing.map(\.id).joined(separator: ", ")]
        }
        out.append(TextTable.render(header: ["CLIENT", "FAILS ON"], rows: summary, indent: "  "))
        // Names come from the catalog, but a policy file can be imported: every line goes through TerminalSafe.
        return out.joined(separator: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map { TerminalSafe.escape(String($0)) }.joined(separator: "\n")
    }

    package static func markdown(_ matrix: PolicyMatrix) -> String {
        func esc(_ text: String) -> String { MarkdownReport.escape(text) }
        var out = [
            "| Client | " + matrix.policies.map { esc(header($0)) }.joined(separator: " | ") + " | Fails on |",
            "|---|" + String(repeating: "---|", count: matrix.policies.count) + "---|",
        ]
        for (c, row) in matrix.rows.enumerated() {
            out.append(
                "| \(esc(matrix.clients[c].id)) | " + row.map { esc(cellText($0)) }.joined(separator: " | ")
                    + " | \(matrix.failingPolicies(of: c).count) |")
        }
        out.append(
            "| **Clients that fail** | " + matrix.policies.indices.map { "\(matrix.failingClients(of: $0).count)" }.joined(separator: " | ")
                + " | |")
        return out.joined(separator: "\n")
    }

    package static func csv(_ matrix: PolicyMatrix) -> String {
        var out = ["client,policy,connects,protocol,suite,suite_name,group,reason"]
        for row in matrix.rows {
            for cell in row {
                var fields = [cell.client.id, cell.policy.id]
                switch cell.result {
                case .success(let choice):
                    fields += [
                        "true", choice.version.rawValue, CodePointFormat.hex(choice.suite), CodeName.suite(choice.suite),
                        choice.group.map(CodeName.group) ?? "", "",
                    ]
                case .failure(let failure):
                    fields += [failure.definitive ? "false" : "", "", "", "", "", SimulationText.reason(failure)]
                }
                out.append(fields.map(CSVReport.field).joined(separator: ","))
            }
        }
        return out.joined(separator: "\n")
    }

    package struct Document: Codable, Sendable, Equatable {
        package struct PolicyEntry: Codable, Sendable, Equatable {
            package var id: String
            package var family: String
            package var versions: [String]
            package var suites: Int
            package var failingClients: [String]
        }
        package struct ClientEntry: Codable, Sendable, Equatable {
            package var id: String
            package var name: String
            package var failingPolicies: [String]
        }
        package struct CellEntry: Codable, Sendable, Equatable {
            package var client: String
            package var policy: String
            @Nullable package var connects: Bool?
            @Nullable package var `protocol`: String?
            @Nullable package var suite: ScanReport.SuiteName?
            @Nullable package var group: String?
            @Nullable package var reason: String?
        }
        package var originProtocols: [String]
        package var policies: [PolicyEntry]
        package var clients: [ClientEntry]
        package var cells: [CellEntry]
    }

    package static func json(_ matrix: PolicyMatrix) -> String {
        let cells = matrix.rows.flatMap { row in
            row.map { cell -> Document.CellEntry in
                switch cell.result {
                case .success(let choice):
                    let info = Catalog.shared.suite(code: choice.suite)
                    return Document.CellEntry(
                        client: cell.client.id, policy: cell.policy.id, connects: true, protocol: choice.version.rawValue,
                        suite: ScanReport.SuiteName(code: CodePointFormat.hex(choice.suite), iana: info?.iana, openssl: info?.openssl),
                        group: choice.group.map(CodeName.group), reason: nil)
                case .failure(let failure):
                    return Document.CellEntry(
                        client: cell.client.id, policy: cell.policy.id, connects: failure.definitive ? false : nil,
                        protocol: nil, suite: nil, group: nil, reason: SimulationText.reason(failure))
                }
            }
        }
        let document = Document(
            originProtocols: matrix.originProtocols.map(\.cloudFrontName),
            policies: matrix.policies.indices.map { p in
                let policy = matrix.policies[p]
                return Document.PolicyEntry(
                    id: policy.id, family: policy.family, versions: policy.versions.map(\.rawValue),
                    suites: policy.suites.count, failingClients: matrix.failingClients(of: p).map(\.id))
            },
            clients: matrix.clients.indices.map { c in
                Document.ClientEntry(
                    id: matrix.clients[c].id, name: matrix.clients[c].name,
                    failingPolicies: matrix.failingPolicies(of: c).map(\.id))
            },
            cells: cells)
        return JSONReport.encode(document, pretty: true)
    }

    /// A self-contained page: one colour-coded table, the policies' versions and suite counts in the header.
    package static func html(_ matrix: PolicyMatrix) -> String {
        let e = HTMLReport.escape
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <title>tlsmatrix: clients × policies</title>
            <style>
            body { font-family: sans-serif; margin: 1em; }
            table { border-collapse: collapse; font-size: .85em; }
            th, td { border: 1px solid #ccc; padding: .25em .4em; vertical-align: top; }
            th { background: #f4f4f4; }
            td.ok { background: #dff0d8; } td.bad { background: #f2dede; } td.undecided { background: #fcf8e3; }
            </style>
            </head>
            <body>
            <h1>Clients × policies</h1>
            <table id="policy-matrix">
            <tr><th>Client</th>
            """
        for policy in matrix.policies {
            out +=
                "<th>\(e(policy.id))<br><small>\(e(policy.versions.map(\.rawValue).joined(separator: ", "))); \(policy.suites.count) suites</small></th>"
        }
        out += "<th>Fails on</th></tr>\n"
        for (c, row) in matrix.rows.enumerated() {
            out += "<tr><th>\(e(matrix.clients[c].name))<br><small>\(e(matrix.clients[c].id))</small></th>"
            for cell in row {
                let css: String
                switch cell.result {
                case .success: css = "ok"
                case .failure(let failure): css = failure.definitive ? "bad" : "undecided"
                }
                out += "<td class=\"\(css)\">\(e(cellText(cell)))</td>"
            }
            out += "<td>\(matrix.failingPolicies(of: c).count)</td></tr>\n"
        }
        out +=
            "<tr><th>Clients that fail</th>" + matrix.policies.indices.map { "<td>\(matrix.failingClients(of: $0).count)</td>" }.joined()
            + "<td></td></tr>\n"
        out +=
            "</table>\n<p>CloudFront's origin generations are judged under OriginSslProtocols \(e(matrix.originProtocols.map(\.cloudFrontName).joined(separator: ","))).</p>\n</body>\n</html>\n"
        return out
    }
}
