import Foundation
import Testing
import TLSCatalog
import TLSWire
@testable import TLSEngines

private let deadlines = Deadlines(connect: .seconds(3), handshake: .seconds(5))

private func request(
    _ version: TLSVersion, _ suites: [UInt16], groups: [UInt16] = [29, 23, 24],
    serverName: String? = "localhost"
) -> ProbeRequest {
    ProbeRequest(version: version, suites: suites, groups: groups, signatureSchemes: [], serverName: serverName)
}

private func endpoint(_ port: Int, _ address: String = "127.0.0.1") -> Endpoint {
    Endpoint(host: "localhost", address: address, port: port)
}

/// Runs a probe and prints how long it took (the numbers quoted in reports come from here).
private func timed(_ label: String, _ body: () async -> ProbeOutcome) async -> ProbeOutcome {
    let start = ContinuousClock.now
    let outcome = await body()
    let elapsed = ContinuousClock.now - start
    print("[timing] \(label): \(elapsed.formatted(.units(allowed: [.milliseconds], fractionalPart: .show(length: 1)))) → \(outcome)")
    return outcome
}

@Suite("OpenSSL engine against openssl s_server")
struct OpenSSLEngineTests {
    @Test("TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256: code point, group, chain leaf first")
    func tls12() async throws {
        let pki = try await SharedPKI.get()
        let server = try await LocalServer.openssl(pki, extra: ["-cipher", "ECDHE-RSA-AES128-GCM-SHA256"])
        defer { server.stop() }
        let outcome = await timed("openssl TLS1.2 0xC02F") {
            await OpenSSLEngine().probe(request(.tls12, [0xC02F, 0x009C], groups: [23]), to: endpoint(server.port), deadlines: deadlines)
        }
        let negotiated = try #require(outcome.negotiated, "\(outcome)")
        #expect(negotiated.version == .tls12)
        #expect(negotiated.suite == 0xC02F)
        #expect(negotiated.group == 23)
        #expect(negotiated.dhBits == nil)
        #expect(negotiated.certificates.count == 2)
        #expect(negotiated.certificates.first == pki.leafDER)
        #expect(negotiated.certificates.last == pki.caDER)
        #expect(negotiated.secureRenegotiation == true)
    }

    @Test("TLS 1.3: code point and group")
    func tls13() async throws {
        let pki = try await SharedPKI.get()
        let server = try await LocalServer.openssl(pki, extra: [])
        defer { server.stop() }
        let outcome = await timed("openssl TLS1.3 0x1302") {
            await OpenSSLEngine().probe(request(.tls13, [0x1302], groups: [29]), to: endpoint(server.port), deadlines: deadlines)
        }
        let negotiated = try #require(outcome.negotiated, "\(outcome)")
        #expect(negotiated.version == .tls13)
        #expect(negotiated.suite == 0x1302)
        #expect(negotiated.group == 29)
        #expect(negotiated.certificates.count == 2)
        #expect(negotiated.certificates.first == pki.leafDER)
        #expect(negotiated.secureRenegotiation == nil)

        // Other group, other suite, same server: proves the offer is what the request says.
        let second = await timed("openssl TLS1.3 0x1303 P-384") {
            await OpenSSLEngine().probe(request(.tls13, [0x1303], groups: [24]), to: endpoint(server.port), deadlines: deadlines)
        }
        #expect(second.negotiated?.suite == 0x1303)
        #expect(second.negotiated?.group == 24)
    }

    @Test("DHE suite reports the prime size")
    func dhe() async throws {
        let pki = try await SharedPKI.get()
        let server = try await LocalServer.openssl(pki, extra: ["-cipher", "DHE-RSA-AES128-GCM-SHA256", "-tls1_2"])
        defer { server.stop() }
        let outcome = await OpenSSLEngine().probe(request(.tls12, [0x009E]), to: endpoint(server.port), deadlines: deadlines)
        let negotiated = try #require(outcome.negotiated, "\(outcome)")
        #expect(negotiated.suite == 0x009E)
        #expect((negotiated.dhBits ?? 0) >= 1024)
    }

    /// Whether this machine has an IPv6 loopback (::1) to listen on; without one the test is skipped (shown as
    /// skipped, not passed).
    static let hasIPv6Loopback = (try? SilentListener(ipv6: true)) != nil

