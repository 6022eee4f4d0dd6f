import Foundation
import TestSupport
import Testing
import TLSAudit
import TLSCatalog
import TLSModel
import TLSEngines
@testable import TLSScan

/// Real origins behind scripts/origins/relay.py playing a faulty network on loopback: a seeded share of the
/// connections reset right after the ClientHello, stalls, a rate limiter, latency. The scan must give exact
/// answers or honest "not definitive" ones, never a refusal made of a fault. Outcomes and round counts are
/// asserted, never wall time.
@Suite(.serialized) struct FaultyNetworkTests {
    static let expectations: [String: ExpectedOrigin] = (try? ExpectedOrigins.load()) ?? [:]

    static func options() -> ScanOptions {
        var options = ScanOptions()
        options.deadlines = Deadlines(connect: .seconds(2), handshake: .seconds(3))
        options.httpPort = nil
        options.retryBackoff = .milliseconds(20)
        return options
    }

    static func analyze(_ scan: ScanResult, origin: TestOrigin) async throws -> ScanAnalysis {
        var options = AnalysisOptions()
        options.trustStore = try TrustStore(pem: String(contentsOfFile: origin.dir + "/root.crt", encoding: .utf8))
        return await ScanAnalysis.analyze(scan, options: options)
    }

    /// Every version the scan calls complete has exactly the origin's suites (scripts/oracle/origins.json, measured
    /// with openssl s_client one suite at a time); an incomplete one is listed as not definitive.
    static func expectExactOrUndecided(_ scan: ScanResult, _ expected: ExpectedOrigin, _ label: String) {
        let byVersion = Dictionary(
            uniqueKeysWithValues: expected.protocols.compactMap { key, codes in
                TLSVersion(name: key).map { ($0, codes) }
            })
        for result in scan.protocols where result.version != .sslv2 {
            let want = Set(byVersion[result.version] ?? [])
            if result.complete {
                #expect(Set(result.suites.map(\.code)) == want, "\(label) \(result.version): complete but wrong (\(result.note ?? ""))")
                #expect(result.supported == !want.isEmpty, "\(label) \(result.version) supported")
            } else {
                #expect(result.supported != false, "\(label) \(result.version): a version not decided is never 'no'")
                #expect(Set(result.suites.map(\.code)).isSubset(of: want), "\(label) \(result.version): invented suites")
            }
        }
        if !scan.isComplete {
            #expect(!scan.undecided.isEmpty || scan.protocols.contains { !$0.complete }, "\(label): incomplete without saying why")
        }
    }

