import Foundation
import Testing
import TLSAudit
import TLSCatalog
import TLSModel
import TLSReport

/// Every report format of two saved scans, compared byte for byte with the expected files beside them
/// (`Fixtures/golden/<name>.json` → `<name>.txt`, `.colour.txt`, `.md`, `.html`, `.csv`, `.junit.xml`,
/// `.out.json`). A renderer change shows up as a diff of those files: run `scripts/update-golden` to
/// regenerate them, then review the diff.
///
/// Nothing machine- or time-dependent enters: the analysis runs with the fixture's options, the clock
/// fixed at ``now`` and the roots of `Fixtures/golden/ca.pem` as the whole trust store (shown as
/// "PEM text"), never the machine's bundle.
struct GoldenReportTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("golden")
    /// The saved scans (`<name>.json`): an RSA origin whose chain `ca.pem` signs, an origin with
    /// findings (self-signed, legacy protocols, weak suites), and a TLS 1.3-only origin whose CloudFront
    /// verdict depends on the generation (each generation's own ClientHello observed).
    static let fixtures = ["rsa-origin", "weak-origin", "tls13-origin"]
    /// The clock of every golden analysis: 2026-12-01T00:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_796_083_200)
    /// `TLSMATRIX_UPDATE_GOLDEN=1` writes the expected files instead of comparing (scripts/update-golden).
    static let updating = ProcessInfo.processInfo.environment["TLSMATRIX_UPDATE_GOLDEN"] == "1"

    /// Each output file's suffix and how it is rendered.
    static let formats: [(suffix: String, render: @Sendable (ScanAnalysis) -> String)] = [
        ("txt", { TextReport.render($0) }),
        ("colour.txt", { TextReport.render($0, colour: true) }),
        ("md", { MarkdownReport.render($0) }),
        ("html", { HTMLReport.render($0) }),
        ("csv", { CSVReport.render($0) }),
        ("junit.xml", { JUnitReport.render($0) }),
        ("out.json", { JSONReport.render($0) }),
    ]

    /// The fixture analysed as `tlsmatrix report` would, with the saved options, but offline and at ``now``.
    static func analysis(_ name: String) async throws -> ScanAnalysis {
        let saved = try ScanReport.decode(try Data(contentsOf: directory.appendingPathComponent("\(name).json")))
        var options = AnalysisOptions()
        options.now = now
        options.trustStore = try TrustStore(
            pem: String(decoding: try Data(contentsOf: directory.appendingPathComponent("ca.pem")), as: UTF8.self))
        if let savedOptions = saved.options {
            options.originProtocols = savedOptions.originProtocols.compactMap { name in
                TLSVersion.allCases.first { $0.cloudFrontName == name }
            }
            options.hostHeader = savedOptions.hostHeader
            options.warnDays = savedOptions.warnDays
            options.client = savedOptions.client
            options.policy = savedOptions.policy.flatMap { Catalog.shared.policy(id: $0) }
        }
        return await ScanAnalysis.analyze(try saved.scanResult(), options: options)
    }

    @Test(arguments: fixtures) func everyFormatMatchesItsGoldenFile(_ name: String) async throws {
        let analysis = try await Self.analysis(name)
        for format in Self.formats {
            let file = Self.directory.appendingPathComponent("\(name).\(format.suffix)")
            let actual = format.render(analysis)
            if Self.updating {
                try Data(actual.utf8).write(to: file)
                continue
            }
            let expected = String(decoding: try Data(contentsOf: file), as: UTF8.self)
            #expect(
                actual == expected,
                "\(file.lastPathComponent) differs (scripts/update-golden regenerates it):\n\(Self.difference(expected: expected, actual: actual))"
            )
        }
    }

    /// A short unified-diff-like hint: the first differing line with two lines of context, `-` expected, `+` actual.
    static func difference(expected: String, actual: String) -> String {
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = (0..<max(old.count, new.count)).first(where: { $0 >= old.count || $0 >= new.count || old[$0] != new[$0] }) else {
            return "(same lines; the bytes differ)"
        }
        let start = max(0, first - 2)
        var out = ["@@ line \(first + 1) @@"]
        for index in start..<first { out.append("  " + old[index]) }
        for index in first..<min(old.count, first + 3) { out.append("- " + old[index]) }
        for index in first..<min(new.count, first + 3) { out.append("+ " + new[index]) }
        // Escapes shown as text, so a colour golden's difference does not colour the test log.
        return out.map(TerminalSafe.escape).joined(separator: "\n")
    }
}