    @Test("IPv6 literal", .enabled(if: hasIPv6Loopback, "no IPv6 loopback (::1) on this machine"))
    func ipv6() async throws {
        let pki = try await SharedPKI.get()
        let server = try await LocalServer.openssl(pki, extra: [], ipv6: true)
        defer { server.stop() }
        let outcome = await OpenSSLEngine().probe(request(.tls13, [0x1301]), to: endpoint(server.port, "::1"), deadlines: deadlines)
        #expect(outcome.negotiated?.suite == 0x1301, "\(outcome)")
    }

    @Test("version the server does not speak is rejected")
    func versionMismatch() async throws {
        let pki = try await SharedPKI.get()
        let server = try await LocalServer.openssl(pki, extra: ["-tls1_2"])
        defer { server.stop() }
        let outcome = await timed("openssl TLS1.1 vs 1.2-only") {
            await OpenSSLEngine().probe(request(.tls11, [0xC013, 0x002F]), to: endpoint(server.port), deadlines: deadlines)
        }
        guard case .rejected(let why) = outcome else {
            Issue.record("expected rejected, got \(outcome)")
            return
        }
        print("[rejection] \(why)")
    }

    @Test("suite the server does not accept is rejected with the server's alert")
    func suiteMismatch() async throws {
        let pki = try await SharedPKI.get()
        let server = try await LocalServer.openssl(pki, extra: ["-cipher", "ECDHE-RSA-AES128-GCM-SHA256", "-tls1_2"])
        defer { server.stop() }
        let outcome = await OpenSSLEngine().probe(request(.tls12, [0xC030]), to: endpoint(server.port), deadlines: deadlines)
        #expect(outcome == .rejected(.alert(Alert(level: 2, code: 40))), "\(outcome)")
    }

    @Test("nothing offerable fails locally without connecting")
    func nothingOfferable() async {
        let outcome = await OpenSSLEngine().probe(request(.tls10, [0x0004, 0x000A]), to: endpoint(1), deadlines: deadlines)
        guard case .failed(let failure) = outcome else {
            Issue.record("expected failed, got \(outcome)")
            return
        }
        #expect(failure.stage == .local)
        #expect(failure.message.contains("openssl cannot offer"))
        let sslv3 = await OpenSSLEngine().probe(request(.sslv3, [0x002F]), to: endpoint(1), deadlines: deadlines)
        #expect(sslv3.isDefinitive == false)
    }
}

@Suite("GnuTLS engine against gnutls-serv")
struct GnuTLSEngineTests {
    static let legacyPriority = "NONE:+VERS-TLS1.0:+ARCFOUR-128:+3DES-CBC:+RSA:+MD5:+SHA1:+COMP-NULL:+SIGN-ALL:+CTYPE-X509"

    @Test("TLS 1.0 RC4-MD5 and DES-CBC3-SHA")
    func legacy() async throws {
        let pki = try await SharedPKI.get()
        let server = try await LocalServer.gnutls(pki, priority: Self.legacyPriority)
        defer { server.stop() }
        for suite: UInt16 in [0x0004, 0x000A] {
            let outcome = await timed("gnutls TLS1.0 \(CodePointFormat.hex(suite))") {
                await GnuTLSEngine().probe(request(.tls10, [suite]), to: endpoint(server.port), deadlines: deadlines)
            }
            let negotiated = try #require(outcome.negotiated, "\(outcome)")
            #expect(negotiated.version == .tls10)
            #expect(negotiated.suite == suite)
            #expect(negotiated.group == nil)
            #expect(negotiated.certificates == [pki.leafDER])
        }
    }

    @Test("TLS 1.3 and TLS 1.2 ECDHE with groups")
    func modern() async throws {
        let pki = try await SharedPKI.get()
        let server = try await LocalServer.gnutls(pki, priority: "NORMAL")
        defer { server.stop() }
        let tls13 = await timed("gnutls TLS1.3 0x1301") {
            await GnuTLSEngine().probe(request(.tls13, [0x1301], groups: [23]), to: endpoint(server.port), deadlines: deadlines)
        }
        let n13 = try #require(tls13.negotiated, "\(tls13)")
        #expect(n13.suite == 0x1301)
        #expect(n13.group == 23)
        #expect(n13.certificates.first == pki.leafDER)
        let tls12 = await timed("gnutls TLS1.2 0xC02F") {
            await GnuTLSEngine().probe(request(.tls12, [0xC02F], groups: [29]), to: endpoint(server.port), deadlines: deadlines)
        }
        let n12 = try #require(tls12.negotiated, "\(tls12)")
        #expect(n12.suite == 0xC02F)
        #expect(n12.group == 29)
    }

