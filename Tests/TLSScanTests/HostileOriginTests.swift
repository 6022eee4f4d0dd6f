import Foundation
import TestSupport
import Testing
import TLSCatalog
@testable import TLSEngines
import TLSScan
import TLSWire

/// Origins that break the protocol on purpose (scripts/origins/hostile_origin.py): every probe still ends
/// in exactly one outcome with a reason, never an acceptance the bytes did not prove, and never reads
/// without bound.
@Suite(.serialized) struct HostileOriginTests {
    static let deadlines = Deadlines(connect: .seconds(2), handshake: .seconds(2))
    /// What the scanner sends for TLS 1.2 and earlier: the whole first flight is read.
    static let tls12 = ProbeRequest(
        version: .tls12, suites: [0xC02F, 0xC030, 0x009C, 0x002F], groups: [0x001D, 0x0017],
        signatureSchemes: [0x0804, 0x0403, 0x0401], serverName: nil, wantsKeyExchange: true)
    static let tls13 = ProbeRequest(
        version: .tls13, suites: [0x1301, 0x1302], groups: [0x001D, 0x0017, 0x0018],
        signatureSchemes: [0x0804, 0x0403], serverName: nil)
    static let sslv2 = ProbeRequest(version: .sslv2, suites: [], groups: [], signatureSchemes: [], serverName: nil)

    /// Less than this many bytes may reach the client before it gives up on a flight: the wire parser
    /// and the GnuTLS engine stop reading at 1 MiB, OpenSSL at the first oversized message header.
    static let sentLimit = 2 * 1024 * 1024

    func probe(
        _ mode: HostileOrigin.Mode, _ request: ProbeRequest = tls12,
        engine: any HandshakeEngine = WireEngine()
    ) async throws -> (ProbeOutcome, HostileOrigin) {
        let origin = try await HostileOrigin.start(mode)
        let endpoint = Endpoint(host: "127.0.0.1", address: "127.0.0.1", port: origin.port)
        let outcome = await engine.probe(request, to: endpoint, deadlines: Self.deadlines)
        return (outcome, origin)
    }

    // MARK: - The wire engine against each mode

    @Test func silentTimesOutInTheHandshakeNeverEarly() async throws {
        let origin = try await HostileOrigin.start(.silent)
        defer { origin.stop() }
        let start = ContinuousClock.now
        let outcome = await WireEngine().probe(
            Self.tls12, to: Endpoint(host: "127.0.0.1", address: "127.0.0.1", port: origin.port),
            deadlines: Self.deadlines)
        #expect(outcome == .timedOut(.handshake))
        #expect(ContinuousClock.now - start >= Self.deadlines.handshake, "gave up before the handshake deadline")
    }

    @Test func closeWithoutAnswerIsARejectionByClose() async throws {
        let (outcome, origin) = try await probe(.close)
        defer { origin.stop() }
        #expect(outcome == .rejected(.closed))
    }

    @Test func resetIsARejectionByReset() async throws {
        let (outcome, origin) = try await probe(.reset)
        defer { origin.stop() }
        #expect(outcome == .rejected(.reset))
    }

    @Test func plainHTTPIsNotTLS() async throws {
        let (outcome, origin) = try await probe(.http)
        defer { origin.stop() }
        expectFailure(outcome, .notTLS, mentioning: ["plain HTTP"])
    }

    @Test func randomBytesAreNotTLS() async throws {
        let (outcome, origin) = try await probe(.random)
        defer { origin.stop() }
        expectFailure(outcome, .notTLS, mentioning: ["unexpected bytes"])
    }

    @Test func recordCutShortThenClosedIsAViolationNotARefusal() async throws {
        let (outcome, origin) = try await probe(.truncated)
        defer { origin.stop() }
        expectFailure(outcome, .protocolViolation, mentioning: ["closed the connection", "no complete ServerHello"])
    }

    @Test func recordOverTheLengthLimitIsAViolation() async throws {
        let (outcome, origin) = try await probe(.oversized)
        defer { origin.stop() }
        expectFailure(outcome, .protocolViolation, mentioning: ["18433", "exceeds"])
    }

