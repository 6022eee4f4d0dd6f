import TLSCatalog
import TLSWire

/// The part of a probe that belongs to one TLS library (OpenSSL, GnuTLS): what it can offer, how a session
/// is configured for a request, one handshake step, and what the completed handshake agreed on.
/// ``LibraryHandshake`` runs the rest (planning, connect, the deadline, outcome mapping) the same way for both.
protocol TLSLibraryBackend: Sendable {
    /// The library's own row for a suite it can offer (its cipher name, or its algorithm tokens).
    associatedtype Suite: Sendable
    /// The configuration decided before any socket is spent.
    associatedtype Plan: Sendable
    /// The library's live objects for one probe, freed when the session is released.
    associatedtype Session: AnyObject
    /// The library's constant for a protocol version.
    associatedtype ProtocolValue: Sendable

    /// The name reasons start with ("openssl", "gnutls").
    static var name: String { get }
    /// The linked library's own version text.
    static var versionText: String { get }
    /// For each version, code point → row, for every suite the library can offer.
    static var suites: [TLSVersion: [UInt16: Suite]] { get }
    /// Group code point → the library's name for it.
    static var groups: [UInt16: String] { get }
    /// nil for a version the library has no constant for.
    static func protocolValue(_ version: TLSVersion) -> ProtocolValue?

    /// The library-specific plan for what ``LibraryOffer`` found offerable.
    static func plan(_ offer: LibraryOffer<Self>) -> Plan
    /// Creates and configures a session, before connecting; why not when a local problem stops it.
    static func session(for plan: Plan) -> Result<Session, LibraryFailure>
    /// Hands the connected socket to the session; why not when that fails.
    static func attach(_ session: Session, to socket: EngineSocket) -> ProbeFailure?
    /// One call into the library's handshake.
    static func step(_ session: Session) -> HandshakeStep
    /// What the completed handshake agreed on, or why it cannot be reported.
    static func agreement(_ session: Session, plan: Plan) -> Result<LibraryAgreement, LibraryFailure>
    /// A polite, non-blocking close after the handshake.
    static func shutdown(_ session: Session)
    /// One read after the handshake: `.done` when the server sent application data or nothing is pending that
    /// ends the connection, `.wait` to wait for the socket, `.ended(.rejected(.alert(…)))` when it sent an alert.
    static func readAfterHandshake(_ session: Session) -> HandshakeStep
    /// Whether the server asked for a client certificate during the handshake; nil when the library cannot tell.
    static func certificateRequested(_ session: Session) -> Bool?
}

extension TLSLibraryBackend {
    /// A library that cannot read after the handshake reports nothing more.
    static func readAfterHandshake(_ session: Session) -> HandshakeStep { .done }
    /// A library that cannot tell is listened to whenever a listen is asked for.
    static func certificateRequested(_ session: Session) -> Bool? { nil }
}

/// A failure that ends a probe early (the probe's outcome is `.failed(failure)`), as a `Result` failure.
struct LibraryFailure: Error {
    var failure: ProbeFailure
}

/// What one call into a library's handshake left to do.
enum HandshakeStep {
    /// The handshake completed.
    case done
    /// The library waits for the socket to become readable (or writable).
    case wait(writing: Bool)
    /// The library wants to be called again at once (a warning alert it goes on after).
    case again
    /// The handshake ended without completing.
    case ended(ProbeOutcome)
}

/// The suites and groups of a request that a library can offer, with the library's rows and names for them.
struct LibraryOffer<Backend: TLSLibraryBackend>: Sendable {
    var request: ProbeRequest
    var protocolValue: Backend.ProtocolValue
    /// The library's rows at the requested version.
    var table: [UInt16: Backend.Suite]
    /// The requested suites the library can offer, in request order, without repeats.
    var suites: [Backend.Suite]
    /// The library's names for the requested groups it can offer, in request order, without repeats.
    var groups: [String]

    /// The offer for `request`, or why the library cannot make it.
    static func make(for request: ProbeRequest) -> EnginePlan<Self> {
        let name = Backend.name
        guard let value = Backend.protocolValue(request.version) else {
            return .cannot(ProbeFailure(.local, "\(name) cannot offer \(request.version)"))
        }
        let table = Backend.suites[request.version] ?? [:]
        if table.isEmpty {
            return .cannot(
                ProbeFailure(.local, "\(name) cannot offer \(request.version): the linked \(Backend.versionText) has no \(request.version)")
            )
        }
        var seen = Set<UInt16>()
        let suites = request.suites.filter { seen.insert($0).inserted }.compactMap { table[$0] }
        if suites.isEmpty {
            return .cannot(
                ProbeFailure(.local, "\(name) cannot offer any of the \(request.suites.count) requested suite(s) at \(request.version)"))
        }
        var groups: [String] = []
        var seenGroups = Set<UInt16>()
        for code in request.groups where seenGroups.insert(code).inserted {
            if let groupName = Backend.groups[code] { groups.append(groupName) }
        }
        if request.version == .tls13, !request.groups.isEmpty, groups.isEmpty {
            return .cannot(ProbeFailure(.local, "\(name) cannot offer any of the \(request.groups.count) requested group(s)"))
        }
        return .ready(LibraryOffer(request: request, protocolValue: value, table: table, suites: suites, groups: groups))
    }
}

