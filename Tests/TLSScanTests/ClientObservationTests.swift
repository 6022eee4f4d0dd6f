import Foundation
import TestSupport
import Testing
import TLSAudit
import TLSCatalog
import TLSEngines
import TLSModel
import TLSWire
@testable import TLSScan

/// Each client profile that records its hello sends it; its simulation row is what the server answered, with
/// the matrix's prediction as a cross-check. Expectations come from the origins' configurations and the
/// profiles' data, never from tlsmatrix's output.
@Suite(.serialized) struct ClientObservationTests {
    static let expectations: [String: ExpectedOrigin] = (try? ExpectedOrigins.load()) ?? [:]

    static func options() -> ScanOptions {
        var options = ScanOptions()
        options.deadlines = Deadlines(connect: .seconds(5), handshake: .seconds(10))
        options.httpPort = nil
        options.crossCheck = false
        return options
    }

    /// tlslite-ng run with --max 3.0 answers SSLv3 to a hello without supported_versions, and TLS 1.2 to one
    /// that carries it (every profile offering TLS 1.3 sends it), choosing from its SSLv3 suites by its own
    /// order (scripts/oracle/origins.json lists them in that order). A hello without supported_versions and
    /// without SSLv3 gets SSLv3 back: refused. The matrix shows SSLv3 only, so every profile that gets TLS 1.2
    /// is a difference.
    /// A profile that GREASEs (RFC 8701) sends GREASE where its recorded hello had it: the positions come from the
    /// data (greasePositions), the check reads the encoded bytes back.
    @Test(arguments: Catalog.shared.clients.filter { $0.grease && !$0.extensions.isEmpty }.map(\.id))
    func greasingClientsSendGrease(_ id: String) throws {
        let profile = try #require(Catalog.shared.clients.first { $0.id == id })
        let hello = try #require(ProbeSession.hello(of: profile, originProtocols: profile.versions, serverName: "origin.example"))
        let summary = try ClientHelloSummary(records: hello.encodeRecords())
        func isGrease(_ value: UInt16?) -> Bool { value.map { $0 & 0x0F0F == 0x0A0A && $0 >> 8 == $0 & 0xFF } ?? false }
        let positions = Set(profile.greasePositions)
        #expect(isGrease(summary.suites.first) == positions.contains("suites"))
        #expect(isGrease(summary.supportedGroups?.first) == positions.contains("groups"))
        #expect(isGrease(summary.supportedVersions?.first) == positions.contains("supportedVersions"))
        #expect(isGrease(summary.keyShareGroups?.first) == positions.contains("keyShare"))
        #expect(isGrease(summary.extensionTypes.first) == positions.contains("extensions-first"))
        let beforePadding = summary.extensionTypes.last(where: { $0 != 0x0015 })
        #expect(isGrease(beforePadding) == positions.contains("extensions-last"))
        #expect(summary.suites.filter(isGrease).count == 1, "one GREASE suite")
        #expect(
            Array(summary.suites.drop { isGrease($0) }.prefix(profile.suites.count))
                == profile.suites.filter { code in
                    Catalog.shared.suite(code: code).map { !$0.isTLS13 || profile.versions.contains(.tls13) } ?? true
                })
    }

    @Test func aServerWhoseVersionDependsOnTheHellosShapeIsObserved() async throws {
        let expected = try #require(Self.expectations["tlslite-sslv3"])
        let serverSuites = expected.protocols["SSLv3"] ?? []
        try #require(!serverSuites.isEmpty)
        let origin = try await TestOrigin.start("tlslite-sslv3")
        defer { origin.stop() }
        let scan = await Scanner(options: Self.options(), environment: SystemEnvironment()).scan(
            Target(host: origin.host, port: origin.port))
        let analysis = await ScanAnalysis.analyze(scan, options: AnalysisOptions())
        let observed = ProbeSession.observedClients
        #expect(observed.count >= 15, "profiles with a recorded hello: \(observed.count)")
        var tls12 = 0
        for profile in observed {
            let row = try #require(analysis.simulations.first { $0.client.id == profile.id })
            #expect(row.isObserved, "\(profile.id): \(String(describing: row.observation))")
            let pick = serverSuites.first(where: profile.suites.contains)
            let version: TLSVersion? = profile.versions.contains(.tls13) ? .tls12 : (profile.versions.contains(.sslv3) ? .sslv3 : nil)
            switch (version, pick) {
            case (let version?, let suite?):
                guard case .success(let choice) = row.result else {
                    Issue.record("\(profile.id): expected \(version) \(CodePointFormat.hex(suite)), got \(row.result)")
                    continue
                }
                #expect(
                    choice.version == version && choice.suite == suite,
                    "\(profile.id): expected \(version) \(CodePointFormat.hex(suite)), got \(choice.version) \(CodePointFormat.hex(choice.suite))"
                )
                if version == .tls12 {
                    tls12 += 1
                    #expect(row.difference != nil, "\(profile.id): the matrix shows SSLv3 only")
                }
            default:
                guard case .failure(let failure) = row.result, case .refused = failure.reason else {
                    Issue.record("\(profile.id): expected a refused hello, got \(row.result)")
                    continue
                }
            }
        }
        #expect(tls12 >= 10, "only \(tls12) profiles got TLS 1.2")
        let differs = analysis.scan.findings.filter { $0.id == ClientSimulation.observationDiffers }
        #expect(differs.count >= tls12)
        #expect(differs.contains { $0.message.contains("TLSv1.2") && $0.message.contains("the matrix predicts no connection") })
    }

    /// The simulation costs one connection per distinct client hello, and `--checks` without `simulation`
    /// sends none.
    @Test func oneConnectionPerDistinctHello() async throws {
        let origin = try await TestOrigin.start("nginx-modern")
        defer { origin.stop() }
        let target = Target(host: origin.host, port: origin.port)
        let with = await Scanner(options: Self.options(), environment: SystemEnvironment()).scan(target)
        var without = Self.options()
        without.observeClients = false
        let plain = await Scanner(options: without, environment: SystemEnvironment()).scan(target)
        let generations = Set(CloudFrontGeneration.allCases.map(\.profileID))
        let clients = with.observations.filter { !generations.contains($0.client) }
        let made = clients.filter { $0.sameHelloAs == nil }.count
        #expect(clients.count == ProbeSession.observedClients.count)
        #expect(made >= 10 && made <= clients.count)
        #expect(with.connections - plain.connections == made, "\(with.connections) with, \(plain.connections) without, \(made) hellos")
        #expect(with.connectionLowerBound - plain.connectionLowerBound == made)
        for shared in clients where shared.sameHelloAs != nil {
            #expect(clients.contains { $0.client == shared.sameHelloAs && $0.sameHelloAs == nil })
        }
        var cloudFrontOnly = Self.options()
        cloudFrontOnly.checks = [.cloudfront]
        let reduced = await Scanner(options: cloudFrontOnly, environment: SystemEnvironment()).scan(target)
        #expect(reduced.observations.allSatisfy { generations.contains($0.client) })
    }

    /// nginx-modern serves DHE with scripts/origins' dh2048.pem: a client whose row is a DHE suite reports the
    /// 2048-bit group its own hello got.
    @Test func dheRowsCarryTheObservedGroupSize() async throws {
        let origin = try await TestOrigin.start("nginx-modern")
        defer { origin.stop() }
        let scan = await Scanner(options: Self.options(), environment: SystemEnvironment()).scan(
            Target(host: origin.host, port: origin.port))
        let analysis = await ScanAnalysis.analyze(scan, options: AnalysisOptions())
        let dhe = analysis.simulations.filter { row in
            guard row.isObserved, case .success(let choice) = row.result else { return false }
            return Catalog.shared.suite(code: choice.suite)?.keyExchange.isFiniteFieldDH == true
        }
        #expect(!dhe.isEmpty, "no client got a DHE suite")
        for row in dhe {
            guard case .success(let choice) = row.result else { continue }
            #expect(choice.dhBits == 2048, "\(row.client.id): \(String(describing: choice.dhBits))")
            #expect(row.observation?.dhBits == 2048)
        }
    }
}