    @Test func zeroLengthServerHelloIsAViolation() async throws {
        let (outcome, origin) = try await probe(.zeroHandshake)
        defer { origin.stop() }
        expectFailure(outcome, .protocolViolation, mentioning: ["truncated", "ServerHello"])
    }

    @Test func suiteThatWasNotOfferedIsAViolationNamingTheSuite() async throws {
        let (outcome, origin) = try await probe(.unofferedSuite)
        defer { origin.stop() }
        expectFailure(outcome, .protocolViolation, mentioning: ["0x0000", "not offered"])
        let (outcome13, origin13) = try await probe(.unofferedSuite, Self.tls13)
        defer { origin13.stop() }
        expectFailure(outcome13, .protocolViolation, mentioning: ["0x1303", "not offered"])
    }

    @Test func versionThatWasNotOfferedIsAViolationNamingTheVersion() async throws {
        let (outcome, origin) = try await probe(.unofferedVersion)
        defer { origin.stop() }
        expectFailure(outcome, .protocolViolation, mentioning: ["0x304", "TLSv1.2"])
        let (outcome13, origin13) = try await probe(.unofferedVersion, Self.tls13)
        defer { origin13.stop() }
        expectFailure(outcome13, .protocolViolation, mentioning: ["0x305", "TLSv1.3"])
    }

    @Test func secondHelloRetryRequestIsAViolation() async throws {
        let (outcome, origin) = try await probe(.hrrTwice, Self.tls13)
        defer { origin.stop() }
        expectFailure(outcome, .protocolViolation, mentioning: ["HelloRetryRequest"])
        let records = await origin.endedConnections(atLeast: 1)
        #expect(records.first?.hellos == 2, "the wire engine should have answered the first retry: \(records)")
    }

    // MARK: - Answers real stacks give when no offered group is usable

    @Test func helloRetryNamingNoGroupIsARefusalOfTheGroups() async throws {
        // wolfSSL 5.5: a HelloRetryRequest with neither key_share nor cookie; no second hello can differ from the first.
        let (outcome, origin) = try await probe(.hrrNoGroup, Self.tls13)
        defer { origin.stop() }
        #expect(outcome == .rejected(.helloRetryWithoutGroup(suite: 0x1301)))
        if case .rejected(let rejection) = outcome {
            #expect(rejection.refusesGroups)
            #expect(rejection.description.contains("names no group"), "\(rejection)")
        }
        let records = await origin.endedConnections(atLeast: 1)
        #expect(records.first?.hellos == 1, "a retry request that asks for nothing is not answered: \(records)")
    }

    @Test func helloRetryWithOnlyACookieIsAnsweredWithTheCookieEchoed() async throws {
        // The origin accepts the second hello only in a 0x0303 record, with the cookie unchanged and a key share.
        let (outcome, origin) = try await probe(.hrrCookie, Self.tls13)
        defer { origin.stop() }
        #expect(outcome == .accepted(Negotiated(version: .tls13, suite: 0x1301, group: 0x001D, helloRetry: true)), "\(outcome)")
        let records = await origin.endedConnections(atLeast: 1)
        #expect(records.first?.hellos == 2, "\(records)")
        #expect(records.first?.end.hasPrefix("answered the cookie") == true, "\(records)")
    }

    @Test func ecdheCertificateThenCleanCloseIsARefusalOfTheGroups() async throws {
        // mbedTLS 2.28: ServerHello (ECDHE), Certificate, then FIN without a ServerKeyExchange.
        let (outcome, origin) = try await probe(.ecdheNoKeyExchange)
        defer { origin.stop() }
        #expect(outcome == .rejected(.noKeyExchange(suite: 0xC02F)), "\(outcome)")
        if case .rejected(let rejection) = outcome {
            #expect(rejection.refusesGroups)
            #expect(rejection.description.contains("without a ServerKeyExchange"), "\(rejection)")
        }
    }

