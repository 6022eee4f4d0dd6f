import TLSCatalog
import TLSWire

/// Probes with hand-built hellos: any code point, any version from SSL 2.0 to TLS 1.3, no crypto.
public struct WireEngine: HandshakeEngine {
    public let kind = EngineKind.wire
    private let transport: TCPTransport

    public init(transport: TCPTransport = TCPTransport()) {
        self.transport = transport
    }

    public func probe(_ request: ProbeRequest, to endpoint: Endpoint, deadlines: Deadlines) async -> ProbeOutcome {
        let bytes: [UInt8]
        if request.version == .sslv2 {
            bytes = SSLv2ClientHello().encode()
        } else {
            bytes = ClientHello(
                version: request.version, suites: request.suites, serverName: request.serverName,
                groups: request.groups, signatureSchemes: request.signatureSchemes
            ).encodeRecords()
        }
        let consumer = FlightConsumer(depth: request.wantsKeyExchange ? .keyExchange : .serverHello)
        let end = await transport.exchange(to: endpoint, send: bytes, consumer: consumer, deadlines: deadlines)
        return Self.outcome(of: end, for: request)
    }

    /// Turns how the exchange ended into exactly one probe outcome, claiming only what the bytes prove.
    static func outcome(of end: ExchangeEnd<FlightConsumer>, for request: ProbeRequest) -> ProbeOutcome {
        switch end {
        case .complete(let consumer):
            return judge(consumer.parser.flight, request: request, ifNoHello: .failed(ProbeFailure(.protocolViolation, "no ServerHello")))
        case .closed(let consumer):
            return judge(consumer.parser.flight, request: request, ifNoHello: .rejected(.closed))
        case .reset(let consumer):
            return judge(consumer.parser.flight, request: request, ifNoHello: .rejected(.reset))
        case .timedOut(let phase, let consumer):
            if phase == .handshake, let flight = consumer?.parser.flight, flight.serverHello != nil || flight.alert != nil {
                return judge(flight, request: request, ifNoHello: .timedOut(phase))
            }
            return .timedOut(phase)
        case .connectFailed(let why):
            return .failed(ProbeFailure(.connect, why))
        case .failed(let error, let consumer):
            let failure: ProbeFailure
            if let wire = error as? WireError, case .notTLS = wire {
                failure = ProbeFailure(.notTLS, wire.description)
            } else {
                failure = ProbeFailure(.protocolViolation, String(describing: error))
            }
            // A ServerHello that parsed is still proof of the choice, even if later bytes were garbage.
            if let flight = consumer?.parser.flight, flight.serverHello != nil {
                return judge(flight, request: request, ifNoHello: .failed(failure))
            }
            return .failed(failure)
        }
    }

    static func judge(_ flight: ServerFlight, request: ProbeRequest, ifNoHello: ProbeOutcome) -> ProbeOutcome {
        if let v2 = flight.sslv2Hello {
            guard request.version == .sslv2 else { return .failed(ProbeFailure(.protocolViolation, "SSL 2.0 SERVER-HELLO in answer to a \(request.version) hello")) }
            guard !v2.cipherKinds.isEmpty else { return .rejected(.closed) }
            return .accepted(Negotiated(version: .sslv2, suite: 0, certificates: [v2.certificate], sslv2CipherKinds: v2.cipherKinds))
        }
        guard let hello = flight.serverHello else {
            if let alert = flight.alert { return .rejected(.alert(alert)) }
            return ifNoHello
        }
        if request.version == .sslv2 {
            return .rejected(.otherVersion(hello.version))
        }
        if hello.version != request.version.wireValue {
            if hello.version > request.version.wireValue || TLSVersion(wireValue: hello.version) == nil {
                return .failed(ProbeFailure(.protocolViolation, "server chose version 0x\(String(hello.version, radix: 16)) above the offered \(request.version)"))
            }
            return .rejected(.otherVersion(hello.version))
        }
        guard request.suites.contains(hello.cipherSuite) else {
            return .failed(ProbeFailure(.protocolViolation, "server chose suite \(CodePointFormat.hex(hello.cipherSuite)), which was not offered"))
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
        if request.version == .tls13, let chosen = group, !request.groups.contains(chosen) {
            return .failed(ProbeFailure(.protocolViolation, "server chose group \(chosen), which was not offered"))
        }
        return .accepted(Negotiated(
            version: request.version, suite: hello.cipherSuite, group: group, dhBits: dhBits,
            helloRetry: hello.isHelloRetryRequest, certificates: flight.certificates,
            secureRenegotiation: request.version == .tls13 ? nil : hello.secureRenegotiation))
    }
}

/// Feeds a ``ServerFlightParser`` from the transport.
struct FlightConsumer: ResponseConsumer {
    var parser: ServerFlightParser

    init(depth: ServerFlightParser.Depth) {
        parser = ServerFlightParser(depth: depth)
    }

    mutating func consume(_ bytes: [UInt8]) throws -> Bool {
        try parser.feed(bytes) == .complete
    }
}

