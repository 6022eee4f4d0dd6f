import Foundation
import TestSupport
import Testing
import TLSAudit
import TLSCatalog
import TLSEngines
@testable import TLSScan

/// Issue 16: `scan --checks cloudfront` runs only what the CloudFront verdict needs. On every local test origin its
/// verdict must be the one a full scan gives (compared field by field, nothing taken from either run as the
/// expectation), what each generation gets must follow from the origin's configuration (scripts/oracle/origins.json),
/// and a regular origin costs at most 10 connections.
@Suite(.serialized) struct ChecksTests {
    static let expectations: [String: ExpectedOrigin] = (try? ExpectedOrigins.load()) ?? [:]

    static func options(_ checks: Set<ScanCheck>) -> ScanOptions {
        var options = ScanOptions()
        options.deadlines = Deadlines(connect: .seconds(5), handshake: .seconds(10))
        options.httpPort = nil
        options.checks = checks
        return options
    }

    /// The versions the origin's configuration accepts, with their suites.
    static func accepted(_ expected: ExpectedOrigin) -> [TLSVersion: [UInt16]] {
        var accepted: [TLSVersion: [UInt16]] = [:]
        for (name, codes) in expected.protocols {
            if let version = TLSVersion(name: name), !codes.isEmpty { accepted[version] = codes }
        }
        return accepted
    }

    static func analyze(_ scan: ScanResult, origin: TestOrigin) async throws -> ScanAnalysis {
        var options = AnalysisOptions()
        options.trustStore = try TrustStore(pem: String(contentsOfFile: origin.dir + "/root.crt", encoding: .utf8))
        return await ScanAnalysis.analyze(scan, options: options)
    }

    /// The verdict's decisions: overall and per generation, what connects with what, and every cause. The
    /// prediction from the matrix, its difference from the observation and the libraries that confirmed a suite are
    /// evidence about the matrix, which a cloudfront scan does not enumerate: they are not compared.
    static func decisions(_ verdict: CloudFrontVerdict) -> [String] {
        var lines = [
            "status \(verdict.status) compatible \(String(describing: verdict.compatible)) "
                + "\(String(describing: verdict.protocolVersion)) \(String(describing: verdict.suite)) \(String(describing: verdict.group))"
        ]
        lines += verdict.causes.map { "cause \($0.id): \($0.message) fix: \($0.fix)" }
        for g in verdict.generations {
            lines.append(
                "\(g.generation.rawValue): compatible \(String(describing: g.compatible)) observed \(g.observed) "
                    + "versions \(g.versions) policy \(String(describing: g.s2nPolicy)) \(String(describing: g.protocolVersion)) "
                    + "\(String(describing: g.suite)) \(String(describing: g.group)) answer \(String(describing: g.observation?.result))")
            lines += g.causes.map { "  \(g.generation.rawValue) cause \($0.id): \($0.message)" }
        }
        return lines
    }

    static func scanBoth(_ origin: TestOrigin, serverName: String? = nil) async throws -> (full: ScanAnalysis, cloudfront: ScanAnalysis) {
        let target = Target(host: origin.host, port: origin.port)
        var fullOptions = options(ScanCheck.all)
        var cloudFrontOptions = options([.cloudfront])
        fullOptions.serverName = serverName
        cloudFrontOptions.serverName = serverName
        let full = await Scanner(options: fullOptions, environment: SystemEnvironment()).scan(target)
        let reduced = await Scanner(options: cloudFrontOptions, environment: SystemEnvironment()).scan(target)
        return (try await analyze(full, origin: origin), try await analyze(reduced, origin: origin))
    }

    @Test(arguments: TestOrigin.kinds)
    func cloudFrontChecksGiveTheFullScansVerdict(_ kind: String) async throws {
        let origin = try await TestOrigin.start(kind)
        defer { origin.stop() }
        let (full, reduced) = try await Self.scanBoth(origin)
        #expect(Self.decisions(reduced.cloudfront) == Self.decisions(full.cloudfront), "\(kind)")
        #expect(reduced.scan.checks == [.cloudfront])
        #expect(reduced.scan.isComplete, "\(kind): \(reduced.scan.undecided)")
        // Target: at most 10 connections on a regular origin (one handshake per CloudFront version, the 4 generation
        // hellos, the chains), and the lower bound follows the reduced plan.
        #expect(reduced.scan.connections <= 10, "\(kind): \(reduced.scan.connections) connections")
        #expect(reduced.scan.connections == reduced.scan.probes.total)
        #expect(reduced.scan.connectionLowerBound <= reduced.scan.connections)
        #expect(reduced.scan.connectionLowerBound >= reduced.scan.observations.count + 1)
    }