    @Test(arguments: [HostileOrigin.Mode.ecdheNoKeyExchangeReset, .ecdheNoKeyExchangeCut])
    func ecdheCertificateThenResetOrCutIsNoRefusal(_ mode: HostileOrigin.Mode) async throws {
        // Only a clean close at a message boundary says "no usable group"; a reset or a record cut short does not.
        let (outcome, origin) = try await probe(mode)
        defer { origin.stop() }
        if case .rejected(let rejection) = outcome {
            Issue.record(
                "\(mode): a refusal (\(rejection)) from a flight that ended with a \(mode == .ecdheNoKeyExchangeCut ? "cut record" : "reset")"
            )
        }
        #expect(outcome.negotiated?.group == nil, "\(mode): \(outcome)")
    }

    @Test func ecdheCertificateThenCleanCloseAfterAServerHelloOnlyProbeIsAnAcceptance() async throws {
        // A probe that reads only the ServerHello never sees the close: the suite is accepted, as before.
        var request = Self.tls12
        request.wantsKeyExchange = false
        let (outcome, origin) = try await probe(.ecdheNoKeyExchange, request)
        defer { origin.stop() }
        #expect(outcome.negotiated?.suite == 0xC02F, "\(outcome)")
    }

    @Test func sslv2AnswerToATLSHelloIsAViolation() async throws {
        let (outcome, origin) = try await probe(.sslv2)
        defer { origin.stop() }
        expectFailure(outcome, .protocolViolation, mentioning: ["SSL 2.0 SERVER-HELLO", "TLSv1.2"])
    }

    @Test func sslv2CipherKindThatWasNotOfferedIsAViolation() async throws {
        let (outcome, origin) = try await probe(.sslv2, Self.sslv2)
        defer { origin.stop() }
        expectFailure(outcome, .protocolViolation, mentioning: ["cipher kind", "0x080080", "not offered"])
    }

    @Test func tlsServerHelloClaimingSSL2IsAViolationNotARefusal() async throws {
        // The origin echoes the SSL 2.0 CLIENT-HELLO's version 0x0002 in a TLS ServerHello.
        let (outcome, origin) = try await probe(.unofferedSuite, Self.sslv2)
        defer { origin.stop() }
        expectFailure(outcome, .protocolViolation, mentioning: ["0x0002", "not a TLS version"])
    }

    @Test func undefinedFatalAlertIsARejectionWithItsNumber() async throws {
        let (outcome, origin) = try await probe(.unknownAlert)
        defer { origin.stop() }
        guard case .rejected(.alert(let alert)) = outcome else {
            Issue.record("expected a rejection by alert, got \(outcome)")
            return
        }
        #expect(alert.isFatal)
        #expect(alert.code == 254)
        #expect(Rejection.alert(alert).description.contains("unknown(254)"))
    }

    @Test func oneBytePerSecondTimesOutInTheHandshakeNeverEarly() async throws {
        let origin = try await HostileOrigin.start(.slow)
        defer { origin.stop() }
        let start = ContinuousClock.now
        let outcome = await WireEngine().probe(
            Self.tls12, to: Endpoint(host: "127.0.0.1", address: "127.0.0.1", port: origin.port),
            deadlines: Self.deadlines)
        #expect(outcome == .timedOut(.handshake))
        #expect(ContinuousClock.now - start >= Self.deadlines.handshake, "gave up before the handshake deadline")
    }

    @Test func tenMegabyteCertificateFailsAfterReadingLittle() async throws {
        let (outcome, origin) = try await probe(.hugeCertificate)
        defer { origin.stop() }
        expectFailure(outcome, .protocolViolation, mentioning: ["0xC02F", "10485760"])
        try await expectStoppedEarly(origin)
    }

    @Test func endlessHandshakeMessageFailsAtTheFlightLimit() async throws {
        let (outcome, origin) = try await probe(.endless)
        defer { origin.stop() }
        expectFailure(outcome, .protocolViolation, mentioning: ["1048576"])
        try await expectStoppedEarly(origin)
    }

