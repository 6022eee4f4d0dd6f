import Foundation
import TestSupport
import Testing
import TLSAudit
import TLSCatalog
import TLSModel
import TLSEngines
import TLSScan
@testable import TLSReport

/// The HTML report must never let a server-chosen string become markup: a certificate whose subject CN is
/// `<script>alert(1)</script>` is rendered as text, both in the generated source and in a real browser's DOM.
@Suite(.serialized) struct HTMLReportTests {
    static let hostileCN = "<script>alert(1)</script>"
    static let escapedCN = "&lt;script&gt;alert(1)&lt;/script&gt;"
    /// The subject in RFC 4514 form (swift-certificates backslash-escapes "<" and ">"), as an escaped table cell.
    static let subjectCell = #"<td>CN=\&lt;script\&gt;alert(1)\&lt;/script\&gt;</td>"#

    /// A self-signed DER certificate whose subject CN is `hostileCN`, made by the openssl CLI.
    static func hostileCertificate() throws -> [UInt8] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let der = dir.appendingPathComponent("cert.der")
        // openssl's -subj treats "/" as an RDN separator, so the "/" of "</script>" is escaped.
        let made = try TestOrigin.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
                "-subj", "/CN=<script>alert(1)<\\/script>",
                "-keyout", dir.appendingPathComponent("key.pem").path, "-outform", "DER", "-out", der.path,
            ], in: dir)
        guard made.status == 0 else {
            throw HTMLTestError("openssl req failed (\(made.status)): \(made.stderr)")
        }
        return Array(try Data(contentsOf: der))
    }

    /// A hand-made scan: TLS 1.2 and 1.3 accepted, TLS 1.1 undecided, one hostile certificate chain.
    static func analysis() async throws -> ScanAnalysis {
        var scan = ScanResult(target: Target(host: "origin.example.com", port: 443), reachability: .reachable)
        scan.address = "192.0.2.1"
        scan.serverName = "origin.example.com"
        var tls13 = ProtocolResult(version: .tls13, supported: true)
        tls13.suites = [SuiteResult(code: 0x1301, evidence: [.wire, .openssl, .gnutls], group: 0x001D)]
        var tls12 = ProtocolResult(version: .tls12, supported: true)
        tls12.serverPreference = true
        tls12.suites = [
            SuiteResult(code: 0xC02F, evidence: [.wire, .openssl], group: 0x0017),
            SuiteResult(code: 0x000A, evidence: [.wire]),
        ]
        var tls11 = ProtocolResult(version: .tls11, supported: nil)
        tls11.complete = false
        tls11.note = "probe timed out <twice>"
        scan.protocols = [
            ProtocolResult(version: .sslv3, supported: false), ProtocolResult(version: .tls10, supported: false),
            tls11, tls12, tls13,
        ]
        scan.certificates = [
            CertificateChain(
                authentication: "RSA", der: [try hostileCertificate()], seenWith: .tls12,
                sni: "origin.example.com")
        ]
        scan.findings = [Finding(id: "engine-disagreement", severity: .warning, message: "wire & openssl disagree on \"<b>\"")]
        scan.connections = 12
        scan.probes.accepted = 3
        scan.probes.rejected = 7
        scan.probes.timedOut = 2
        return await ScanAnalysis.analyze(scan, options: AnalysisOptions())
    }

    @Test func escapeCoversTheFiveCharacters() {
        #expect(HTMLReport.escape(#"a&b<c>d"e'f"#) == "a&amp;b&lt;c&gt;d&quot;e&#39;f")
        #expect(HTMLReport.escape("plain ✓ text") == "plain ✓ text")
    }

    @Test func hostileSubjectIsEscapedInTheSource() async throws {
        let analysis = try await Self.analysis()
        #expect(
            analysis.chains.first?.report.certificates.first?.commonName == Self.hostileCN,
            "the test certificate's subject should carry the hostile CN")
        let html = HTMLReport.render(analysis)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""))
        #expect(html.contains(Self.escapedCN))
        #expect(html.contains(Self.subjectCell))
        #expect(!html.contains("<script>alert(1)"))
        #expect(!html.lowercased().contains("<script"))
        #expect(html.contains("&quot;&lt;b&gt;&quot;"), "scan findings are escaped too")
        #expect(html.contains("probe timed out &lt;twice&gt;"), "notes are escaped too")
        // Verdict and grade come before the certificates and the matrix.
        let verdict = try #require(html.range(of: "id=\"verdict\""))
        let grade = try #require(html.range(of: "id=\"grade\""))
        let certificates = try #require(html.range(of: "id=\"certificates\""))
        let matrix = try #require(html.range(of: "id=\"matrix\""))
        #expect(
            verdict.lowerBound < grade.lowerBound && grade.lowerBound < certificates.lowerBound
                && certificates.lowerBound < matrix.lowerBound)
        // Matrix cells: evidence letters per version, CloudFront tick, non-definitive note.
        #expect(html.contains("<td class=\"cell\">WOG</td>"))
        #expect(html.contains("<td class=\"cell\">WO</td>"))
        #expect(html.contains("<td class=\"cell\">W</td>"))
        #expect(html.contains("<td class=\"cell\">✓</td>"))
        #expect(html.contains("Not definitive"))
        #expect(html.contains("TLSv1.1: support undecided"))
    }

    @Test func chromiumRendersTheSubjectAsText() async throws {
        guard case let (dom, console)? = try await Self.chromiumDOM(HTMLReport.render(try await Self.analysis())) else { return }
        try #require(dom.contains("id=\"matrix\""), "chromium dumped no report DOM: \(dom.prefix(500))")
        // The serializer escapes "<" in text nodes, so the escaped form in the dump proves the CN is a text node…
        #expect(dom.contains(Self.escapedCN))
        // …inside a table cell, and no script element exists anywhere in the live DOM.
        #expect(dom.contains(Self.subjectCell))
        #expect(!dom.lowercased().contains("<script"))
        #expect(console.isEmpty, "browser console reported: \(console.joined(separator: "\n"))")
    }

    /// The live DOM headless Chromium builds from `html`, and what its console reported (errors, Content-Security-Policy
    /// complaints); nil, with an issue recorded, when chromium is not installed.
    static func chromiumDOM(_ html: String) async throws -> (dom: String, console: [String])? {
        guard let chromium = chromiumPath() else {
            Issue.record("chromium is not installed: run scripts/bootstrap (apt-get install -y chromium) or set CHROMIUM")
            return nil
        }
        let result = try await dumpDOM(html, chromium: chromium)
        try #require(result.status == 0, "chromium failed (\(result.status)): \(result.stderr.suffix(2000))")
        let console = result.stderr.split(separator: "\n").filter {
            $0.contains(":CONSOLE") || $0.contains("Uncaught") || $0.contains("Content Security Policy")
        }
        return (result.stdout, console.map(String.init))
    }

    /// The live DOM headless Chromium builds from `html` (`--dump-dom`), with its console on standard error.
    static func dumpDOM(_ html: String, chromium: String) async throws -> TestOrigin.RunResult {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("report.html")
        try html.write(to: file, atomically: true, encoding: .utf8)
        return try await TestOrigin.run(
            URL(fileURLWithPath: "/usr/bin/timeout"),
            [
                "120", chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=\(dir.appendingPathComponent("profile").path)",
                "--enable-logging=stderr", "--v=0", "--dump-dom", file.absoluteString,
            ], in: dir)
    }

    static func chromiumPath() -> String? {
        var candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        if let env = ProcessInfo.processInfo.environment["CHROMIUM"], !env.isEmpty { candidates.insert(env, at: 0) }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

struct HTMLTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Issue 23: table cells never break inside a word ("COMPA TIBLE"): `word-break: break-word` / `break-all` (which
/// let the browser break anywhere and shrink a column below its longest word) are gone from every stylesheet;
/// cells wrap at spaces and break only a word wider than the whole line (`overflow-wrap: break-word`).
struct HTMLWordBreakTests {
    @Test func stylesheetsNeverBreakInsideWords() {
        for css in [HTMLReport.css, HTMLReport.css + DistributionHTMLReport.css] {
            #expect(!css.contains("break-all"))
            #expect(!css.contains("word-break: break-word"))
            #expect(css.contains("th, td {") && css.contains("overflow-wrap: break-word"))
        }
    }
}
