import TLSCatalog
import TLSWire

/// Everything one scan observed about one target, ready for analysis and reports.
package struct ScanResult: Sendable {
    package var target: Target
    /// The address probed (the first the name resolved to).
    package var address: String?
    /// The SNI sent (nil for IP targets without `--sni`).
    package var serverName: String?
    package var reachability: Reachability
    /// One entry per version tried, oldest first.
    package var protocols: [ProtocolResult] = []
    /// Key-exchange groups the server accepted, per version family.
    package var groups: [GroupResult] = []
    /// Certificate chains seen, one per distinct leaf.
    package var certificates: [CertificateChain] = []
    /// TCP connections made.
    package var connections = 0
    package var probes = ProbeCounts()
    /// Probes that ended without a definitive answer, and why.
    package var undecided: [UndecidedProbe] = []
    package var findings: [Finding] = []
    package var elapsedSeconds: Double = 0
    /// TCP connection attempts made before the origin answered or was given up on.
    package var connectAttempts = 1
    /// The HTTP port check, when one was asked for.
    package var httpPort: PortCheck?
    /// What the server answered to each CloudFront generation's own ClientHello and, with the simulation, to each
    /// client profile's that records its hello (one connection per distinct hello).
    package var observations: [HelloObservation] = []
    /// The checks this scan ran (`--checks`); everything else is not tested.
    package var checks: Set<ScanCheck> = ScanCheck.all
    /// Faults retried through, throttling and the critical path (nil for results read from older reports).
    package var network: NetworkConditions?
    /// The origin asked for a client certificate: with which versions, and whether a handshake without one failed.
    package var clientCertificate: ClientCertificateRequest?

    package init(target: Target, reachability: Reachability) {
        self.target = target
        self.reachability = reachability
    }

    /// True when every decision in this result is definitive.
    package var isComplete: Bool {
        reachability == .reachable && undecided.isEmpty && protocols.allSatisfy { $0.complete }
    }

    /// The fewest connections that could have found what this scan found: accepted + 1 per version tried
    /// (+ 1 per further list of at most ``ProbeRequest/maxSuitesPerHello`` suites for a supported version),
    /// accepted + 1 per group enumeration, one per extra certificate variant, one per port check and
    /// one per library confirmation.
    package var connectionLowerBound: Int {
        guard reachability.isReachable else {
            // finding an origin dead takes the attempts CloudFront would make
            if reachability.isUndecided { return 0 }
            return connectAttempts + (httpPort == nil ? 0 : 1)
        }
        let sniVariants = serverName == nil ? 0 : certificates.filter { $0.sni == nil }.count
        let confirmations =
            protocols.reduce(0) { $0 + $1.suites.filter { $0.evidence.count > 1 }.count }
            + findings.filter { $0.id == "engine-disagreement" }.count
        // enumerated: accepted + 1 (the refusal that ends elimination); sampled: one handshake per suite it lists
        // (a version or key-type probe each), at least one; not tested: none
        // enumerated and supported: one refusal per list of at most ProbeRequest.maxSuitesPerHello candidates
        let versionProbes = protocols.reduce(0) { total, proto in
            switch proto.coverage {
            case .enumerated where proto.supported == true && proto.version != .sslv2:
                total + proto.suites.count
                    + ProbeRequest.lists(for: Catalog.shared.suites(for: proto.version).filter { !$0.signaling }.count)
            case .enumerated: total + proto.suites.count + 1
            case .sampled: total + max(1, proto.suites.count)
            case .notTested: total
            }
        }
        return versionProbes + groups.reduce(0) { $0 + $1.groups.count + 1 }
            + sniVariants + (httpPort == nil ? 0 : 1) + confirmations + observations.filter { $0.sameHelloAs == nil }.count
    }

    /// True when every check ran (`--checks all`, the default).
    package var ranAllChecks: Bool { checks == ScanCheck.all }

    /// The checks that did not run, in their canonical order.
    package var checksNotRun: [ScanCheck] { ScanCheck.all.subtracting(checks).sorted() }

    package func protocolResult(_ version: TLSVersion) -> ProtocolResult? {
        protocols.first { $0.version == version }
    }
}

/// Whether the target answered at all.
package enum Reachability: Sendable, Equatable {
    case reachable
    /// The name did not resolve (or the lookup passed its deadline): the resolver's reason.
    case unresolved(String)
    case refused(String)
    case connectTimeout
    case noTLSAnswer(String)
    /// A problem of the scanning machine stopped the first probe (out of descriptors, no route from
    /// here, a local firewall): the origin was never asked.
    case localError(String)

    package var isReachable: Bool { self == .reachable }

    /// True when the scan never got to ask the origin (its name did not resolve here, or a local
    /// problem stopped it): nothing about the origin is known, so no verdict may fail on it. A name
    /// that does not resolve on this machine may resolve for CloudFront (split DNS, a record being
    /// created), and a lookup that timed out said nothing.
    package var isUndecided: Bool {
        switch self {
        case .unresolved, .localError: true
        case .reachable, .refused, .connectTimeout, .noTLSAnswer: false
        }
    }

    package var explanation: String {
        switch self {
        case .reachable: "reachable"
        case .unresolved(let why): why
        case .localError(let why): "not scanned: \(why)"
        case .refused(let why): "origin not responding: TCP connect failed (\(why))"
        case .connectTimeout: "origin not responding: TCP connect timed out"
        case .noTLSAnswer(let why): "origin not responding to TLS: \(why)"
        }
    }
}

extension Reachability {
    /// How a `noTLSAnswer` reason starts when the ClientHello got no answer in time.
    package static let noAnswer = "no answer to a"