    @Test func endlessWarningAlertsAreAViolationNotARefusal() async throws {
        let (outcome, origin) = try await probe(.endlessAlerts)
        defer { origin.stop() }
        expectFailure(outcome, .protocolViolation, mentioning: ["warning alert"])
        try await expectStoppedEarly(origin)
    }

    // MARK: - A whole scan against each mode

    /// The certificate modes answer with a well-formed ServerHello for an offered suite: that is an acceptance the
    /// bytes prove (see ``controlCNCertificateEndsEveryProbeAndReachesNoReportRaw()`` and HostileCertificateTests).
    /// The reset mode's scan is the same check in a suite of its own (``HostileOriginResetScanTests``).
    @Test(arguments: HostileOrigin.Mode.protocolBreaking.filter { $0 != .reset })
    func scanClaimsNothingTheBytesDidNotProve(_ mode: HostileOrigin.Mode) async throws {
        try await Self.scanClaimsNothing(mode)
    }

    /// A whole scan of an origin in `mode`: no suite, group, certificate or acceptance the bytes did not prove, and
    /// the reachability and completeness each kind of misbehaviour calls for.
    static func scanClaimsNothing(_ mode: HostileOrigin.Mode) async throws {
        let origin = try await HostileOrigin.start(mode)
        defer { origin.stop() }
        var options = ScanOptions()
        options.deadlines = Self.deadlines
        options.httpPort = nil
        let result = await Scanner(options: options, environment: SystemEnvironment()).scan(Target(host: "127.0.0.1", port: origin.port))

        for proto in result.protocols {
            #expect(proto.suites.isEmpty, "\(mode): \(proto.version) reported \(proto.suites.map { CodePointFormat.hex($0.code) })")
            #expect(proto.supported != true, "\(mode): \(proto.version) reported as supported (\(proto.note ?? ""))")
        }
        #expect(result.groups.allSatisfy { $0.groups.isEmpty }, "\(mode): groups \(result.groups)")
        #expect(result.certificates.isEmpty, "\(mode): certificates reported")
        #expect(result.probes.accepted == 0, "\(mode): \(result.probes)")

        switch mode {
        case .silent, .slow:
            guard case .noTLSAnswer(let why) = result.reachability else {
                Issue.record("\(mode): reachability \(result.reachability)")
                return
            }
            #expect(why.contains("no answer"))
            #expect(!result.isComplete)
            #expect(result.probes.timedOut >= 1)
        case .http, .random:
            guard case .noTLSAnswer(let why) = result.reachability else {
                Issue.record("\(mode): reachability \(result.reachability)")
                return
            }
            #expect(why.contains(mode == .http ? "HTTP" : "unexpected bytes"))
            #expect(!result.isComplete)
        case .reset:
            // A reset is never a refusal: each probe is retried, then listed as not definitive.
            #expect(result.reachability == .reachable)
            #expect(!result.isComplete)
            #expect(!result.undecided.isEmpty && result.undecided.allSatisfy { $0.reason.contains("reset") }, "\(result.undecided)")
            for proto in result.protocols where proto.version != .sslv2 {
                #expect(proto.supported == nil, "\(mode): \(proto.version) \(proto.note ?? "")")
            }
        case .close, .unknownAlert:
            // Refusals are definitive: every version is a clear "no" (a bare close once confirmed by a second).
            #expect(result.reachability == .reachable)
            #expect(result.isComplete, "\(mode): \(result.undecided)")
            for proto in result.protocols {
                #expect(proto.supported == false, "\(mode): \(proto.version) \(proto.note ?? "")")
            }
        default:
            // The origin answers, but nothing it says is a definitive yes or no.
            #expect(result.reachability == .reachable)
            #expect(!result.isComplete)
            #expect(!result.undecided.isEmpty)
            for proto in result.protocols where proto.version != .sslv2 {
                #expect(proto.supported == nil || proto.supported == false, "\(mode): \(proto.version)")
                if proto.supported == nil {
                    #expect(proto.note?.hasPrefix("not decided") == true, "\(mode): \(proto.version) \(proto.note ?? "")")
                }
            }
            #expect(result.undecided.allSatisfy { !$0.reason.isEmpty })
        }
        if mode == .hugeCertificate || mode == .endless || mode == .endlessAlerts {
            print("[hostile] scan of \(mode): most sent on one connection \(origin.connections().map(\.sent).max() ?? 0) bytes")
            for record in origin.connections() {
                #expect(record.sent < Self.sentLimit, "\(mode): \(record)")
            }
        }
    }