/// What a library reports of a completed handshake, before the engine-independent clean-up of the group.
struct LibraryAgreement {
    /// How the (pre-TLS 1.3) suite exchanges keys, which decides whether a group or DH size means anything.
    enum KeyExchange {
        case finiteField, elliptic, other
    }

    var version: TLSVersion
    var suite: UInt16
    var group: UInt16?
    var dhBits: Int?
    var keyExchange: KeyExchange
    var certificates: [[UInt8]]
    var secureRenegotiation: Bool

    /// The agreement as reported: an ephemeral finite-field exchange keeps only an `ffdhe` group, a suite
    /// without an ephemeral exchange before TLS 1.3 has none, and TLS 1.3 has no renegotiation.
    var negotiated: Negotiated {
        var group = group
        if version < .tls13 {
            switch keyExchange {
            case .finiteField:
                if let code = group, Catalog.shared.group(code: code)?.kind != .ffdhe { group = nil }
            case .elliptic: break
            case .other: group = nil
            }
        }
        return Negotiated(
            version: version, suite: suite, group: group, dhBits: dhBits,
            certificates: certificates, secureRenegotiation: version == .tls13 ? nil : secureRenegotiation)
    }
}

/// One probe through a library, the same for every library: plan, configure, connect, handshake within the
/// deadline, read the agreement.
enum LibraryHandshake<Backend: TLSLibraryBackend> {
    static func probe(_ request: ProbeRequest, to endpoint: Endpoint, deadlines: Deadlines) async -> ProbeOutcome {
        // Planning reads the capability tables (computed on first use), so it runs on the
        // engine's thread too: nothing here may block the cooperative pool.
        await EngineThread.run {
            switch LibraryOffer<Backend>.make(for: request) {
            case .ready(let offer):
                run(
                    Backend.plan(offer), endpoint: endpoint, deadlines: deadlines,
                    listen: request.listenAfterHandshake)
            case .cannot(let failure): .failed(failure)
            }
        }
    }

    static func run(_ plan: Backend.Plan, endpoint: Endpoint, deadlines: Deadlines, listen: Duration? = nil) -> ProbeOutcome {
        // Configure everything before connecting, so a local problem costs no connection.
        let session: Backend.Session
        switch Backend.session(for: plan) {
        case .success(let configured): session = configured
        case .failure(let stop): return .failed(stop.failure)
        }
        // The libraries never close the socket: it is closed here, whatever the outcome.
        let socket: EngineSocket
        switch EngineSocket.connect(address: endpoint.address, port: endpoint.port, timeout: deadlines.connect) {
        case .connected(let connected): socket = connected
        case .timedOut: return .timedOut(.connect)
        case .failed(let why): return .failed(ProbeFailure(.connect, why))
        case .localError(let why): return .failed(ProbeFailure(.localSystem, why))
        }
        defer { socket.close() }
        return withExtendedLifetime(session) {
            if let failure = Backend.attach(session, to: socket) { return .failed(failure) }
            if let end = handshake(session, socket: socket, deadline: EngineDeadline(after: deadlines.handshake)) {
                return end
            }
            var outcome: ProbeOutcome
            switch Backend.agreement(session, plan: plan) {
            case .success(let agreement): outcome = .accepted(agreement.negotiated)
            case .failure(let stop): outcome = .failed(stop.failure)
            }
            // A server that sent no CertificateRequest cannot send certificate_required: no need to wait for it.
            if let listen, case .accepted(var negotiated) = outcome, Backend.certificateRequested(session) != false,
                listenedForCertificateRequired(session, socket: socket, deadline: EngineDeadline(after: listen))
            {
                negotiated.certificateRequested = true
                outcome = .accepted(negotiated)
            }
            // Be polite: one non-blocking close, whatever happens to it.
            Backend.shutdown(session)
            return outcome
        }
    }

    /// Reads what the server sends right after the handshake, until `deadline`: true when it is the
    /// certificate_required alert (RFC 8446 §4.4.2.4: a TLS 1.3 server that wants a certificate and got none).
    private static func listenedForCertificateRequired(_ session: Backend.Session, socket: EngineSocket, deadline: EngineDeadline) -> Bool {
        while !deadline.hasPassed {
            switch Backend.readAfterHandshake(session) {
            case .done: return false
            case .again: continue
            case .wait(let writing):
                guard case .ready = socket.wait(forWriting: writing, until: deadline) else { return false }
            case .ended(let outcome):
                if case .rejected(.alert(let alert)) = outcome { return alert.code == Alert.certificateRequired }
                return false
            }
        }
        return false
    }

    /// Drives the handshake to its end: nil when it completed, else the outcome.
    private static func handshake(_ session: Backend.Session, socket: EngineSocket, deadline: EngineDeadline) -> ProbeOutcome? {
        while true {
            switch Backend.step(session) {
            case .done:
                return nil
            case .wait(let writing):
                switch socket.wait(forWriting: writing, until: deadline) {
                case .ready: continue
                case .timedOut: return .timedOut(.handshake)
                case .failed(let why): return .failed(ProbeFailure(.local, why))
                }
            case .again:
                if deadline.hasPassed { return .timedOut(.handshake) }
            case .ended(let outcome):
                return outcome
            }
        }
    }
}
