import Foundation
import Glibc
import TestSupport
import Testing
import TLSCatalog
import TLSEngines

/// The wire engine over real sockets: each probe ends in exactly one, truthful outcome.
@Suite struct WireEngineTests {
    let request = ProbeRequest(version: .tls12, suites: [0xC02F], groups: [0x1D], signatureSchemes: [0x0804], serverName: nil)

    @Test func refusedPortIsAlwaysAConnectFailureNeverARejection() async throws {
        // A socket bound but never listening: connects to its port are refused, and no other test's server can take
        // the port while the probes run (a closed listener's port could be reused by a parallel test's origin).
        let reserved = try BoundPort()
        defer { reserved.close() }
        let endpoint = Endpoint(host: "127.0.0.1", address: "127.0.0.1", port: reserved.port)
        // Many at once, to shake out races between the failed connect and the channel teardown.
        let outcomes = await withTaskGroup(of: ProbeOutcome.self) { group in
            for _ in 0..<50 {
                group.addTask { await WireEngine().probe(request, to: endpoint, deadlines: Deadlines()) }
            }
            var all: [ProbeOutcome] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        for outcome in outcomes {
            guard case .failed(let failure) = outcome else {
                Issue.record("refused connect reported as \(outcome)")
                continue
            }
            #expect(failure.stage == .connect)
        }
    }

    @Test func silentServerTimesOutInTheHandshakePhase() async throws {
        let listener = try SilentListener()
        defer { listener.stop() }
        let endpoint = Endpoint(host: "127.0.0.1", address: "127.0.0.1", port: listener.port)
        let outcome = await WireEngine().probe(
            request, to: endpoint, deadlines: Deadlines(connect: .seconds(2), handshake: .milliseconds(300)))
        #expect(outcome == .timedOut(.handshake))
    }

    @Test func realServerAcceptsAndRejects() async throws {
        let origin = try await TestOrigin.start("openssl-modern")
        defer { origin.stop() }
        let endpoint = Endpoint(host: origin.host, address: origin.host, port: origin.port)
        let accepted = await WireEngine().probe(request, to: endpoint, deadlines: Deadlines())
        #expect(accepted.negotiated?.suite == 0xC02F)
        #expect(accepted.negotiated?.version == .tls12)
        var legacy = request
        legacy.version = .tls10
        guard case .rejected(.alert(let alert)) = await WireEngine().probe(legacy, to: endpoint, deadlines: Deadlines()) else {
            Issue.record("TLS 1.0 should be refused with an alert")
            return
        }
        #expect(alert.name == "protocol_version")
        var tls13 = request
        tls13.version = .tls13
        tls13.suites = [0x1301]
        tls13.groups = [0x0018]  // P-384: no key share sent, so the server must ask again
        let retry = await WireEngine().probe(tls13, to: endpoint, deadlines: Deadlines())
        #expect(retry.negotiated?.helloRetry == true)
        #expect(retry.negotiated?.group == 0x0018)
    }
}