    // MARK: - The library engines

    static let libraryModes: [HostileOrigin.Mode] = [
        .http, .truncated, .unofferedSuite, .unofferedVersion, .hrrTwice, .sslv2, .unknownAlert,
        .slow, .hugeCertificate, .endless, .endlessAlerts, .controlCN,
    ]

    @Test(arguments: [EngineKind.openssl, .gnutls], libraryModes)
    func libraryEngineEndsWithoutAcceptance(_ kind: EngineKind, _ mode: HostileOrigin.Mode) async throws {
        let engine: any HandshakeEngine = kind == .openssl ? OpenSSLEngine() : GnuTLSEngine()
        let request = mode == .hrrTwice || mode == .unofferedVersion ? Self.tls13 : Self.tls12
        let (outcome, origin) = try await probe(mode, request, engine: engine)
        defer { origin.stop() }
        #expect(outcome.negotiated == nil, "\(kind) \(mode): \(outcome)")
        if mode == .slow {
            #expect(outcome == .timedOut(.handshake), "\(kind) \(mode): \(outcome)")
        } else {
            // A real client's handshake fails: the library engines report that as a rejection with the library's reason.
            guard case .rejected = outcome else {
                Issue.record("\(kind) \(mode): \(outcome)")
                return
            }
        }
        if mode == .hugeCertificate || mode == .endless || mode == .endlessAlerts {
            try await expectStoppedEarly(origin)
        }
    }

    // MARK: - A certificate whose names carry terminal control sequences

    /// The wire engine reads the chain and accepts (the ServerHello proves the suite); the library
    /// engines cannot finish the handshake and say why. (The real binary's report of that origin:
    /// tlsmatrixCLITests/TerminalEscapesTests.)
    @Test func controlCNCertificateEndsEveryProbe() async throws {
        let origin = try await HostileOrigin.start(.controlCN)
        defer { origin.stop() }
        let endpoint = Endpoint(host: "127.0.0.1", address: "127.0.0.1", port: origin.port)
        let wire = await WireEngine().probe(Self.tls12, to: endpoint, deadlines: Self.deadlines)
        let chain = try #require(wire.negotiated?.certificates, "\(wire)")
        #expect(chain.count == 2)
        #expect(wire.negotiated?.suite == 0x009C, "\(wire)")
        for engine in [OpenSSLEngine() as any HandshakeEngine, GnuTLSEngine()] {
            let outcome = await engine.probe(Self.tls12, to: endpoint, deadlines: Self.deadlines)
            guard case .rejected(let why) = outcome else {
                Issue.record("\(engine): \(outcome)")
                continue
            }
            #expect(!why.description.isEmpty)
        }
    }

    // MARK: - Helpers

    func expectFailure(
        _ outcome: ProbeOutcome, _ stage: ProbeFailure.Stage, mentioning words: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard case .failed(let failure) = outcome else {
            Issue.record("expected a \(stage) failure, got \(outcome)", sourceLocation: sourceLocation)
            return
        }
        #expect(failure.stage == stage, "\(failure)", sourceLocation: sourceLocation)
        for word in words {
            #expect(failure.message.contains(word), "\"\(failure.message)\" does not mention \(word)", sourceLocation: sourceLocation)
        }
    }

