import Foundation
import TLSAudit
import TLSCatalog
@testable import TLSEngines
@testable import TLSScan
import Testing

/// A problem of the scanning machine (out of file descriptors, no route) is not a dead origin: the classifier
/// and every engine name it a local failure (the program's runs: tlsmatrixCLITests/LocalErrorsTests).
/// 127.255.255.255 is the broadcast address of `lo`: a TCP connect to it fails at once with ENETUNREACH.
@Suite(.serialized) struct LocalErrorsEngineTests {
    /// Loopback's broadcast address: connect() gives ENETUNREACH on this machine alone.
    static let unroutable = "127.255.255.255"

    // MARK: the classifier (unit)

    @Test func testLocalErrorsClassifyErrno() {
        for code in [EMFILE, ENFILE, ENETUNREACH, EADDRNOTAVAIL, ENOBUFS, ENOMEM, EACCES, EPERM] {
            #expect(SocketErrno.isLocal(code), "errno \(code) is a problem of this machine")
            #expect(SocketErrno.localReason(code).hasPrefix("local problem on the scanning machine, not the origin"))
        }
        for code in [ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ECONNRESET] {
            #expect(!SocketErrno.isLocal(code), "errno \(code) is the origin's (or its network's) answer")
        }
        let local = ProbeOutcome.failed(ProbeFailure(.localSystem, SocketErrno.localReason(EMFILE)))
        let reach = ProbeSession.reachability(after: local, version: .tls12, deadlines: Deadlines())
        #expect(reach == .localError(SocketErrno.localReason(EMFILE)))
        #expect(reach?.isUndecided == true)
        #expect(!ProbeSession.isConnectFailure(local), "a local error is not retried as a connection attempt")
        let remote = ProbeOutcome.failed(ProbeFailure(.connect, SocketErrno.describe(ECONNREFUSED)))
        #expect(ProbeSession.reachability(after: remote, version: .tls12, deadlines: Deadlines()) == .refused("connection refused"))

        var scan = ScanResult(target: Target(host: "127.0.0.1", port: 443), reachability: .localError(SocketErrno.localReason(EMFILE)))
        let verdict = CloudFrontVerdict.evaluate(scan)
        #expect(verdict.compatible == nil, "the origin was never asked")
        #expect(verdict.causes.map(\.id) == ["scan-incomplete"])
        #expect(verdict.causes[0].message.contains("not the origin"))
        scan.reachability = .refused("connection refused")
        #expect(CloudFrontVerdict.evaluate(scan).causes.map(\.id) == ["origin-not-responding"])
    }

    // MARK: ENETUNREACH, for real

    /// Every engine's connect path (NIO for the wire engine, EngineSocket for OpenSSL and GnuTLS)
    /// turns the real ENETUNREACH into a local failure, not a connect failure.
    @Test func testLocalErrorsUnroutableAddressIsALocalFailureInEveryEngine() async throws {
        let endpoint = Endpoint(host: Self.unroutable, address: Self.unroutable, port: 443)
        let request = ProbeRequest(
            version: .tls12, suites: [0xC02F, 0x009C], groups: [0x001D, 0x0017],
            signatureSchemes: [0x0804, 0x0403, 0x0401], serverName: nil)
        for engine in [WireEngine() as any HandshakeEngine, OpenSSLEngine(), GnuTLSEngine()] {
            let outcome = await engine.probe(request, to: endpoint, deadlines: Deadlines(connect: .seconds(5), handshake: .seconds(5)))
            guard case .failed(let failure) = outcome else {
                Issue.record("\(engine.kind): \(outcome)")
                continue
            }
            #expect(failure.stage.rawValue == "localSystem", "\(engine.kind): \(failure.stage) \(failure.message)")
            #expect(
                failure.message.contains("local problem") && failure.message.contains("ENETUNREACH"), "\(engine.kind): \(failure.message)")
        }
    }
}
