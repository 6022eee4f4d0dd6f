import TLSCatalog
import TLSWire

/// A network address to probe: the name the user gave, the resolved address, and the port.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public let host: String
    public let address: String
    public let port: Int

    public init(host: String, address: String, port: Int) {
        self.host = host
        self.address = address
        self.port = port
    }

    public var description: String { address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)" }
}

/// Deadlines for one probe.
public struct Deadlines: Sendable, Equatable {
    public var connect: Duration
    public var handshake: Duration

    public init(connect: Duration = .seconds(5), handshake: Duration = .seconds(5)) {
        self.connect = connect
        self.handshake = handshake
    }
}

/// What to offer in one probe.
public struct ProbeRequest: Sendable, Equatable {
    public var version: TLSVersion
    public var suites: [UInt16]
    public var groups: [UInt16]
    public var signatureSchemes: [UInt16]
    public var serverName: String?
    /// Read the flight up to ServerHelloDone (certificates and key exchange) rather than stopping at ServerHello.
    public var wantsKeyExchange: Bool

    public init(version: TLSVersion, suites: [UInt16], groups: [UInt16], signatureSchemes: [UInt16],
                serverName: String?, wantsKeyExchange: Bool = false) {
        self.version = version
        self.suites = suites
        self.groups = groups
        self.signatureSchemes = signatureSchemes
        self.serverName = serverName
        self.wantsKeyExchange = wantsKeyExchange
    }
}

/// What the server chose in an accepted probe.
public struct Negotiated: Sendable, Equatable {
    public var version: TLSVersion
    public var suite: UInt16
    /// The key exchange group: TLS 1.3 key_share / HelloRetryRequest group, or the ECDHE curve of a TLS 1.2 ServerKeyExchange.
    public var group: UInt16?
    /// Finite-field DH prime size, for DHE suites.
    public var dhBits: Int?
    public var helloRetry: Bool
    /// DER certificates as the server sent them (leaf first), when the probe read them.
    public var certificates: [[UInt8]]
    /// Whether the server acknowledged secure renegotiation (RFC 5746); nil when not seen.
    public var secureRenegotiation: Bool?
    /// SSL 2.0 cipher kinds, for an SSL 2.0 server hello.
    public var sslv2CipherKinds: [UInt32]

    public init(version: TLSVersion, suite: UInt16, group: UInt16? = nil, dhBits: Int? = nil, helloRetry: Bool = false,
                certificates: [[UInt8]] = [], secureRenegotiation: Bool? = nil, sslv2CipherKinds: [UInt32] = []) {
        self.version = version
        self.suite = suite
        self.group = group
        self.dhBits = dhBits
        self.helloRetry = helloRetry
        self.certificates = certificates
        self.secureRenegotiation = secureRenegotiation
        self.sslv2CipherKinds = sslv2CipherKinds
    }
}

/// How a server said no.
public enum Rejection: Sendable, Equatable, CustomStringConvertible {
    case alert(Alert)
    case closed
    case reset
    /// The server answered with another protocol version than the one offered.
    case otherVersion(UInt16)
    /// A library engine's handshake failed with this error text.
    case library(String)

    public var description: String {
        switch self {
        case .alert(let alert): alert.description
        case .closed: "connection closed"
        case .reset: "connection reset"
        case .otherVersion(let v): "server answered with version \(TLSVersion(wireValue: v)?.rawValue ?? String(v, radix: 16))"
        case .library(let text): text
        }
    }
}

/// Where a probe ran out of time.
public enum TimeoutPhase: String, Sendable, Codable {
    case connect, handshake
}

/// The one outcome of a probe. Only `accepted` and `rejected` are definitive.
public enum ProbeOutcome: Sendable, Equatable {
    case accepted(Negotiated)
    case rejected(Rejection)
    case timedOut(TimeoutPhase)
    case failed(ProbeFailure)

    public var isDefinitive: Bool {
        switch self {
        case .accepted, .rejected: true
        case .timedOut, .failed: false
        }
    }

    public var negotiated: Negotiated? {
        if case .accepted(let n) = self { return n }
        return nil
    }
}

/// Why a probe failed without a definitive answer.
public struct ProbeFailure: Sendable, Equatable, CustomStringConvertible {
    public enum Stage: String, Sendable, Equatable {
        /// No TCP connection could be made.
        case connect
        /// The server's bytes broke the protocol (or claimed something that was not offered).
        case protocolViolation
        /// The server answered with something that is not TLS (plain HTTP, text, random bytes).
        case notTLS
        /// A local problem: the engine could not run this probe.
        case local
        /// The scanning machine's system refused the connection before the origin was asked: out of
        /// file descriptors or memory, no route from here, no local address, a local firewall
        /// (see ``SocketErrno``). Never evidence about the origin.
        case localSystem
    }

    public var stage: Stage
    public var message: String

    public init(_ stage: Stage, _ message: String) {
        self.stage = stage
        self.message = message
    }

    public var description: String { message }
}

/// Something that performs one handshake attempt and reports what happened.
public protocol HandshakeEngine: Sendable {
    var kind: EngineKind { get }
    /// Makes one connection to `endpoint` offering `request`, within `deadlines`.
    func probe(_ request: ProbeRequest, to endpoint: Endpoint, deadlines: Deadlines) async -> ProbeOutcome
}