    @Test("version the server does not speak is rejected")
    func versionMismatch() async throws {
        let pki = try await SharedPKI.get()
        let server = try await LocalServer.gnutls(pki, priority: Self.legacyPriority)
        defer { server.stop() }
        let outcome = await timed("gnutls TLS1.2 vs 1.0-only") {
            await GnuTLSEngine().probe(request(.tls12, [0x000A, 0x002F]), to: endpoint(server.port), deadlines: deadlines)
        }
        guard case .rejected(let why) = outcome else {
            Issue.record("expected rejected, got \(outcome)")
            return
        }
        print("[rejection] \(why)")
    }

    // Not tested here: a server signing with a key that does not match its certificate. gnutls-serv and
    // s_server both refuse to start with such a pair, so it needs a purpose-built server (an empty
    // disabled test stood here and passed as "skipped" in every run).

    @Test("nothing offerable fails locally")
    func nothingOfferable() async {
        let outcome = await GnuTLSEngine().probe(request(.tls12, [0x0017]), to: endpoint(1), deadlines: deadlines)
        guard case .failed(let failure) = outcome else {
            Issue.record("expected failed, got \(outcome)")
            return
        }
        #expect(failure.stage == .local)
    }
}

@Suite("transport outcomes for both library engines")
struct LibraryTransportTests {
    static let engines: [any HandshakeEngine] = [OpenSSLEngine(), GnuTLSEngine()]

    @Test("refused port → failed(.connect)")
    func refused() async throws {
        // Held (bound, never listening) for the whole test: no parallel test's server can take the port.
        let refused = try RefusedPort()
        defer { refused.close() }
        for engine in Self.engines {
            let outcome = await engine.probe(request(.tls12, [0xC02F]), to: endpoint(refused.port), deadlines: deadlines)
            #expect(outcome == .failed(ProbeFailure(.connect, "connection refused")), "\(engine.kind): \(outcome)")
        }
    }

    @Test("server that closes after the ClientHello → rejected(.closed); RST → rejected(.reset)")
    func closedAndReset() async throws {
        let closing = try ClosingListener(reset: false, count: Self.engines.count)
        defer { closing.close() }
        for engine in Self.engines {
            let outcome = await engine.probe(request(.tls12, [0xC02F]), to: endpoint(closing.port), deadlines: deadlines)
            #expect(outcome == .rejected(.closed), "\(engine.kind): \(outcome)")
        }
        let resetting = try ClosingListener(reset: true, count: Self.engines.count)
        defer { resetting.close() }
        for engine in Self.engines {
            let outcome = await engine.probe(request(.tls12, [0xC02F]), to: endpoint(resetting.port), deadlines: deadlines)
            #expect(outcome == .rejected(.reset), "\(engine.kind): \(outcome)")
        }
    }

    @Test("silent listener → timedOut(.handshake) within the deadline")
    func silent() async throws {
        let listener = try SilentListener()
        defer { listener.close() }
        let short = Deadlines(connect: .seconds(2), handshake: .milliseconds(700))
        for engine in Self.engines {
            let start = ContinuousClock.now
            let outcome = await engine.probe(request(.tls12, [0xC02F]), to: endpoint(listener.port), deadlines: short)
            let elapsed = ContinuousClock.now - start
            #expect(outcome == .timedOut(.handshake), "\(engine.kind): \(outcome)")
            // The deadline is honoured (never early); how late is the scheduler's business, not a test's.
            #expect(elapsed >= .milliseconds(650), "\(engine.kind): \(elapsed)")
        }
    }

    @Test("full accept backlog (SYNs dropped) → timedOut(.connect) within the deadline")
    func connectTimeout() async throws {
        let listener = try SilentListener(backlog: 0)
        defer { listener.close() }
        try listener.holdConnection()
        let short = Deadlines(connect: .milliseconds(500), handshake: .seconds(2))
        for engine in Self.engines {
            let start = ContinuousClock.now
            let outcome = await engine.probe(request(.tls12, [0xC02F]), to: endpoint(listener.port), deadlines: short)
            let elapsed = ContinuousClock.now - start
            #expect(outcome == .timedOut(.connect), "\(engine.kind): \(outcome)")
            #expect(elapsed >= .milliseconds(450), "\(engine.kind): \(elapsed)")
        }
    }