    /// The generations' answers that are definitive through the faulty path equal the clean path's (whose own
    /// correctness CloudFrontGenerationTests checks from the profiles and the servers' configuration).
    static func expectVerdictsHold(_ faulty: ScanAnalysis, clean: ScanAnalysis, _ label: String) {
        for generation in faulty.cloudfront.generations {
            guard let compatible = generation.compatible else { continue }
            let reference = clean.cloudfront.generations.first { $0.generation == generation.generation }
            #expect(reference?.compatible == compatible, "\(label) \(generation.generation.title): \(compatible) through resets")
            if compatible {
                #expect(
                    reference?.protocolVersion == generation.protocolVersion && reference?.suite == generation.suite,
                    "\(label) \(generation.generation.title)")
            }
        }
    }

    /// The relay writes a connection's line when both sides have closed: wait (at most 3 s) for the scan's last ones.
    static func settledLog(_ path: String, connections: Int) async throws -> RelayLog {
        var log = try RelayLog.read(path)
        for _ in 0..<60 where log.connections.count < connections {
            try await Task.sleep(for: .milliseconds(50))
            log = try RelayLog.read(path)
        }
        return log
    }

    @Test(arguments: ["openssl-wide", "nginx-modern", "gnutls-legacy", "openssl-modern"])
    func tenPercentResetsGiveExactOrHonestAnswers(_ kind: String) async throws {
        let expected = try #require(Self.expectations[kind])
        let origin = try await TestOrigin.start(kind)
        defer { origin.stop() }
        let clean = try await Self.analyze(
            await Scanner(options: Self.options(), environment: SystemEnvironment()).scan(Target(host: "127.0.0.1", port: origin.port)),
            origin: origin)
        var resetsSeen = 0
        for seed in [1, 2, 3] {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-faults-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let log = folder.appendingPathComponent("relay.jsonl").path
            let relay = try await OffPool.run {
                try Relay.start(listen: "127.0.0.1", to: origin.port, resetShare: 0.1, seed: seed, log: log)
            }
            defer { relay.stop() }
            let scan = await Scanner(options: Self.options(), environment: SystemEnvironment())
                .scan(Target(host: "127.0.0.1", port: relay.port))
            let label = "\(kind) seed \(seed)"
            #expect(scan.reachability == .reachable, "\(label)")
            Self.expectExactOrUndecided(scan, expected, label)
            Self.expectVerdictsHold(try await Self.analyze(scan, origin: origin), clean: clean, label)
            let relayLog = try await Self.settledLog(log, connections: scan.connections)
            let resets = relayLog.count(of: "reset")
            resetsSeen += resets
            #expect(scan.network?.resets == resets, "\(label): the scan counts the resets the relay made")
            // every reset was retried, or its probe ended not definitive after its last attempt
            #expect((scan.network?.retries ?? 0) + scan.undecided.count >= resets, "\(label): a reset was neither retried nor reported")
            #expect(relayLog.connections.count == scan.connections, "\(label): the relay saw every connection")
        }
        #expect(resetsSeen > 0, "\(kind): the relay reset nothing, the test proved nothing")
    }

    /// A rate limiter resetting every connection past 10 a second: detected and named, the scan slows down, and
    /// every answer is exact or not definitive.
    @Test func throttlingOriginIsDetectedAndNamed() async throws {
        let kind = "openssl-modern"
        let expected = try #require(Self.expectations[kind])
        let origin = try await TestOrigin.start(kind)
        defer { origin.stop() }
        let relay = try await OffPool.run { try Relay.start(listen: "127.0.0.1", to: origin.port, throttle: 10) }
        defer { relay.stop() }
        var options = Self.options()
        options.perHostConcurrency = 8
        let scan = await Scanner(options: options, environment: SystemEnvironment()).scan(Target(host: "127.0.0.1", port: relay.port))
        Self.expectExactOrUndecided(scan, expected, "throttled")
        let throttle = try #require(scan.network?.throttled, "no throttling reported: \(String(describing: scan.network))")
        #expect(throttle.lowestConcurrency < throttle.configuredConcurrency)
        #expect(throttle.longestDelayMilliseconds > 0)
        let finding = try #require(scan.findings.first { $0.id == Finding.ID.originThrottled })
        #expect(finding.message.contains("reset"))
        #expect(finding.message.contains("lowered to \(throttle.lowestConcurrency)"))
    }

    /// Stalled connections (the ClientHello swallowed, nothing answered) are timeouts, never refusals.
    @Test func stallsAreNeverRefusals() async throws {
        let kind = "openssl-modern"
        let expected = try #require(Self.expectations[kind])
        let origin = try await TestOrigin.start(kind)
        defer { origin.stop() }
        let relay = try await OffPool.run { try Relay.start(listen: "127.0.0.1", to: origin.port, stallShare: 0.08, seed: 7) }
        defer { relay.stop() }
        var options = Self.options()
        options.deadlines = Deadlines(connect: .seconds(2), handshake: .milliseconds(700))
        let scan = await Scanner(options: options, environment: SystemEnvironment()).scan(Target(host: "127.0.0.1", port: relay.port))
        Self.expectExactOrUndecided(scan, expected, "stalls")
        #expect((scan.network?.handshakeTimeouts ?? 0) > 0, "the relay stalled nothing")
    }

    /// A relay adding `latencyMs` each way in front of `port`, logging every connection into a new folder.
    static func loggedRelay(to port: Int, latencyMs: Double) async throws -> (relay: ListeningScript, log: String, folder: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-relay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let log = folder.appendingPathComponent("relay.jsonl").path
        let relay = try await OffPool.run { try Relay.start(listen: "127.0.0.1", to: port, latencyMs: latencyMs, log: log) }
        return (relay, log, folder)
    }

    /// At 10 ms each way, the relay's count of sequential rounds is the scan's own critical path (both measure the
    /// same connections), and the scan overlaps its work: far fewer rounds than connections.
    @Test func latencyShowsTheCriticalPath() async throws {
        let kind = "nginx-modern"
        let expected = try #require(Self.expectations[kind])
        let origin = try await TestOrigin.start(kind)
        defer { origin.stop() }
        let (relay, log, folder) = try await Self.loggedRelay(to: origin.port, latencyMs: 10)
        defer {
            relay.stop()
            try? FileManager.default.removeItem(at: folder)
        }
        let scan = await Scanner(options: Self.options(), environment: SystemEnvironment()).scan(
            Target(host: "127.0.0.1", port: relay.port))
        #expect(scan.isComplete, "\(scan.undecided)")
        Self.expectExactOrUndecided(scan, expected, "latency")
        let relayLog = try await Self.settledLog(log, connections: scan.connections)
        let rounds = try #require(scan.network?.criticalPathRounds)
        #expect(relayLog.connections.count == scan.connections)
        // the relay's spans are wider than the scan's (they end when both sides have closed), so it sees no more
        // sequential rounds than the scan
        print("[latency] \(scan.connections) connections, scan \(rounds) rounds, relay \(relayLog.rounds) rounds")
        #expect(relayLog.rounds <= rounds + 1, "relay \(relayLog.rounds) rounds, scan \(rounds)")
        #expect(relayLog.rounds > 1)
        // the longest chain is one version's elimination (its suites + one refusal per list) plus the steps that
        // need it (preference, groups, certificate without SNI): well under the connection count
        let longest =
            scan.protocols.map { $0.suites.count + ProbeRequest.lists(for: SuiteOrder.candidates(for: $0.version).count) }.max() ?? 0
        let groupChain = scan.groups.map { $0.groups.count + 1 }.max() ?? 0
        #expect(rounds <= longest + groupChain + 4, "\(rounds) rounds for a longest elimination of \(longest)")
        #expect(rounds * 2 < scan.connections, "\(rounds) rounds for \(scan.connections) connections: little overlap")
    }

    /// nginx-wide follows the client's order: each suite list's rest is split in two halves eliminated in parallel
    /// once its first two picks show that order. The relay then sees fewer sequential rounds than the picks of
    /// the longest list (offered as one chain, each pick waits for the one before), and the suites stay exact.
    @Test func clientOrderListsAreEliminatedInParallel() async throws {
        let kind = "nginx-wide"
        let expected = try #require(Self.expectations[kind])
        let origin = try await TestOrigin.start(kind)
        defer { origin.stop() }
        let (relay, log, folder) = try await Self.loggedRelay(to: origin.port, latencyMs: 5)
        defer {
            relay.stop()
            try? FileManager.default.removeItem(at: folder)
        }
        var options = Self.options()
        options.crossCheck = false
        options.enumerateGroups = false
        options.observeCloudFront = false
        options.perHostConcurrency = 8
        let scan = await Scanner(options: options, environment: SystemEnvironment()).scan(Target(host: "127.0.0.1", port: relay.port))
        #expect(scan.isComplete, "\(scan.undecided)")
        Self.expectExactOrUndecided(scan, expected, "split")
        #expect(scan.protocolResult(.tls12)?.serverPreference == false)
        let relayLog = try await Self.settledLog(log, connections: scan.connections)
        // one chain per list would need (its picks + a refusal) rounds for the longest list, after the first probe
        let accepted = Set(expected.protocols["TLSv1.2"] ?? [])
        let lists = ProbeSession.offerLists(SuiteOrder.candidates(for: .tls12))
        let longest = lists.map { $0.filter(accepted.contains).count + 1 }.max() ?? 0
        print("[split] \(scan.connections) connections, relay \(relayLog.rounds) rounds, longest list chain \(longest)")
        #expect(longest > 20, "the wide origin's lists are too short to show a split")
        #expect(relayLog.rounds < longest, "relay \(relayLog.rounds) rounds: no faster than one chain of \(longest)")
    }
}