    /// What each generation's own hello gets, computed from the origin's configuration: it connects exactly when
    /// the origin accepts one of the generation's suites with one of its versions under the setting, at the
    /// highest such version, with a suite the origin accepts there; with no common version, the cause is
    /// no-common-protocol.
    @Test(arguments: TestOrigin.kinds)
    func cloudFrontChecksFollowTheOriginsConfiguration(_ kind: String) async throws {
        let expected = try #require(Self.expectations[kind], "no expectation for \(kind) in scripts/oracle/origins.json")
        let origin = try await TestOrigin.start(kind)
        defer { origin.stop() }
        let scan = await Scanner(options: Self.options([.cloudfront]), environment: SystemEnvironment())
            .scan(Target(host: origin.host, port: origin.port))
        let analysis = try await Self.analyze(scan, origin: origin)
        let accepted = Self.accepted(expected)
        #expect(analysis.cloudfront.generations.count == CloudFrontGeneration.allCases.count)
        for generation in analysis.cloudfront.generations {
            // tlslite-ng, run with --max 3.0, still answers a hello that carries supported_versions with TLS 1.2
            // (a full scan reports the same, as observation-differs): its configuration does not say what those get.
            if kind == "tlslite-sslv3", generation.versions.contains(.tls13) { continue }
            let profile = generation.profile
            let allowed = profile.versions(forOriginProtocols: [.tls12])
            let common = allowed.filter { version in accepted[version]?.contains(where: profile.suites.contains) == true }
            let observation = try #require(generation.observation, "\(kind) \(generation.generation.title): no hello sent")
            if let best = common.max() {
                #expect(observation.result == .accepted, "\(kind) \(generation.generation.title)")
                #expect(observation.protocolVersion == best, "\(kind) \(generation.generation.title)")
                #expect(observation.suite.map { accepted[best]?.contains($0) == true } == true, "\(kind) \(generation.generation.title)")
            } else {
                #expect(observation.result == .rejected, "\(kind) \(generation.generation.title)")
                #expect(generation.compatible == false)
                if allowed.allSatisfy({ accepted[$0] == nil }) {
                    #expect(
                        generation.causes.contains { $0.id == "no-common-protocol" },
                        "\(kind) \(generation.generation.title): \(generation.causes.map(\.id))")
                } else {
                    #expect(
                        generation.causes.contains { $0.id == "no-common-cipher" },
                        "\(kind) \(generation.generation.title): \(generation.causes.map(\.id))")
                }
            }
        }
        // Versions CloudFront does not use under TLSv1.2 are not tested, never "no", unless a generation found no
        // common version (then the others are probed to say what the origin accepts).
        let someoneStranded = analysis.cloudfront.generations.contains { $0.causes.contains { $0.id == "no-common-protocol" } }
        for proto in scan.protocols {
            switch proto.version {
            case .tls12, .tls13:
                #expect(proto.coverage == .sampled)
                #expect(proto.supported == (accepted[proto.version] != nil), "\(kind) \(proto.version)")
            case .sslv2:
                #expect(proto.coverage == .notTested)
            default:
                if someoneStranded {
                    #expect(proto.coverage == .sampled)
                    #expect(proto.supported == (accepted[proto.version] != nil), "\(kind) \(proto.version)")
                } else {
                    #expect(proto.coverage == .notTested, "\(kind) \(proto.version)")
                    #expect(proto.supported == nil)
                }
            }
        }
        #expect(analysis.grade.notGraded != nil)
        #expect(analysis.grade.letter == .none)
        #expect(analysis.simulations.isEmpty)
        #expect(scan.groups.isEmpty)
    }

    /// Origins on current stacks (TLS 1.3 only, ML-KEM, a required client certificate, Go), with an SNI.
    @Test(arguments: TestOrigin.modernKinds)
    func cloudFrontChecksGiveTheFullScansVerdictOnModernOrigins(_ kind: String) async throws {
        if let missing = TestOrigin.modernToolsMissing() {
            Issue.record("modern origins need \(missing): run scripts/bootstrap")
            return
        }
        let origin = try await TestOrigin.start(kind)
        defer { origin.stop() }
        let (full, reduced) = try await Self.scanBoth(origin, serverName: "localhost")
        #expect(Self.decisions(reduced.cloudfront) == Self.decisions(full.cloudfront), "\(kind)")
        #expect(reduced.scan.connections <= 11, "\(kind): \(reduced.scan.connections) connections")
    }

    @Test func otherChecksLeaveTheVerdictAndTheGradeOut() async throws {
        let origin = try await TestOrigin.start("openssl-modern")
        defer { origin.stop() }
        let scan = await Scanner(options: Self.options([.protocols]), environment: SystemEnvironment())
            .scan(Target(host: origin.host, port: origin.port))
        let analysis = try await Self.analyze(scan, origin: origin)
        #expect(analysis.cloudfront.tested == false)
        #expect(analysis.cloudfront.compatible == nil)
        #expect(scan.observations.isEmpty)
        #expect(analysis.grade.notGraded?.contains("suites") == true)
        // every version decided by one handshake: TLS 1.2 and 1.3 accepted, the others refused
        let accepted = Self.accepted(try #require(Self.expectations["openssl-modern"]))
        for proto in scan.protocols where proto.version != .sslv2 {
            #expect(proto.coverage == .sampled)
            #expect(proto.supported == (accepted[proto.version] != nil), "\(proto.version)")
        }
        #expect(scan.connections == scan.probes.total)
        #expect(scan.connections <= TLSVersion.allCases.count, "\(scan.connections) connections")
    }

    @Test func checkNamesParse() throws {
        #expect(try ScanCheck.parse("all") == ScanCheck.all)
        #expect(try ScanCheck.parse("protocols,certificates") == [.protocols, .certificates])
        #expect(try ScanCheck.parse("CloudFront") == [.cloudfront])
        #expect(ScanPlan.closure([.simulation]) == [.simulation, .protocols, .suites, .groups])
        #expect(ScanPlan.closure([.cloudfront]) == [.cloudfront])
        #expect(throws: ScanCheck.UnknownName.self) { try ScanCheck.parse("protocols,ciphers") }
        #expect(throws: ScanCheck.UnknownName.self) { try ScanCheck.parse("") }
    }
}