    /// The HTTPS port answered with a plain HTTP response.
    package var answersPlainHTTP: Bool {
        if case .noTLSAnswer(let why) = self { return why.contains(RecordSniffer.plainHTTP) }
        return false
    }

    /// The origin did not answer in time (connect or handshake): CloudFront's 504 rather than 502.
    package var isTimeout: Bool {
        switch self {
        case .connectTimeout: true
        case .noTLSAnswer(let why): why.hasPrefix(Self.noAnswer)
        default: false
        }
    }
}

/// What one protocol version accepts.
package struct ProtocolResult: Sendable, Equatable {
    package var version: TLSVersion
    /// true: accepted; false: definitively refused; nil: not decided.
    package var supported: Bool?
    /// true: server order; false: client order; nil: unknown or fewer than two suites.
    package var serverPreference: Bool?
    /// Accepted suites, in server-preferred order when `serverPreference == true`.
    package var suites: [SuiteResult] = []
    /// False when a probe timed out or failed before elimination finished.
    package var complete = true
    /// Why the version is refused or undecided, in words.
    package var note: String?
    /// How the suites were found: every one by elimination, a few handshakes, or not at all (`--checks`).
    package var coverage: SuiteCoverage = .enumerated

    /// A version `--checks` left out: not probed, neither supported nor refused.
    package static func notTested(_ version: TLSVersion) -> ProtocolResult {
        var result = ProtocolResult(version: version, supported: nil)
        result.coverage = .notTested
        result.note = "not tested"
        return result
    }

    /// Support (or refusal) not decided by a probe that ran: a not-tested version is not undecided.
    package var isUndecided: Bool { coverage != .notTested && (supported == nil || !complete) }

    package init(version: TLSVersion, supported: Bool?) {
        self.version = version
        self.supported = supported
    }
}

/// One accepted cipher suite and what was seen with it.
package struct SuiteResult: Sendable, Equatable {
    package var code: UInt16
    package var evidence: [EngineKind]
    /// The ECDHE curve or TLS 1.3 group the server chose with this suite, when seen.
    package var group: UInt16?
    /// The DH prime size for DHE suites, when seen.
    package var dhBits: Int?

    package init(code: UInt16, evidence: [EngineKind], group: UInt16? = nil, dhBits: Int? = nil) {
        self.code = code
        self.evidence = evidence
        self.group = group
        self.dhBits = dhBits
    }

    package var suite: CipherSuite? { Catalog.shared.suite(code: code) }
}

/// Groups accepted for key exchange with one protocol version.
package struct GroupResult: Sendable, Equatable {
    package var version: TLSVersion
    /// Accepted groups in the order the server chose them from the full offer.
    package var groups: [UInt16]
    package var complete: Bool
    /// True when the server picked groups out of the offered order: it follows its own order (``groups`` is that
    /// order). nil when the picks do not tell (they followed the offer).
    package var serverPreference: Bool?

    package init(version: TLSVersion, groups: [UInt16], complete: Bool, serverPreference: Bool? = nil) {
        self.version = version
        self.groups = groups
        self.complete = complete
        self.serverPreference = serverPreference
    }
}

/// A certificate chain as the server sent it (leaf first) and the key type it was selected for.
package struct CertificateChain: Sendable, Equatable {
    /// Authentication of the suite that brought this chain: RSA, ECDSA, DSS …
    package var authentication: String
    package let der: [[UInt8]]
    /// ``ChainDigest`` of `der`: chains are compared and deduplicated by it.
    package let digest: [UInt8]
    package var seenWith: TLSVersion
    /// The SNI sent when this chain was served (nil: none).
    package var sni: String?

    package init(authentication: String, der: [[UInt8]], seenWith: TLSVersion, sni: String?) {
        self.authentication = authentication
        self.der = der
        self.digest = ChainDigest.of(der)
        self.seenWith = seenWith
        self.sni = sni
    }

    /// The same certificates served for the same SNI.
    package func isSame(as other: CertificateChain) -> Bool { digest == other.digest && sni == other.sni }
}

extension Array where Element == CertificateChain {
    /// Appends `chain` unless the same chain (by digest) for the same SNI is already here. A server accepting
    /// hundreds of suites sends its chain with each: one copy is kept, the others are released at once.
    package mutating func appendDistinct(_ chain: CertificateChain) {
        guard !contains(where: { $0.isSame(as: chain) }) else { return }
        append(chain)
    }
}

/// Whether a TCP port accepted a connection.
package struct PortCheck: Sendable, Equatable {
    package var port: Int
    package var open: Bool
    package var detail: String?

    package init(port: Int, open: Bool, detail: String?) {
        self.port = port
        self.open = open
        self.detail = detail
    }
}

/// How many probes ended each way.
package struct ProbeCounts: Codable, Sendable, Equatable {
    package var accepted = 0
    package var rejected = 0
    package var timedOut = 0
    package var failed = 0

    package init() {}

    package init(accepted: Int, rejected: Int, timedOut: Int, failed: Int) {
        self.accepted = accepted
        self.rejected = rejected
        self.timedOut = timedOut
        self.failed = failed
    }

    package var total: Int { accepted + rejected + timedOut + failed }
}

/// A probe whose result is not definitive.
package struct UndecidedProbe: Sendable, Equatable {
    package var engine: EngineKind
    package var version: TLSVersion
    package var purpose: String
    package var reason: String

    package init(engine: EngineKind, version: TLSVersion, purpose: String, reason: String) {
        self.engine = engine
        self.version = version
        self.purpose = purpose
        self.reason = reason
    }
}
