import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import Testing
@testable import TLSAudit
import TLSCatalog
import TLSModel
import TLSEngines
import TLSReport
import TLSScan

/// Markdown, CSV and JUnit reports built from a hand-made scan with hostile server-derived strings.
struct ReportFormatsTests {
    static let hostile = "=HYPERLINK(\"http://evil\")|<b>x</b>"

    static func scan(host: String = "origin.example") -> ScanResult {
        var scan = ScanResult(target: Target(host: host, port: 443), reachability: .reachable)
        scan.address = "192.0.2.1"
        var tls10 = ProtocolResult(version: .tls10, supported: false)
        tls10.note = "handshake_failure"
        var tls11 = ProtocolResult(version: .tls11, supported: nil)
        tls11.complete = false
        tls11.note = "timed out"
        var tls12 = ProtocolResult(version: .tls12, supported: true)
        tls12.serverPreference = true
        tls12.suites = [
            SuiteResult(code: 0xC02F, evidence: [.wire, .openssl], group: 0x001D),
            SuiteResult(code: 0x000A, evidence: [.wire]),
        ]
        var tls13 = ProtocolResult(version: .tls13, supported: true)
        tls13.suites = [SuiteResult(code: 0x1301, evidence: [.openssl, .wire], group: 0x001D)]
        scan.protocols = [tls10, tls11, tls12, tls13]
        scan.findings = [
            Finding(id: "hostile", severity: .warning, message: hostile),
            Finding(id: "note", severity: .info, message: "just a note"),
        ]
        return scan
    }

    /// A chain whose subject and issuer a hostile server controls.
    static func hostileChain() -> ChainAnalysis {
        let info = CertificateInfo(
            subject: "CN=a|b <script>alert(1)</script> `code` *bold* _u_", issuer: "O=\"Evil\" & Co\u{1}\u{FFFE}'",
            commonName: "a", subjectAltNames: ["x|y.example"], notBefore: Date(timeIntervalSince1970: 0),
            notAfter: Date(timeIntervalSince1970: 2_000_000_000), daysLeft: 100, keyType: "RSA", keyBits: 2048,
            curve: nil, signatureAlgorithm: "sha256WithRSAEncryption", isSelfSigned: true, isCA: false,
            serialHex: "01", sha256Fingerprint: "AA")
        let report = ChainReport(
            certificates: [info],
            findings: [
                Finding(
                    id: Finding.ID.selfSigned, severity: .error,
                    message: "Self-signed <i>|</i> & \"q\"", fix: "Use a CA."),
                Finding(
                    id: Finding.ID.extraCertificate, severity: .info,
                    message: "extra"),
            ],
            trusted: false, leafIndex: 0)
        return ChainAnalysis(
            chain: CertificateChain(authentication: "RSA", der: [[0x30]], seenWith: .tls12, sni: nil),
            report: report)
    }

    static func analysis(host: String = "origin.example") async -> ScanAnalysis {
        var analysis = await ScanAnalysis.analyze(scan(host: host), options: AnalysisOptions())
        analysis.chains = [hostileChain()]
        return analysis
    }

    // MARK: Markdown

    /// Number of `|` not preceded by a backslash escape.
    static func unescapedPipes(_ line: String) -> Int {
        var count = 0
        var escaped = false
        for char in line {
            if escaped { escaped = false; continue }
            if char == "\\" { escaped = true } else if char == "|" { count += 1 }
        }
        return count
    }

