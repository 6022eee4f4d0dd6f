import Synchronization
import TLSCatalog
import TLSModel
import TLSWire

/// A ``ScanEnvironment`` without sockets, like NIOEmbedded's channels: the wire engine, the libraries and the
/// hello observer hand every ClientHello to a ``ScriptedServer``, which answers from its configuration; the
/// resolver knows IP literals and the scripted names; a TCP connect answers per port. Every connection is counted
/// (per engine, and the observer's), so a test can assert how many probes a scan made.
///
///     let environment = ScriptedEnvironment(server: server)
///     let scan = await Scanner(options: options, environment: environment).scan(Target(host: "127.0.0.1", port: 443))
///     #expect(environment.probes(.wire) == scan.probes.total)
package struct ScriptedEnvironment: ScanEnvironment {
    /// What a TCP port does.
    package enum Port: Sendable, Equatable {
        /// The scripted TLS server listens.
        case tls
        /// Something that accepts connections and never answers a ClientHello (a plain HTTP port, a stalled daemon).
        case open
        /// Connections are refused (RST to the SYN).
        case refused
        /// SYNs go unanswered: every connect times out.
        case silent
    }

    /// One connection the scripted server saw.
    package struct Connection: Sendable {
        /// Who sent the hello (an engine, or the observer).
        package var source: ScriptedServer.Fault.Source
        package var endpoint: Endpoint
        /// The versions the hello offered.
        package var versions: [TLSVersion]
        package var suites: [UInt16]
        /// What the client got.
        package var outcome: ProbeOutcome
        /// The fault that replaced the server's answer, when one did.
        package var fault: ScriptedServer.Fault.Effect?
    }

    package let server: ScriptedServer
    /// Names the scripted resolver answers, each with its addresses (IPv4 first); any other name does not resolve.
    package let names: [String: [String]]
    /// The addresses the server answers on; nil: every address.
    package let addresses: Set<String>?
    /// What each port does; a port not listed is `defaultPort`.
    package let ports: [Int: Port]
    package let defaultPort: Port
    /// The libraries "linked" here, in the order the scanner asks them.
    package let libraryKinds: [EngineKind]
    private let log: ScriptedLog

    package init(
        server: ScriptedServer, names: [String: [String]] = [:], addresses: Set<String>? = nil,
        ports: [Int: Port] = [:], defaultPort: Port = .tls, libraries: [EngineKind] = [.openssl, .gnutls]
    ) {
        self.server = server
        self.names = Dictionary(names.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.addresses = addresses
        self.ports = ports
        self.defaultPort = defaultPort
        self.libraryKinds = libraries.filter { $0 != .wire }
        log = ScriptedLog()
    }

    // MARK: ScanEnvironment

    package var wire: any HandshakeEngine { ScriptedEngine(kind: .wire, environment: self) }

    package var helloObserver: (any HelloObserver)? { ScriptedObserver(environment: self) }

    package var libraries: [any HandshakeEngine] { libraryKinds.map { ScriptedEngine(kind: $0, environment: self) } }

    /// The wire engine offers anything; a scripted library what the catalog says its real counterpart can: OpenSSL
    /// 3's own suite names, GnuTLS's, from TLS 1.0 to TLS 1.3, at the versions each suite is defined for.
    package func canOffer(_ engine: EngineKind, version: TLSVersion, suite: UInt16) -> Bool {
        guard engine != .wire else { return true }
        guard libraryKinds.contains(engine), version >= .tls10, let info = Catalog.shared.suite(code: suite),
            info.isValid(for: version), !info.signaling
        else { return false }
        switch engine {
        case .openssl: return info.openssl != nil && info.opensslSource == "openssl"
        case .gnutls: return info.gnutls != nil
        case .wire: return true
        }
    }

    package func prepare() async {}

    package func addresses(of host: String, timeout: Duration) async throws -> [String] {
        if IPAddressText.isLiteral(host) { return [host] }
        guard let found = names[host.lowercased()], !found.isEmpty else {
            throw TLSMatrixError(.nameNotResolved, "cannot resolve host '\(host)': not a scripted name")
        }
        return found
    }

    package func connect(to endpoint: Endpoint, timeout: Duration) async -> String? {
        log.connected()
        switch port(endpoint) {
        case .tls, .open: return nil
        case .refused: return "connection refused"
        case .silent: return "TCP connect timed out"
        }
    }

    // MARK: What the scan did

    /// Connections made by `engine`'s probes (retries included).
    package func probes(_ engine: EngineKind) -> Int { log.count { $0.source == .engine(engine) } }

    /// Connections made by the hello observer (named clients' own hellos).
    package var observedHellos: Int { log.count { $0.source == .observer } }

    /// Every TLS connection, in the order they were made.
    package var connections: [Connection] { log.connections }

    /// Plain TCP connects (``connect(to:timeout:)``: the HTTP port check).
    package var tcpConnects: Int { log.tcpConnects }

    // MARK: Answers

    func port(_ endpoint: Endpoint) -> Port {
        if let addresses, !addresses.contains(endpoint.address) { return .refused }
        return ports[endpoint.port] ?? defaultPort
    }

    /// One connection to `endpoint` from `source` sending `offer`, read as far as `reading`.
    func exchange(
        _ offer: ScriptedOffer, suites: [UInt16], from source: ScriptedServer.Fault.Source, to endpoint: Endpoint,
        reading: ScriptedServer.Reading
    ) -> ProbeOutcome {
        let answer: ProbeOutcome
        switch port(endpoint) {
        case .tls: answer = server.answer(offer, reading: reading)
        case .open: answer = .timedOut(.handshake)
        case .refused: answer = .failed(ProbeFailure(.connect, "connection refused"))
        case .silent: answer = .timedOut(.connect)
        }
        return log.record(offer: offer, suites: suites, source: source, endpoint: endpoint, answer: answer, faults: server.faults)
    }
}

/// The scripted wire engine or library: builds the hello its real counterpart would send for a request.
struct ScriptedEngine: HandshakeEngine {
    let kind: EngineKind
    let environment: ScriptedEnvironment

    func probe(_ request: ProbeRequest, to endpoint: Endpoint, deadlines: Deadlines) async -> ProbeOutcome {
        if request.version == .sslv2 {
            guard kind == .wire else { return .failed(ProbeFailure(.local, "\(kind.rawValue) cannot offer SSLv2")) }
            return environment.exchange(.sslv2Hello, suites: [], from: .engine(kind), to: endpoint, reading: .serverHello)
        }
        // as WireEngine builds it; a library offers only what it can, with one key share (its first group)
        var suites = request.suites
        if kind != .wire {
            suites = suites.filter { environment.canOffer(kind, version: request.version, suite: $0) }
            guard !suites.isEmpty else {
                return .failed(
                    ProbeFailure(
                        .local, "\(kind.rawValue) cannot offer any of the \(request.suites.count) requested suite(s) at \(request.version)")
                )
            }
        }
        var hello = ClientHello(
            version: request.version, suites: suites, serverName: request.serverName,
            groups: request.groups, signatureSchemes: request.signatureSchemes)
        if kind == .wire {
            if let shares = request.keyShareGroups { hello.keyShareGroups = shares }
        } else {
            hello.keyShareGroups = Array(request.groups.prefix(1))
        }
        let reading: ScriptedServer.Reading =
            kind != .wire
            ? .handshake(listen: request.listenAfterHandshake != nil)
            : request.wantsKeyExchange ? .flight : .serverHello
        return environment.exchange(ScriptedOffer(hello), suites: suites, from: .engine(kind), to: endpoint, reading: reading)
    }
}

/// The scripted hello observer: a named client's own hello, answered by the scripted server.
struct ScriptedObserver: HelloObserver {
    let environment: ScriptedEnvironment

    func observe(
        _ hello: ClientHello, to endpoint: Endpoint, deadlines: Deadlines,
        wantsCertificates: Bool
    ) async -> (outcome: ProbeOutcome, helloBytes: Int) {
        let outcome = environment.exchange(
            ScriptedOffer(hello, freshShares: true), suites: hello.suites, from: .observer,
            to: endpoint, reading: wantsCertificates ? .flight : .serverHello)
        return (outcome, hello.encodeRecords().count)
    }
}

/// The connections of one scripted environment, and how often each fault fired.
final class ScriptedLog: Sendable {
    private struct State {
        var connections: [ScriptedEnvironment.Connection] = []
        var fired: [Int: Int] = [:]
        var tcpConnects = 0
    }

    private let state = Mutex(State())

    /// Records one connection: `answer`, or the first of `faults` that matches it.
    func record(
        offer: ScriptedOffer, suites: [UInt16], source: ScriptedServer.Fault.Source, endpoint: Endpoint,
        answer: ProbeOutcome, faults: [ScriptedServer.Fault]
    ) -> ProbeOutcome {
        state.withLock { state in
            let index = state.connections.count
            let highest = offer.versions.max()
            var outcome = answer
            var effect: ScriptedServer.Fault.Effect?
            for (number, fault) in faults.enumerated() {
                if let version = fault.version, version != highest { continue }
                if let suite = fault.suite, answer.negotiated?.suite != suite { continue }
                if let wanted = fault.source, wanted != source { continue }
                if let first = fault.firstConnections, index >= first { continue }
                if let limit = fault.limit, state.fired[number, default: 0] >= limit { continue }
                state.fired[number, default: 0] += 1
                outcome = fault.outcome
                effect = fault.effect
                break
            }
            state.connections.append(
                ScriptedEnvironment.Connection(
                    source: source, endpoint: endpoint, versions: offer.versions, suites: suites, outcome: outcome, fault: effect))
            return outcome
        }
    }

    func connected() {
        state.withLock { $0.tcpConnects += 1 }
    }

    func count(_ matching: (ScriptedEnvironment.Connection) -> Bool) -> Int {
        state.withLock { $0.connections.filter(matching).count }
    }

    var connections: [ScriptedEnvironment.Connection] { state.withLock { $0.connections } }
    var tcpConnects: Int { state.withLock { $0.tcpConnects } }
}