    /// The client hung up after a bounded read: the origin could not stream its whole answer.
    func expectStoppedEarly(_ origin: HostileOrigin, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let records = await origin.endedConnections(atLeast: 1)
        let record = try #require(records.first, "the origin never saw its client leave", sourceLocation: sourceLocation)
        print("[hostile] \(record)")
        #expect(record.end.hasPrefix("client left"), "\(record)", sourceLocation: sourceLocation)
        #expect(record.sent < Self.sentLimit, "\(record)", sourceLocation: sourceLocation)
    }
}

/// ``HostileOriginTests/scanClaimsNothing(_:)`` for the origin that resets every connection, apart so it runs
/// alongside the other suites instead of at the end of HostileOriginTests' serialized line: every probe's attempts
/// are reset, so the scan's probe gate backs off to its slowest pace (one probe at a time, 2 s between starts) and
/// this one scan spends about four minutes waiting, at almost no CPU.
@Suite struct HostileOriginResetScanTests {
    @Test func scanOfAnOriginThatResetsEveryConnectionClaimsNothing() async throws {
        try await HostileOriginTests.scanClaimsNothing(.reset)
    }
}

/// What the wire engine does beside parsing one flight, checked byte by byte and against a real server:
/// leading warning alerts are skipped (a warning is not a refusal), and a HelloRetryRequest is answered.
@Suite struct FlightConsumerTests {
    static let helloRetryRandom = TLSConstants.helloRetryRequestRandom