    @Test("many concurrent probes do not block the cooperative pool")
    func concurrent() async throws {
        let listener = try SilentListener()
        defer { listener.close() }
        let short = Deadlines(connect: .seconds(2), handshake: .milliseconds(800))
        let port = listener.port
        typealias Span = (outcome: ProbeOutcome, start: ContinuousClock.Instant, end: ContinuousClock.Instant)
        let spans = await withTaskGroup(of: Span.self) { group in
            for index in 0..<40 {
                group.addTask {
                    let engine: any HandshakeEngine = index.isMultiple(of: 2) ? OpenSSLEngine() : GnuTLSEngine()
                    let start = ContinuousClock.now
                    let outcome = await engine.probe(request(.tls12, [0xC02F]), to: endpoint(port), deadlines: short)
                    return (outcome, start, ContinuousClock.now)
                }
            }
            var all: [Span] = []
            for await span in group { all.append(span) }
            return all
        }
        #expect(spans.allSatisfy { $0.outcome == .timedOut(.handshake) }, "\(spans.map(\.outcome).filter { $0 != .timedOut(.handshake) })")
        // Probes that blocked the pool would run one after another: at most one in flight at any instant.
        // Count how many were in flight together (no wall-clock bound: only the overlap of the spans).
        let overlap = spans.map { probe in spans.filter { $0.start <= probe.start && probe.start < $0.end }.count }.max() ?? 0
        #expect(overlap >= 10, "at most \(overlap) of 40 silent probes were in flight at once")
    }
}

@Suite("capability tables of the linked libraries")
struct CapabilityTests {
    @Test("OpenSSL: 0xC02F at TLS 1.2, no RC4, no 3DES, no SSLv3")
    func openssl() {
        let table = EngineCapabilities.openssl()
        #expect(table[.tls12]?.contains(0xC02F) == true)
        #expect(table[.tls13]?.contains(0x1301) == true)
        #expect(table[.tls13]?.contains(0xC02F) == false)
        for version in TLSVersion.allCases {
            #expect(table[version]?.contains(0x0004) != true)
            #expect(table[version]?.contains(0x000A) != true)
        }
        #expect(table[.sslv3]?.isEmpty ?? true)
        #expect(EngineCapabilities.canOffer(.openssl, version: .tls12, suite: 0xC02F))
        #expect(!EngineCapabilities.canOffer(.openssl, version: .tls10, suite: 0xC02F))
        #expect(EngineCapabilities.libraryVersion(.openssl).hasPrefix("OpenSSL 3"))
        print(
            "[capabilities] \(EngineCapabilities.libraryVersion(.openssl)): "
                + TLSVersion.allCases.map { "\($0)=\(table[$0]?.count ?? 0)" }.joined(separator: " "))
    }

    @Test("GnuTLS: 0x0004 and 0x000A at TLS 1.0, no SSLv3")
    func gnutls() {
        let table = EngineCapabilities.gnutls()
        #expect(table[.tls10]?.contains(0x0004) == true)
        #expect(table[.tls10]?.contains(0x000A) == true)
        #expect(table[.tls12]?.contains(0xC02F) == true)
        #expect(table[.tls10]?.contains(0xC02F) == false)
        #expect(table[.tls13]?.contains(0x1301) == true)
        #expect(table[.sslv3]?.isEmpty ?? true)
        #expect(EngineCapabilities.canOffer(.gnutls, version: .tls10, suite: 0x0004))
        #expect(EngineCapabilities.libraryVersion(.gnutls).hasPrefix("GnuTLS 3"))
        print(
            "[capabilities] \(EngineCapabilities.libraryVersion(.gnutls)): "
                + TLSVersion.allCases.map { "\($0)=\(table[$0]?.count ?? 0)" }.joined(separator: " "))
    }

    @Test("capability lookups are safe from many tasks at once")
    func concurrentLookups() async {
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    EngineCapabilities.canOffer(.openssl, version: .tls12, suite: 0xC02F)
                        && EngineCapabilities.canOffer(.gnutls, version: .tls10, suite: 0x000A)
                }
            }
            for await ok in group { #expect(ok) }
        }
    }
}
