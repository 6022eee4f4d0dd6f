import TLSCatalog
import TLSWire

/// Probes with hand-built hellos: any code point, any version from SSL 2.0 to TLS 1.3, no crypto.
package struct WireEngine: HandshakeEngine, HelloObserver {
    package let kind = EngineKind.wire
    private let transport: TCPTransport

    package init(transport: TCPTransport = TCPTransport()) {
        self.transport = transport
    }

    package func probe(_ request: ProbeRequest, to endpoint: Endpoint, deadlines: Deadlines) async -> ProbeOutcome {
        let bytes: [UInt8]
        var retryable: ClientHello?
        if request.version == .sslv2 {
            bytes = SSLv2ClientHello().encode()
        } else {
            var hello = ClientHello(
                version: request.version, suites: request.suites, serverName: request.serverName,
                groups: request.groups, signatureSchemes: request.signatureSchemes
            )
            if let shares = request.keyShareGroups { hello.keyShareGroups = shares }
            bytes = hello.encodeRecords()
            if request.version == .tls13 { retryable = hello }
        }
        let consumer = FlightConsumer(depth: request.wantsKeyExchange ? .keyExchange : .serverHello, firstHello: retryable)
        let end = await transport.exchange(to: endpoint, send: bytes, consumer: consumer, deadlines: deadlines)
        return Self.outcome(of: end, for: request)
    }

    /// Sends a named client's own ClientHello (``ClientHello/Shape``: every version it speaks, its order, its
    /// extensions) and reports what the server picked. Key shares for hybrid post-quantum groups are made fresh
    /// here (``HybridKeyShares``) unless the hello already carries them. `helloBytes` is the size sent.
    package func observe(
        _ hello: ClientHello, to endpoint: Endpoint, deadlines: Deadlines,
        wantsCertificates: Bool
    ) async -> (outcome: ProbeOutcome, helloBytes: Int) {
        var hello = hello
        for group in Set(hello.groups) where hello.share(for: group) == nil {
            if let share = HybridKeyShares.share(for: group) { hello.suppliedShares[group] = share }
        }
        let bytes = hello.encodeRecords()
        let consumer = FlightConsumer(
            depth: wantsCertificates ? .keyExchange : .serverHello,
            firstHello: hello.offersTLS13 ? hello : nil)
        let end = await transport.exchange(to: endpoint, send: bytes, consumer: consumer, deadlines: deadlines)
        return (Self.outcome(of: end, offer: Offer(hello)), bytes.count)
    }

    /// What a hello offered, as far as judging the answer needs.
    struct Offer {
        var versions: [TLSVersion]
        var suites: [UInt16]
        var groups: [UInt16]

        init(_ request: ProbeRequest) {
            versions = [request.version]
            suites = request.suites
            groups = request.groups
        }

        init(_ hello: ClientHello) {
            versions = hello.offeredVersions
            suites = hello.suites
            groups = hello.groups
        }

        var highest: TLSVersion { versions.max() ?? .tls12 }
        var offersSSLv2Only: Bool { versions == [.sslv2] }
    }

    /// Turns how the exchange ended into exactly one probe outcome, claiming only what the bytes prove.
    static func outcome(of end: ExchangeEnd<FlightConsumer>, for request: ProbeRequest) -> ProbeOutcome {
        outcome(of: end, offer: Offer(request))
    }

    static func outcome(of end: ExchangeEnd<FlightConsumer>, offer request: Offer) -> ProbeOutcome {
        switch end {
        case .complete(let consumer):
            return judge(consumer, request: request, ifNoHello: .failed(ProbeFailure(.protocolViolation, "no ServerHello")))
        case .closed(let consumer):
            let verdict = judge(
                consumer, request: request,
                ifNoHello: cutShort(consumer, "closed the connection") ?? refusal(.closed, after: consumer))
            return closedBeforeKeyExchange(consumer, verdict) ?? verdict
        case .reset(let consumer):
            return judge(
                consumer, request: request,
                ifNoHello: cutShort(consumer, "reset the connection") ?? refusal(.reset, after: consumer))
        case .timedOut(let phase, let consumer):
            if phase == .handshake, let consumer, consumer.parser.flight.serverHello != nil || consumer.parser.flight.alert != nil {
                return judge(consumer, request: request, ifNoHello: .timedOut(phase))
            }
            return .timedOut(phase)
        case .connectFailed(let why):
            return .failed(ProbeFailure(.connect, why))
        case .localError(let why):
            return .failed(ProbeFailure(.localSystem, why))
        case .failed(let error, let consumer):
            let failure: ProbeFailure
            if let wire = error as? WireError, case .notTLS = wire {
                failure = ProbeFailure(.notTLS, wire.description)
            } else {
                failure = ProbeFailure(.protocolViolation, String(describing: error))
            }
            guard let consumer, consumer.parser.flight.serverHello != nil else { return .failed(failure) }
            // The ServerHello may already be a violation (an unoffered suite) or a refusal (another version);
            // if it was a valid choice, the flight that followed still broke the protocol, so nothing is proven.
            let verdict = judge(consumer, request: request, ifNoHello: .failed(failure))
            guard case .accepted(let negotiated) = verdict else { return verdict }
            return .failed(
                ProbeFailure(
                    .protocolViolation,
                    "the server chose \(negotiated.version) \(suiteName(negotiated.suite)), then broke the protocol: \(failure.message)"))
        }
    }

    /// TLS 1.2 and earlier: an ECDHE ServerHello and Certificate, then a clean close at a message boundary, before
    /// any ServerKeyExchange, ServerHelloDone, CertificateRequest or alert. mbedTLS 2.28 answers so when none of the
    /// offered curves is configured (it picks the suite before it checks the curves): a refusal of the offer's
    /// groups, not an accepted handshake nor an undecided one. Anything else about the flight keeps `verdict`.
    static func closedBeforeKeyExchange(_ consumer: FlightConsumer, _ verdict: ProbeOutcome) -> ProbeOutcome? {
        guard case .accepted(let negotiated) = verdict, negotiated.version < .tls13, negotiated.version != .sslv2,
            consumer.depth == .keyExchange, consumer.retry == nil, consumer.parser.bufferedBytes == 0,
            Catalog.shared.suite(code: negotiated.suite)?.keyExchange == .ecdhe
        else { return nil }
        let flight = consumer.parser.flight
        guard !flight.certificates.isEmpty, flight.keyExchange == nil, !flight.sawServerHelloDone,
            !flight.certificateRequested, flight.alert == nil
        else { return nil }
        return .rejected(.noKeyExchange(suite: negotiated.suite))
    }

    /// A close or reset after some bytes that completed nothing is a broken answer, not a refusal.
    static func cutShort(_ consumer: FlightConsumer, _ how: String) -> ProbeOutcome? {
        let flight = consumer.parser.flight
        guard consumer.pendingBytes > 0, flight.serverHello == nil, flight.alert == nil, flight.sslv2Hello == nil else { return nil }
        return .failed(
            ProbeFailure(
                .protocolViolation,
                "the server \(how) in the middle of its answer: \(consumer.pendingBytes) bytes arrived, but no complete ServerHello or alert"
            ))
    }

    /// A close or reset with nothing before it; after warning alerts, the last warning is the reason given.
    static func refusal(_ rejection: Rejection, after consumer: FlightConsumer) -> ProbeOutcome {
        if let warning = consumer.warnings.last { return .rejected(.alert(warning)) }
        return .rejected(rejection)
    }

    static func suiteName(_ code: UInt16) -> String {
        let hex = CodePointFormat.hex(code)
        guard let name = Catalog.shared.suite(code: code)?.displayName else { return hex }
        return "\(hex) (\(name))"
    }

    static func judge(_ consumer: FlightConsumer, request: Offer, ifNoHello: ProbeOutcome) -> ProbeOutcome {
        let flight = consumer.parser.flight
        if let retry = consumer.retry {
            return judgeRetry(retry, second: flight, sharesSent: consumer.sharesSent, ifNoHello: ifNoHello)
        }
        if let hello = flight.serverHello, hello.isHelloRetryRequest, let group = hello.keyShareGroup, consumer.sharesSent.contains(group) {
            return .failed(
                ProbeFailure(
                    .protocolViolation,
                    "the HelloRetryRequest asks for group \(groupName(group)), whose key share the ClientHello already carried"))
        }
        let verdict = judge(flight, request: request, ifNoHello: ifNoHello)
        // A valid retry request that names no group and has no cookie asks for nothing a second hello could change
        // (RFC 8446 §4.1.4): the server can use none of the offered groups (wolfSSL 5.5 says so this way).
        if case .accepted(let negotiated) = verdict, negotiated.helloRetry, negotiated.group == nil,
            let hello = flight.serverHello, hello.isHelloRetryRequest, hello.cookie == nil
        {
            return .rejected(.helloRetryWithoutGroup(suite: negotiated.suite))
        }
        return verdict
    }

    /// The server's answer to the second ClientHello, sent after `retry`: only a ServerHello that keeps
    /// the retry's suite and group proves anything. After a retry request with a cookie and no group, the second
    /// hello carried the same key shares as the first (`sharesSent`), and the ServerHello must use one of them.
    static func judgeRetry(
        _ retry: ServerHello, second flight: ServerFlight, sharesSent: [UInt16] = [],
        ifNoHello: ProbeOutcome
    ) -> ProbeOutcome {
        let group = retry.keyShareGroup.map(groupName) ?? "none"
        let asked = "a HelloRetryRequest (suite \(suiteName(retry.cipherSuite)), group \(group)\(retry.cookie == nil ? "" : ", cookie"))"
        func violation(_ text: String) -> ProbeOutcome { .failed(ProbeFailure(.protocolViolation, text)) }
        guard let hello = flight.serverHello else {
            if let alert = flight.alert {
                return violation("the server sent \(asked), then answered the retried ClientHello with \(alert)")
            }
            if case .rejected(let how) = ifNoHello {
                return violation("the server sent \(asked), then \(how) instead of answering the retried ClientHello")
            }
            return ifNoHello
        }
        if hello.isHelloRetryRequest {
            return violation(
                "the server answered the retried ClientHello with a second HelloRetryRequest (after \(asked)); a handshake allows one")
        }
        if hello.version != TLSVersion.tls13.wireValue {
            return violation("after \(asked) the server chose version 0x\(String(hello.version, radix: 16))")
        }
        if hello.cipherSuite != retry.cipherSuite {
            return violation("after \(asked) the server chose another suite, \(suiteName(hello.cipherSuite))")
        }
        let expected = retry.keyShareGroup.map { [$0] } ?? sharesSent
        guard let chosen = hello.keyShareGroup, expected.contains(chosen) else {
            return violation("after \(asked) the server's key share is for group \(hello.keyShareGroup.map(groupName) ?? "none")")
        }
        return .accepted(Negotiated(version: .tls13, suite: hello.cipherSuite, group: chosen, helloRetry: true))
    }

    static func groupName(_ code: UInt16) -> String {
        let hex = CodePointFormat.hex(code)
        guard let name = Catalog.shared.group(code: code)?.name else { return hex }
        return "\(name) (\(hex))"
    }

    static func judge(_ flight: ServerFlight, request: Offer, ifNoHello: ProbeOutcome) -> ProbeOutcome {
        if let v2 = flight.sslv2Hello {
            guard request.offersSSLv2Only else {
                return .failed(ProbeFailure(.protocolViolation, "SSL 2.0 SERVER-HELLO in answer to a \(request.highest) hello"))
            }
            guard !v2.cipherKinds.isEmpty else { return .rejected(.closed) }
            if let kind = v2.cipherKinds.first(where: { !SSLv2ClientHello.allCipherKinds.contains($0) }) {
                let hex = String(kind, radix: 16, uppercase: true)
                return .failed(
                    ProbeFailure(
                        .protocolViolation,
                        "the SSL 2.0 SERVER-HELLO names cipher kind 0x\(String(repeating: "0", count: max(0, 6 - hex.count)) + hex), which was not offered"
                    ))
            }
            return .accepted(Negotiated(version: .sslv2, suite: 0, certificates: [v2.certificate], sslv2CipherKinds: v2.cipherKinds))
        }
        guard let hello = flight.serverHello else {
            if let alert = flight.alert { return .rejected(.alert(alert)) }
            return ifNoHello
        }
        if hello.version < TLSVersion.sslv3.wireValue {
            return .failed(
                ProbeFailure(
                    .protocolViolation,
                    "the server's TLS ServerHello claims version \(CodePointFormat.hex(hello.version)), which is not a TLS version"))
        }
        if request.offersSSLv2Only {
            return .rejected(.otherVersion(hello.version))
        }
        guard let version = TLSVersion(wireValue: hello.version), request.versions.contains(version) else {
            if hello.version > request.highest.wireValue || TLSVersion(wireValue: hello.version) == nil {
                return .failed(
                    ProbeFailure(
                        .protocolViolation,
                        "server chose version 0x\(String(hello.version, radix: 16)) above the offered \(request.highest)"))
            }
            return .rejected(.otherVersion(hello.version))
        }
        guard request.suites.contains(hello.cipherSuite) else {
            return .failed(
                ProbeFailure(.protocolViolation, "server chose suite \(CodePointFormat.hex(hello.cipherSuite)), which was not offered"))
        }
        if request.versions.count > 1, let suite = Catalog.shared.suite(code: hello.cipherSuite), suite.isTLS13 != (version == .tls13) {
            return .failed(
                ProbeFailure(
                    .protocolViolation, "server chose \(version) with suite \(suiteName(hello.cipherSuite)), which that version cannot use")
            )
        }
        guard hello.compression == 0 else {
            return .failed(ProbeFailure(.protocolViolation, "server chose compression method \(hello.compression), which was not offered"))
        }
        var group = hello.keyShareGroup
        var dhBits: Int?
        switch flight.keyExchange {
        case .namedCurve(let curve): group = curve
        case .finiteField(let bits): dhBits = bits
        default: break
        }
        if version == .tls13, let chosen = group, !request.groups.contains(chosen) {
            return .failed(ProbeFailure(.protocolViolation, "server chose group \(chosen), which was not offered"))
        }
        var negotiated = Negotiated(
            version: version, suite: hello.cipherSuite, group: group, dhBits: dhBits,
            helloRetry: hello.isHelloRetryRequest, certificates: flight.certificates,
            secureRenegotiation: version == .tls13 ? nil : hello.secureRenegotiation)
        negotiated.certificateRequested = flight.certificateRequested
        negotiated.extendedMasterSecret = hello.extensionTypes.contains(TLSConstants.extExtendedMasterSecret)
        return .accepted(negotiated)
    }
}