    /// A TLS 1.3 ServerHello (or HelloRetryRequest) record choosing `suite`, with a key share for `group`.
    static func serverHello(suite: UInt16, group: UInt16, retry: Bool) -> [UInt8] {
        var extensions: [UInt8] = [0x00, 0x2B, 0x00, 0x02, 0x03, 0x04]
        let share: [UInt8] = retry ? [] : [UInt8](repeating: 0x42, count: 32)
        let keyShare = [UInt8(group >> 8), UInt8(group & 0xFF)] + (retry ? [] : [0x00, UInt8(share.count)] + share)
        extensions += [0x00, 0x33, 0x00, UInt8(keyShare.count)] + keyShare
        var body: [UInt8] = [0x03, 0x03]
        body += retry ? helloRetryRandom : [UInt8](repeating: 0x11, count: 32)
        body += [0x00, UInt8(suite >> 8), UInt8(suite & 0xFF), 0x00]
        body += [UInt8(extensions.count >> 8), UInt8(extensions.count & 0xFF)] + extensions
        let message = [0x02, 0x00, UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
        return [0x16, 0x03, 0x03, UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message
    }

    static let warning: [UInt8] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 112]
    static let request = ProbeRequest(
        version: .tls13, suites: [0x1301, 0x1302], groups: [0x001D, 0x0018],
        signatureSchemes: [0x0804], serverName: nil)

    static func firstHello() -> ClientHello {
        ClientHello(version: .tls13, suites: request.suites, groups: request.groups, signatureSchemes: request.signatureSchemes)
    }

    @Test func warningAlertBeforeTheServerHelloIsNotARefusal() throws {
        var consumer = FlightConsumer(depth: .serverHello)
        // Byte by byte, so a warning split across reads is handled too.
        var done = false
        for byte in Self.warning + Self.serverHello(suite: 0x1301, group: 0x001D, retry: false) where !done {
            done = try consumer.consume([byte])
        }
        #expect(done)
        #expect(consumer.warnings.map(\.name) == ["unrecognized_name"])
        let outcome = WireEngine.outcome(of: .complete(consumer), for: Self.request)
        #expect(outcome.negotiated?.suite == 0x1301, "\(outcome)")
    }

    @Test func warningThenCloseIsARefusalNamingTheWarning() throws {
        var consumer = FlightConsumer(depth: .serverHello)
        #expect(try consumer.consume(Self.warning) == false)
        let outcome = WireEngine.outcome(of: .closed(consumer), for: Self.request)
        #expect(outcome == .rejected(.alert(Alert(level: 1, code: 112))))
    }

    @Test func helloRetryRequestIsAnsweredAndTheServerHelloThatFollowsIsTheProof() throws {
        let first = Self.firstHello()
        var consumer = FlightConsumer(depth: .serverHello, firstHello: first)
        #expect(try consumer.consume(Self.serverHello(suite: 0x1302, group: 0x0018, retry: true)) == false)
        let taken = consumer.takeReply()
        let reply = try #require(taken, "no second ClientHello")
        let again = consumer.takeReply()
        #expect(again == nil)
        let second = try ClientHelloSummary(records: reply)
        #expect(second.keyShareGroups == [0x0018])
        #expect(second.random == first.random)
        #expect(second.sessionID == first.sessionID)
        #expect(second.suites == first.suites)
        // A middlebox-compatibility ChangeCipherSpec may come first.
        let changeCipherSpec: [UInt8] = [0x14, 0x03, 0x03, 0x00, 0x01, 0x01]
        #expect(try consumer.consume(changeCipherSpec + Self.serverHello(suite: 0x1302, group: 0x0018, retry: false)))
        let outcome = WireEngine.outcome(of: .complete(consumer), for: Self.request)
        #expect(outcome == .accepted(Negotiated(version: .tls13, suite: 0x1302, group: 0x0018, helloRetry: true)), "\(outcome)")
    }

    @Test func helloRetryForAGroupWithoutAShareIsStillTheAnswer() throws {
        // ffdhe2048: the engine has no share to send, so the retry request names the suite on its own.
        var request = Self.request
        request.groups = [0x001D, 0x0100]
        let first = ClientHello(version: .tls13, suites: request.suites, groups: request.groups, signatureSchemes: request.signatureSchemes)
        var consumer = FlightConsumer(depth: .serverHello, firstHello: first)
        #expect(try consumer.consume(Self.serverHello(suite: 0x1301, group: 0x0100, retry: true)))
        let reply = consumer.takeReply()
        #expect(reply == nil)
        let outcome = WireEngine.outcome(of: .complete(consumer), for: request)
        #expect(outcome.negotiated?.helloRetry == true)
        #expect(outcome.negotiated?.group == 0x0100)
    }

    @Test func helloRetryForAGroupAlreadySharedIsAViolation() throws {
        var consumer = FlightConsumer(depth: .serverHello, firstHello: Self.firstHello())
        #expect(try consumer.consume(Self.serverHello(suite: 0x1301, group: 0x001D, retry: true)))
        guard case .failed(let failure) = WireEngine.outcome(of: .complete(consumer), for: Self.request) else {
            Issue.record("expected a violation")
            return
        }
        #expect(failure.stage == .protocolViolation)
        #expect(failure.message.contains("already"))
    }

    @Test func realServerCompletesTheRetriedHandshake() async throws {
        let origin = try await TestOrigin.start("openssl-modern")
        var request = Self.request
        request.suites = [0x1301]
        request.groups = [0x0018]  // no share in the first hello: the server must ask for P-384
        let first = ClientHello(version: .tls13, suites: request.suites, groups: request.groups, signatureSchemes: [0x0804, 0x0403])
        let endpoint = Endpoint(host: origin.host, address: origin.host, port: origin.port)
        let end = await TCPTransport().exchange(
            to: endpoint, send: first.encodeRecords(),
            consumer: FlightConsumer(depth: .serverHello, firstHello: first),
            deadlines: Deadlines(connect: .seconds(5), handshake: .seconds(10)))
        try await OffPool.run { origin.stop() }
        guard case .complete(let consumer) = end else {
            Issue.record("exchange ended \(end)")
            return
        }
        #expect(consumer.retry?.keyShareGroup == 0x0018)
        #expect(consumer.parser.flight.serverHello?.isHelloRetryRequest == false)
        #expect(consumer.parser.flight.serverHello?.keyShareGroup == 0x0018)
        let outcome = WireEngine.outcome(of: end, for: request)
        #expect(outcome == .accepted(Negotiated(version: .tls13, suite: 0x1301, group: 0x0018, helloRetry: true)), "\(outcome)")
    }
}
