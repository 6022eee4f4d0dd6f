import TestSupport
import Testing
import TLSCatalog
import TLSModel
import TLSEngines
@testable import TLSScan

/// Scans real servers started by the test (openssl s_server, gnutls-serv, nginx, tlslite-ng) and
/// compares every version's accepted suites with the fleet's known configuration: none missing, none extra.
@Suite(.serialized) struct OriginEnumerationTests {
    static let expectations: [String: ExpectedOrigin] = (try? ExpectedOrigins.load()) ?? [:]

    static func options() -> ScanOptions {
        var options = ScanOptions()
        options.deadlines = Deadlines(connect: .seconds(5), handshake: .seconds(10))
        return options
    }

    @Test(arguments: TestOrigin.kinds)
    func findsExactlyTheAcceptedSuites(_ kind: String) async throws {
        let expected = try #require(Self.expectations[kind], "no expectation for \(kind) in scripts/oracle/origins.json")
        let origin = try await TestOrigin.start(kind)
        defer { origin.stop() }
        let scan = await Scanner(options: Self.options(), environment: SystemEnvironment()).scan(
            Target(host: origin.host, port: origin.port))
        #expect(scan.reachability == .reachable)
        #expect(scan.isComplete, "undecided: \(scan.undecided)")
        let expectedByVersion = Dictionary(
            uniqueKeysWithValues: expected.protocols.compactMap { key, codes in
                TLSVersion(name: key).map { ($0, codes) }
            })
        for result in scan.protocols where result.version != .sslv2 {
            let want = expectedByVersion[result.version] ?? []
            let got = result.suites.map(\.code)
            #expect(
                Set(got) == Set(want),
                "\(kind) \(result.version): missing \(hex(Set(want).subtracting(got))) extra \(hex(Set(got).subtracting(want)))")
            #expect(result.supported == !want.isEmpty, "\(kind) \(result.version) supported")
            if expected.serverPreference == true, want.count >= 2 {
                #expect(result.serverPreference == true, "\(kind) \(result.version) should follow server order")
                #expect(got == want, "\(kind) \(result.version) order: got \(hex(got)) want \(hex(want))")
            } else if expected.serverPreference == false, want.count >= 2 {
                #expect(result.serverPreference == false, "\(kind) \(result.version) should be client order")
            }
        }
        #expect(scan.protocolResult(.sslv2)?.supported == false)
        // Budget: accepted + 1 per list of suites offered, one preference probe per version with two or more suites,
        // groups accepted + 1; a refused version may cost one refusal per list, or a plain hello confirming it.
        let preferenceProbes = scan.protocols.filter { $0.suites.count >= 2 }.count
        #expect(
            scan.connections <= scan.connectionLowerBound + preferenceProbes + Self.listSlack(scan),
            "\(kind): \(scan.connections) connections for a lower bound of \(scan.connectionLowerBound)")
        #expect(scan.connections == scan.probes.total)
    }

    /// A middlebox that closes (no alert) on a ClientHello with more than 100 suites: the full offer looks
    /// like a refusal, the scan retries in lists of 64 and still finds exactly the origin's suites.
    @Test func helloIntolerantMiddleboxIsScannedInChunks() async throws {
        let expected = try #require(Self.expectations["openssl-modern"])
        let origin = try await TestOrigin.start("openssl-modern")
        defer { origin.stop() }
        let relay = try await OffPool.run { try Relay.start(listen: "127.0.0.1", to: origin.port, maxSuites: 100) }
        defer { relay.stop() }
        var options = Self.options()
        options.httpPort = nil
        let scan = await Scanner(options: options, environment: SystemEnvironment()).scan(Target(host: "127.0.0.1", port: relay.port))
        #expect(scan.isComplete, "undecided: \(scan.undecided)")
        for (name, codes) in expected.protocols {
            let version = try #require(TLSVersion(name: name))
            let result = try #require(scan.protocolResult(version))
            #expect(Set(result.suites.map(\.code)) == Set(codes), "\(name)")
            if version == .tls12 {  // lists of up to 127 are closed: plain hellos of 16 get through
                #expect(result.note?.contains("plain ClientHellos") == true, "\(result.note ?? "")")
            }
        }
        // cross-check handshakes (one suite each) pass the middlebox and confirm every cell
        #expect(scan.protocols.flatMap(\.suites).allSatisfy { $0.evidence.count == 2 })
        #expect(!scan.findings.contains { $0.id == "engine-disagreement" })
        let refused = try #require(scan.protocolResult(.tls10))
        #expect(refused.supported == false)
        // the refused shape is a finding of its own (real clients with large hellos fail the same way)
        #expect(scan.findings.contains { $0.id == Finding.ID.helloShapeIntolerance && $0.message.contains("TLSv1.2") })
    }

    /// What cutting the offers into lists of at most ProbeRequest.maxSuitesPerHello may add to a version's probes:
    /// one refusal per further list, one plain hello confirming a refusal, and (server order) one comparison per
    /// list boundary.
    static func listSlack(_ scan: ScanResult) -> Int {
        scan.protocols.filter { $0.version != .sslv2 }.reduce(0) { total, proto in
            let lists = ProbeRequest.lists(for: SuiteOrder.candidates(for: proto.version).count)
            // on a server that follows the client's order, each list may check the order once (its first two picks)
            // and split its rest in two: one refusal more
            let split = proto.serverPreference == false ? 2 * lists : 0
            return total + (lists - 1) * (proto.serverPreference == true ? 2 : 1) + 1 + split
        }
    }

    /// Server-order origins whose picks come out of the offered order need no preference probe:
    /// enumeration alone then makes exactly the lower-bound number of connections.
    @Test(arguments: ["openssl-ecdsa-x25519", "no-common-cloudfront"])
    func serverOrderSeenInThePicksCostsNoExtraProbe(_ kind: String) async throws {
        let origin = try await TestOrigin.start(kind)
        defer { origin.stop() }
        var options = Self.options()
        options.crossCheck = false
        options.httpPort = nil
        let scan = await Scanner(options: options, environment: SystemEnvironment()).scan(Target(host: "127.0.0.1", port: origin.port))
        #expect(scan.isComplete)
        #expect(scan.protocolResult(.tls12)?.serverPreference == true)
        // plus one comparison where the server's picks came from two lists of suites (their order across lists)
        let boundaries = scan.protocols.filter { $0.serverPreference == true }
            .map { ProbeRequest.lists(for: SuiteOrder.candidates(for: $0.version).count) - 1 }.reduce(0, +)
        #expect(scan.connections >= scan.connectionLowerBound)
        #expect(scan.connections <= scan.connectionLowerBound + boundaries, "\(kind): \(scan.connections) for \(scan.connectionLowerBound)")
    }

    @Test func ecdsaX25519OriginOffersOnlyX25519() async throws {
        let origin = try await TestOrigin.start("openssl-ecdsa-x25519")
        defer { origin.stop() }
        let scan = await Scanner(options: Self.options(), environment: SystemEnvironment()).scan(
            Target(host: origin.host, port: origin.port))
        for group in scan.groups {
            #expect(group.groups == [0x001D], "\(group.version) groups \(group.groups)")
            #expect(group.complete)
        }
        #expect(scan.groups.map(\.version).contains(.tls13))
        #expect(scan.certificates.contains { $0.authentication == "ECDSA" })
    }

    @Test func dualCertificateOriginShowsBothKeyTypesWithAndWithoutSNI() async throws {
        let origin = try await TestOrigin.start("nginx-modern")
        defer { origin.stop() }
        var options = Self.options()
        options.serverName = "localhost"
        options.crossCheck = false
        let scan = await Scanner(options: options, environment: SystemEnvironment()).scan(Target(host: origin.host, port: origin.port))
        let withSNI = scan.certificates.filter { $0.sni == "localhost" }
        #expect(Set(withSNI.map(\.authentication)) == ["RSA", "ECDSA"])
        #expect(withSNI.allSatisfy { $0.der.count == 2 })
        #expect(scan.certificates.contains { $0.sni == nil })
    }

    /// Before TLS 1.3, groups picked in the offered order say nothing about whose order it is; one offer of the
    /// first two the other way round does. openssl-modern runs with -serverpref and -groups X25519:P-256:P-384
    /// (OpenSSL then picks the curve by its own list), nginx-modern with ssl_prefer_server_ciphers off (the
    /// client's list); both configure the groups in the order tlsmatrix offers them.
    @Test(arguments: [("openssl-modern", true), ("nginx-modern", false)])
    func groupOrderBeforeTLS13IsToldByOneReversedOffer(_ kind: String, _ serverOrder: Bool) async throws {
        let origin = try await TestOrigin.start(kind)
        defer { origin.stop() }
        var options = Self.options()
        options.crossCheck = false
        options.httpPort = nil
        let scan = await Scanner(options: options, environment: SystemEnvironment()).scan(Target(host: origin.host, port: origin.port))
        let groups = try #require(scan.groups.first { $0.version == .tls12 })
        #expect(groups.groups == [0x001D, 0x0017, 0x0018])
        #expect(groups.serverPreference == serverOrder, "\(kind)")
    }

    @Test func wideOriginWithinTheHandshakeBudget() async throws {
        let origin = try await TestOrigin.start("openssl-wide")
        defer { origin.stop() }
        var options = Self.options()
        options.enumerateGroups = false
        options.crossCheck = false
        options.observeClients = false  // the simulation's client hellos: ClientObservationTests
        let scan = await Scanner(options: options, environment: SystemEnvironment()).scan(Target(host: origin.host, port: origin.port))
        // At most (accepted + 1) handshakes per version plus a small constant (the preference probes), plus one
        // hello per CloudFront generation.
        let perVersion = scan.protocols.reduce(0) { $0 + $1.suites.count + 1 }
        #expect(scan.observations.count == CloudFrontGeneration.allCases.count)
        #expect(scan.connections <= perVersion + scan.protocols.count + scan.observations.count + Self.listSlack(scan))
        #expect(scan.protocols.filter { $0.supported == true }.map(\.version) == [.tls10, .tls11, .tls12, .tls13])
    }

    func hex<S: Sequence<UInt16>>(_ codes: S) -> String {
        codes.map(CodePointFormat.hex).joined(separator: ",")
    }
}
