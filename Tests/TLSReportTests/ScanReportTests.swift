import Foundation
import Testing
import TLSAudit
import TLSCatalog
import TLSModel
@testable import TLSReport

/// Issue 14, item 2: one `Codable` document writes and reads the JSON report. Every reachability (the
/// ones a test origin cannot produce, like a connect timeout, included) survives writing and reading;
/// a missing field is named; a field this version does not know is rejected, never dropped.
struct ScanReportTests {
    static func scan(_ reachability: Reachability) -> ScanResult {
        var scan = ScanResult(target: Target(host: "origin.example.com", port: 8443), reachability: reachability)
        scan.address = "192.0.2.10"
        scan.serverName = "origin.example.com"
        scan.connectAttempts = 3
        scan.httpPort = PortCheck(port: 80, open: false, detail: "refused <script>")
        scan.elapsedSeconds = 1.23456
        if reachability == .reachable {
            var tls12 = ProtocolResult(version: .tls12, supported: true)
            tls12.serverPreference = true
            tls12.suites = [
                SuiteResult(code: 0xC02F, evidence: [.wire, .openssl], group: 0x001D),
                SuiteResult(code: 0x009E, evidence: [.wire], dhBits: 2048),
                SuiteResult(code: 0xFEFE, evidence: [.wire], group: 0x7A7A),
            ]
            var tls13 = ProtocolResult(version: .tls13, supported: nil)
            tls13.complete = false
            tls13.note = "timed out \u{1B}[2K"
            scan.protocols = [ProtocolResult(version: .tls10, supported: false), tls12, tls13]
            scan.groups = [GroupResult(version: .tls12, groups: [0x001D, 0x0017], complete: true)]
            scan.certificates = [
                CertificateChain(authentication: "RSA", der: [[0x30, 0x03, 0x02, 0x01, 0x05]], seenWith: .tls12, sni: nil)
            ]
            scan.findings = [Finding(id: "engine-disagreement", severity: .warning, message: "wire saw / openssl did not")]
            scan.undecided = [UndecidedProbe(engine: .wire, version: .tls13, purpose: "support", reason: "timed out")]
            scan.probes.accepted = 4
            scan.probes.rejected = 9
            scan.probes.timedOut = 1
            scan.connections = 14
        }
        return scan
    }

    static let reachabilities: [Reachability] = [
        .reachable, .unresolved("cannot resolve host 'x.invalid': Name or service not known"), .refused("Connection refused"),
        .connectTimeout, .noTLSAnswer("the connection was closed"),
        .localError("local problem on the scanning machine, not the origin: ENETUNREACH"),
    ]

    func options() -> AnalysisOptions {
        var options = AnalysisOptions()
        options.trustStore = .empty()
        options.client = ClientProfile.ID.cloudFrontOrigin
        options.hostHeader = "www.example.com"
        options.originProtocols = [.tls11, .tls12]
        options.policy = Catalog.shared.policy(id: "ELBSecurityPolicy-TLS13-1-2-2021-06")
        return options
    }