    @Test func markdownEscapesServerStrings() async throws {
        let text = MarkdownReport.render(await Self.analysis())
        #expect(!text.contains("<b>"))
        #expect(!text.contains("<script>"))
        #expect(!text.contains("<i>"))
        #expect(!text.unicodeScalars.contains { $0.value == 1 || $0.value == 0xFFFE })
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let findingLine = try #require(lines.first { $0.contains("HYPERLINK") })
        #expect(Self.unescapedPipes(findingLine) == 0)
        #expect(findingLine.contains("&lt;b&gt;"))
        // The certificate row keeps its 8 columns (9 separators) despite `|` in subject and SAN.
        let certRow = lines.first { $0.contains("script") }
        #expect(certRow.map(Self.unescapedPipes) == 9)
        #expect(certRow?.contains("`") == certRow?.contains("\\`"))
        // Verdict and grade come before any table but the verdict's own table of CloudFront generations.
        let verdict = lines.firstIndex { $0.contains("CloudFront → origin") }
        // TLS 1.1 timed out: no grade on an undecided matrix (issue 23, item 5), the reason in the grade's place
        let grade = lines.firstIndex { $0.hasPrefix("**Grade") || $0.hasPrefix("**Not graded**") }
        #expect(lines.contains { $0.hasPrefix("**Not graded**: not measured: TLSv1.1") }, "\(text)")
        let generations = lines.firstIndex { $0.hasPrefix("| CloudFront generation") }
        #expect(generations.map { $0 > (verdict ?? .max) } == true)
        let afterGenerations =
            lines.indices.first { index in
                index > (generations ?? 0) && lines[index].isEmpty
            } ?? 0
        let firstTable = lines.indices.first { $0 > afterGenerations && lines[$0].hasPrefix("|") }
        #expect(verdict != nil && grade != nil && firstTable != nil)
        if let verdict, let grade, let firstTable { #expect(verdict < firstTable && grade < firstTable) }
        // Every table row has as many cells as its header.
        var expected: Int?
        for line in lines {
            guard line.hasPrefix("|") else { expected = nil; continue }
            let pipes = Self.unescapedPipes(line)
            if let expected { #expect(pipes == expected, "\(line)") } else { expected = pipes }
        }
        #expect(text.contains("## TLSv1.2 suites (server order)"))
        #expect(text.contains("0xC02F"))
    }

    @Test func markdownEscapeFunction() {
        #expect(MarkdownReport.escape("a|b") == "a\\|b")
        #expect(MarkdownReport.escape("<img src=x>") == "&lt;img src=x&gt;")
        #expect(MarkdownReport.escape("`x`*y*_z_") == "\\`x\\`\\*y\\*\\_z\\_")
        // controls and line breaks are shown (TerminalSafe), their backslash escaped for Markdown
        #expect(MarkdownReport.escape("a\nb\r\nc") == #"a\\x0Ab\\x0D\\x0Ac"#)
        #expect(MarkdownReport.escape("[t](http://e)") == "\\[t\\](http://e)")
        #expect(MarkdownReport.escape("a\u{0}\u{200B}\u{FFFE}b\u{202E}") == #"a\\x00b\\u{202E}"#)
    }

    // MARK: CSV

    /// A minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF records.
    static func parseCSV(_ text: String) -> [[String]]? {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text.unicodeScalars)[...]
        var fieldStarted = false
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { chars.removeFirst(); field.unicodeScalars.append("\"") } else { quoted = false }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                guard !fieldStarted else { return nil }  // a quote inside an unquoted field
                quoted = true
                fieldStarted = true
            case ",":
                row.append(field); field = ""; fieldStarted = false
            case "\r":
                guard chars.popFirst() == "\n" else { return nil }
                row.append(field); rows.append(row); row = []; field = ""; fieldStarted = false
            case "\n":
                return nil  // records end in CRLF
            default:
                if !fieldStarted && !field.isEmpty { return nil }
                field.unicodeScalars.append(c)
                fieldStarted = true
            }
        }
        guard !quoted, field.isEmpty, row.isEmpty else { return nil }  // must end with CRLF
        return rows
    }

    @Test func csvRoundTrips() async throws {
        let text = CSVReport.render(await Self.analysis())
        let rows = try #require(Self.parseCSV(text))
        #expect(rows.first == CSVReport.header)
        #expect(rows.allSatisfy { $0.count == 12 })
        // 1 header + TLS 1.0 refused + TLS 1.1 undecided + 2 TLS 1.2 suites + 1 TLS 1.3 suite.
        #expect(rows.count == 6)
        let refused = try #require(rows.first { $0[2] == TLSVersion.tls10.rawValue })
        #expect(refused[3...].allSatisfy { $0.isEmpty })
        let gcm = try #require(rows.first { $0[3] == "0xC02F" })
        #expect(gcm[0] == "origin.example" && gcm[1] == "443")
        #expect(gcm[4] == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
        #expect(gcm[8] == "secure" && gcm[9] == "true" && gcm[10] == "wire+openssl" && gcm[11] == "true")
    }

    @Test func csvDefusesFormulas() async throws {
        let text = CSVReport.render(await Self.analysis(host: Self.hostile))
        let rows = try #require(Self.parseCSV(text))
        #expect(rows.allSatisfy { $0.count == 12 })
        #expect(rows.dropFirst().allSatisfy { $0[0] == "'" + Self.hostile })
        #expect(text.contains("\"'=HYPERLINK(\"\"http://evil\"\")|<b>x</b>\","))
        #expect(CSVReport.field("+1") == "'+1")
        #expect(CSVReport.field("-1") == "'-1")
        #expect(CSVReport.field("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSVReport.field("\tx") == #"\x09x"#)
        #expect(CSVReport.field("\rx") == #"\x0Dx"#)
        #expect(CSVReport.field("a,b") == "\"a,b\"")
        #expect(CSVReport.field("a\"b") == "\"a\"\"b\"")
        #expect(CSVReport.field("a\nb") == #"a\x0Ab"#)
        #expect(CSVReport.field("=\u{1B}]52;c;aGk=\u{7}") == #"'=\x1B]52;c;aGk=\x07"#)
        #expect(CSVReport.field("plain") == "plain")
    }

    // MARK: JUnit

    final class Collector: NSObject, XMLParserDelegate {
        var suites: [[String: String]] = []
        var cases: [String] = []
        var failures: [String: String] = [:]
        var failureText: [String: String] = [:]
        /// How each case that did not pass ended: `failure`, `error` or `skipped`, by case name.
        var results: [String: String] = [:]
        private var currentCase = ""
        private var inFailure = false

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
        ) {
            switch elementName {
            case "testsuite": suites.append(attributeDict)
            case "testcase":
                currentCase = attributeDict["name"] ?? ""
                cases.append(currentCase)
            case "failure":
                failures[currentCase] = attributeDict["message"] ?? ""
                results[currentCase] = elementName
                inFailure = true
            case "error", "skipped": results[currentCase] = elementName
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inFailure { failureText[currentCase, default: ""] += string }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            if elementName == "failure" { inFailure = false }
        }

        /// How many cases ended with `kind` (`failure`, `error`, `skipped`).
        func count(_ kind: String) -> Int { results.values.filter { $0 == kind }.count }
    }

    @Test func junitIsWellFormed() async throws {
        let analysis = await Self.analysis()
        let xml = JUnitReport.render(analysis)
        let parser = XMLParser(data: Data(xml.utf8))
        let collector = Collector()
        parser.delegate = collector
        #expect(parser.parse(), "\(String(describing: parser.parserError))\n\(xml)")
        #expect(collector.suites.count == 1)
        #expect(collector.suites.first?["name"] == "tlsmatrix origin.example:443")
        // reachability, the CloudFront verdict and one case per generation, certificate checks, findings, one case per
        // vulnerability judged from the suites, grade, counts
        let expectedCount =
            2 + analysis.cloudfront.generations.count + Finding.ID.certificate.count + analysis.scan.findings.count
            + DerivedVulnerability.Name.allCases.count + 2
        #expect(analysis.vulnerabilities.count == DerivedVulnerability.Name.allCases.count)
        #expect(analysis.cloudfront.generations.count == 4)
        #expect(collector.cases.count == expectedCount)
        #expect(collector.suites.first?["tests"] == "\(expectedCount)")
        #expect(collector.suites.first?["failures"] == "\(collector.failures.count)")
        #expect(collector.failures["finding: hostile"] == Self.hostile)
        #expect(collector.failureText["finding: hostile"]?.contains(Self.hostile) == true)
        #expect(collector.failures["finding: note"] == nil)
        #expect(collector.failures["reachability"] == nil)
        #expect(collector.failures["certificate: no self-signed"]?.contains("<i>|</i> & \"q\"") == true)
        #expect(collector.failures["certificate: no extra-certificate"] == nil)  // info only
        #expect(collector.failures["certificate: no expired"] == nil)
        #expect(collector.failures["scan complete (all probes definitive)"] != nil)
        // TLS 1.1 timed out: the grade is not given (issue 23, item 5), so its case is skipped with the reason
        #expect(collector.results["grade not worse than B"] == "skipped")
        #expect(collector.failures["grade not worse than B"] == nil)
        #expect(collector.cases.contains { $0.hasPrefix("CloudFront verdict") })
        // The control character and U+FFFE from the issuer never reach the document.
        #expect(!xml.unicodeScalars.contains { $0.value == 1 || $0.value == 0xFFFE })
    }

    /// The same scan with TLS 1.1 decided (refused) is graded, and the grade case fails: 3DES is accepted with
    /// TLS 1.2, which caps the grade at C.
    @Test func junitGradeCaseFailsBelowB() async throws {
        var scan = Self.scan()
        scan.protocols = scan.protocols.map { $0.version == .tls11 ? ProtocolResult(version: .tls11, supported: false) : $0 }
        let analysis = await ScanAnalysis.analyze(scan, options: AnalysisOptions())
        #expect(analysis.grade.notGraded == nil)
        #expect(analysis.grade.caps.contains { $0.rule == "3des-modern" })
        let parser = XMLParser(data: Data(JUnitReport.render(analysis).utf8))
        let collector = Collector()
        parser.delegate = collector
        #expect(parser.parse())
        #expect(collector.failures["grade not worse than B"] != nil)
    }

    @Test func junitEscape() {
        #expect(JUnitReport.escape("<a href='x'>&\"</a>") == "&lt;a href=&apos;x&apos;&gt;&amp;&quot;&lt;/a&gt;")
        #expect(JUnitReport.escape("a\u{0}b\u{1B}c\u{FFFF}d\u{202E}") == #"a\x00b\x1Bcd\u{202E}"#)
        #expect(JUnitReport.escape("é😀\u{E000}") == "é😀\u{E000}")
    }

    /// The one function every human renderer uses for server-controlled text.
    @Test func terminalSafeEscapesControlsAndBidiAndNothingElse() {
        #expect(TerminalSafe.escape("x\r\u{1B}[2K COMPATIBLE") == #"x\x0D\x1B[2K COMPATIBLE"#)
        #expect(TerminalSafe.escape("\u{1B}]52;c;aGk=\u{7}") == #"\x1B]52;c;aGk=\x07"#)
        #expect(TerminalSafe.escape("a\nb\tc\u{7F}\u{9B}\u{85}") == #"a\x0Ab\x09c\x7F\x9B\x85"#)
        #expect(
            TerminalSafe.escape("\u{202A}\u{202E}\u{2066}\u{2069}\u{200E}\u{200F}\u{61C}\u{2028}")
                == #"\u{202A}\u{202E}\u{2066}\u{2069}\u{200E}\u{200F}\u{061C}\u{2028}"#)
        #expect(TerminalSafe.escape("CN=é 😀 ✓ \\x41 → ok") == "CN=é 😀 ✓ \\x41 → ok")
    }

    @Test func junitUnreachable() async throws {
        var scan = ScanResult(target: Target(host: "down.example", port: 8443), reachability: .connectTimeout)
        scan.connectAttempts = 3
        let analysis = await ScanAnalysis.analyze(scan, options: AnalysisOptions())
        let xml = JUnitReport.render(analysis)
        let parser = XMLParser(data: Data(xml.utf8))
        let collector = Collector()
        parser.delegate = collector
        #expect(parser.parse())
        #expect(collector.failures["reachability"] != nil)
        #expect(collector.failures["certificate: no expired"] == nil)
        // an unreachable origin has no vulnerability cases: nothing was measured to judge them on
        #expect(analysis.vulnerabilities.isEmpty)
        #expect(collector.cases.count == 2 + analysis.cloudfront.generations.count + Finding.ID.certificate.count + 2)
        #expect(
            analysis.cloudfront.generations.allSatisfy {
                collector.failures["CloudFront \($0.generation.title) (OriginSslProtocols TLSv1.2)"] != nil
            })
    }
}