    @Test(arguments: 0..<6)
    func testSavedScanRoundTripsForEveryReachability(_ index: Int) async throws {
        let analysis = await ScanAnalysis.analyze(Self.scan(Self.reachabilities[index]), options: options())
        let written = JSONReport.render(analysis)
        let report = try ScanReport.decode(Data(written.utf8))
        #expect(report.options?.client == ClientProfile.ID.cloudFrontOrigin)
        let scan = try report.scanResult()
        #expect(scan.reachability == Self.reachabilities[index])
        #expect(scan.connectAttempts == 3)
        #expect(scan.httpPort == PortCheck(port: 80, open: false, detail: "refused <script>"))
        let again = JSONReport.render(await ScanAnalysis.analyze(scan, options: options()))
        #expect(again == written)
        #expect(
            JSONReport.render(await ScanAnalysis.analyze(scan, options: options()), pretty: false)
                == JSONReport.render(analysis, pretty: false))
    }

    @Test func testSavedScanKeepsWhatTheOldReaderLost() async throws {
        let analysis = await ScanAnalysis.analyze(Self.scan(.reachable), options: options())
        let scan = try ScanReport.decode(Data(JSONReport.render(analysis).utf8)).scanResult()
        let original = Self.scan(.reachable)
        #expect(scan.undecided == original.undecided)
        #expect(scan.protocols == original.protocols)
        #expect(scan.groups == original.groups)
        #expect(scan.certificates == original.certificates)
        #expect(scan.findings == original.findings)
        #expect(scan.probes == original.probes)
        #expect(!scan.isComplete)
    }

    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func decodeError(_ object: [String: Any]) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object)
        do {
            _ = try ScanReport.decode(data).scanResult()
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test func testSavedScanMissingAndUnknownFieldsAreNamed() async throws {
        let analysis = await ScanAnalysis.analyze(Self.scan(.reachable), options: options())
        let original = try object(JSONReport.render(analysis))

        var missing = original
        var protocols = try #require(missing["protocols"] as? [[String: Any]])
        protocols[1]["complete"] = nil
        missing["protocols"] = protocols
        #expect(try decodeError(missing) == "missing field 'protocols[1].complete'")

        var noUndecided = original
        noUndecided["undecided"] = nil
        #expect(try decodeError(noUndecided) == "missing field 'undecided'")

        var newer = original
        var target = try #require(newer["target"] as? [String: Any])
        target["zone"] = "eu"
        newer["target"] = target
        #expect(try decodeError(newer).hasPrefix("unknown field 'target.zone'"))

        var newerTop = original
        newerTop["carbon"] = 1
        #expect(try decodeError(newerTop).hasPrefix("unknown field 'carbon'"))

        // named values are read by their own types: the field, the unknown name and the known ones
        var badVersion = original
        var entries = try #require(badVersion["protocols"] as? [[String: Any]])
        entries[0]["version"] = "TLSv9"
        badVersion["protocols"] = entries
        let known = TLSVersion.allCases.map(\.rawValue).joined(separator: ", ")
        #expect(try decodeError(badVersion) == "field 'protocols[0].version': unknown protocol version 'TLSv9' (\(known))")

        var badRole = original
        var ports = try #require(badRole["ports"] as? [[String: Any]])
        ports[0]["role"] = "smtp"
        badRole["ports"] = ports
        #expect(try decodeError(badRole) == "field 'ports[0].role': unknown port role 'smtp' (https, http)")

        var badStatus = original
        var reach = try #require(badStatus["reachability"] as? [String: Any])
        reach["status"] = "maybe"
        badStatus["reachability"] = reach
        #expect(try decodeError(badStatus).hasPrefix("field 'reachability.status': unknown reachability status 'maybe' (reachable, "))

        var future = original
        future["schemaVersion"] = 2
        #expect(try decodeError(future).contains("schemaVersion 2 is not supported"))

        var lying = original
        lying["complete"] = true
        #expect(try decodeError(lying).hasPrefix("field 'complete' is true"))

        var wrongType = original
        wrongType["connections"] = "14"
        #expect(try decodeError(wrongType) == "field 'connections' is not a number")
    }

    @Test func testSavedSummaryLinesAreReadStrictlyToo() throws {
        let summary = FleetSummary(
            complete: true, interrupted: nil, shard: Shard(index: 1, count: 2), targets: 1, scanned: 1, pending: [],
            results: [], elapsedSeconds: 0.5, exitStatus: 0)
        let line = summary.line()
        #expect(try FleetSummary.parse(line: line) == summary)
        #expect(try FleetSummary.parse(line: #"{"schemaVersion":1,"target":{}}"#) == nil)
        // an absent optional written as null is fine; a field this version does not know is not
        let withNull = line.replacingOccurrences(of: #""complete":true"#, with: #""complete":true,"interrupted":null"#)
        #expect(try FleetSummary.parse(line: withNull) == summary)
        let newer = line.replacingOccurrences(of: #""complete":true"#, with: #""complete":true,"region":"eu""#)
        #expect(throws: TLSMatrixError.self) { try FleetSummary.parse(line: newer) }
        let missing = line.replacingOccurrences(of: #""complete":true,"#, with: "")
        let error = #expect(throws: TLSMatrixError.self) { try FleetSummary.parse(line: missing) }
        #expect(error?.code == .invalidSavedReport)
        #expect(error?.reason == "missing field 'summary.complete'")
    }
}
