import Foundation

/// The JSON report (docs/json-report.md, schemaVersion 1) as one `Codable` document: the only way a
/// report is written (built from an analysis by TLSReport's `ScanReport.init(_:)`, encoded by
/// ``ReportCoding``) and read back (``ScanReport/decode(_:)``, ``ScanReport/scanResult()``).
///
/// Fields that are always present but may be `null` are ``Nullable``; plain optionals are fields that
/// are absent when they do not apply (e.g. `keyExchange` of an unknown suite, `verdicts.policy`).
/// Reading is strict: a missing field is an error naming it, and a field this version does not know
/// (a report written by a newer tlsmatrix) is rejected by name — never ignored, never defaulted.
public struct ScanReport: Codable, Sendable, Equatable {
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    /// The program that wrote the report. Absent in reports written before tlsmatrix 0.4.0.
    public var tool: Tool?
    public var target: TargetEntry
    public var reachability: ReachabilityEntry
    public var ports: [Port]
    public var protocols: [ProtocolEntry]
    public var groups: [GroupEntry]
    public var certificates: [Chain]
    public var trustStore: TrustStoreEntry
    public var verdicts: Verdicts
    public var findings: [ScanFinding]
    public var grade: GradeEntry
    public var simulation: [Simulation]
    public var connections: Int
    public var connectionLowerBound: Int
    public var probes: Probes
    public var complete: Bool
    public var undecided: [Undecided]
    public var elapsedSeconds: Double
    /// What the scan was judged with (`--client`, `--origin-protocols`, `--policy`, `--host-header`,
    /// `--warn-days`), so `tlsmatrix report` judges it the same way unless told otherwise. Absent in
    /// reports written before tlsmatrix 0.4.0 (then `report` uses its own defaults).
    public var options: Options?
    /// What each CloudFront generation's own ClientHello got (absent in reports of scans that sent none).
    public var observations: [HelloObservation]?
    /// Faults retried through, throttling and the critical path (absent in reports written before 0.6).
    public var network: NetworkConditions?
    /// The origin's request for a client certificate (absent when it asked for none, and in reports before 0.6).
    public var clientCertificate: ClientCertificateRequest?

    public struct Tool: Codable, Sendable, Equatable {
        public var name: String
        public var version: String

        public init(name: String, version: String) {
            self.name = name
            self.version = version
        }
    }

    public struct Options: Codable, Sendable, Equatable {
        @Nullable public var client: String?
        public var originProtocols: [String]
        @Nullable public var policy: String?
        @Nullable public var hostHeader: String?
        public var warnDays: Int
        /// The CloudFront generations judged, when not all of them (`--cloudfront-generation`).
        public var cloudfrontGenerations: [String]?
        /// The checks the scan ran (`--checks`), when not all of them; absent: every check ran.
        public var checks: [String]?

        public init(client: String?, originProtocols: [String], policy: String?, hostHeader: String?, warnDays: Int,
                    cloudfrontGenerations: [String]? = nil, checks: [String]? = nil) {
            self.client = client
            self.originProtocols = originProtocols
            self.policy = policy
            self.hostHeader = hostHeader
            self.warnDays = warnDays
            self.cloudfrontGenerations = cloudfrontGenerations
            self.checks = checks
        }
    }

    public struct TargetEntry: Codable, Sendable, Equatable {
        public var host: String
        public var port: Int
        @Nullable public var address: String?
        @Nullable public var sni: String?

        public init(host: String, port: Int, address: String?, sni: String?) {
            self.host = host
            self.port = port
            self.address = address
            self.sni = sni
        }
    }

    public struct ReachabilityEntry: Codable, Sendable, Equatable {
        public var status: String
        public var message: String

        public init(status: String, message: String) {
            self.status = status
            self.message = message
        }
    }

    /// `https` (with `attempts`) or `http` (with `detail`, which may be null).
    public struct Port: Codable, Sendable, Equatable {
        public var role: String
        public var port: Int
        public var open: Bool
        public var attempts: Int?
        public var detail: String??

        enum CodingKeys: String, CodingKey { case role, port, open, attempts, detail }

        public init(role: String, port: Int, open: Bool, attempts: Int?, detail: String??) {
            self.role = role
            self.port = port
            self.open = open
            self.attempts = attempts
            self.detail = detail
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            role = try container.decode(String.self, forKey: .role)
            port = try container.decode(Int.self, forKey: .port)
            open = try container.decode(Bool.self, forKey: .open)
            attempts = try container.decodeIfPresent(Int.self, forKey: .attempts)
            detail = container.contains(.detail) ? .some(try container.decodeNil(forKey: .detail) ? nil : try container.decode(String.self, forKey: .detail)) : .none
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(role, forKey: .role)
            try container.encode(port, forKey: .port)
            try container.encode(open, forKey: .open)
            try container.encodeIfPresent(attempts, forKey: .attempts)
            if case .some(let detail) = detail { try container.encode(detail, forKey: .detail) }
        }
    }

    public struct ProtocolEntry: Codable, Sendable, Equatable {
        public var version: String
        @Nullable public var supported: Bool?
        @Nullable public var serverPreference: Bool?
        public var suites: [Suite]
        public var complete: Bool
        @Nullable public var note: String?
        /// `sampled` (support decided by a few handshakes, only their suites listed) or `not-tested` (`--checks`);
        /// absent: every suite was enumerated.
        public var coverage: String?

        public init(version: String, supported: Bool?, serverPreference: Bool?, suites: [Suite], complete: Bool, note: String?,
                    coverage: String? = nil) {
            self.version = version
            self.supported = supported
            self.serverPreference = serverPreference
            self.suites = suites
            self.complete = complete
            self.note = note
            self.coverage = coverage
        }
    }

    public struct Suite: Codable, Sendable, Equatable {
        public var code: String
        @Nullable public var iana: String?
        @Nullable public var openssl: String?
        public var evidence: [String]
        public var keyExchange: String?
        public var bits: Int?
        public var strength: String?
        public var cloudfront: Bool
        public var group: String?
        public var dhBits: Int?

        public init(code: String, iana: String?, openssl: String?, evidence: [String], keyExchange: String?, bits: Int?, strength: String?, cloudfront: Bool, group: String?, dhBits: Int?) {
            self.code = code
            self.iana = iana
            self.openssl = openssl
            self.evidence = evidence
            self.keyExchange = keyExchange
            self.bits = bits
            self.strength = strength
            self.cloudfront = cloudfront
            self.group = group
            self.dhBits = dhBits
        }
    }

    public struct GroupEntry: Codable, Sendable, Equatable {
        public var version: String
        public var groups: [NamedCode]
        public var complete: Bool
        /// true: the server picked the groups by its own order (present only then).
        public var serverPreference: Bool?

        public init(version: String, groups: [NamedCode], complete: Bool, serverPreference: Bool? = nil) {
            self.version = version
            self.groups = groups
            self.complete = complete
            self.serverPreference = serverPreference
        }
    }

    public struct NamedCode: Codable, Sendable, Equatable {
        public var code: Int
        public var name: String

        public init(code: Int, name: String) {
            self.code = code
            self.name = name
        }
    }

    public struct Chain: Codable, Sendable, Equatable {
        public var authentication: String
        public var seenWith: String
        @Nullable public var sni: String?
        @Nullable public var trusted: Bool?
        public var certificates: [Certificate]
        public var findings: [CertificateFindingEntry]

        public init(authentication: String, seenWith: String, sni: String?, trusted: Bool?, certificates: [Certificate], findings: [CertificateFindingEntry]) {
            self.authentication = authentication
            self.seenWith = seenWith
            self.sni = sni
            self.trusted = trusted
            self.certificates = certificates
            self.findings = findings
        }
    }

    /// One certificate as sent: `decoded: true` with what was read from it, or `decoded: false` with `error`.
    public struct Certificate: Codable, Sendable, Equatable {
        public var position: Int
        public var decoded: Bool
        public var der: String
        public var error: String?
        public var details: Details?

        public struct Details: Codable, Sendable, Equatable {
            public var subject: String
            public var issuer: String
            @Nullable public var commonName: String?
            public var subjectAltNames: [String]
            public var dnsNames: [String]
            public var ipAddresses: [String]
            public var notBefore: String
            public var notAfter: String
            public var daysLeft: Int
            public var keyType: String
            public var keyBits: Int
            @Nullable public var curve: String?
            public var signatureAlgorithm: String
            public var selfSigned: Bool
            public var sha256: String

            public init(subject: String, issuer: String, commonName: String?, subjectAltNames: [String], dnsNames: [String], ipAddresses: [String], notBefore: String, notAfter: String, daysLeft: Int, keyType: String, keyBits: Int, curve: String?, signatureAlgorithm: String, selfSigned: Bool, sha256: String) {
                self.subject = subject
                self.issuer = issuer
                self.commonName = commonName
                self.subjectAltNames = subjectAltNames
                self.dnsNames = dnsNames
                self.ipAddresses = ipAddresses
                self.notBefore = notBefore
                self.notAfter = notAfter
                self.daysLeft = daysLeft
                self.keyType = keyType
                self.keyBits = keyBits
                self.curve = curve
                self.signatureAlgorithm = signatureAlgorithm
                self.selfSigned = selfSigned
                self.sha256 = sha256
            }
        }

        enum CodingKeys: String, CodingKey { case position, decoded, der, error }

        public init(position: Int, der: String, error: String?, details: Details?) {
            self.position = position
            self.decoded = details != nil
            self.der = der
            self.error = error
            self.details = details
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            position = try container.decode(Int.self, forKey: .position)
            decoded = try container.decode(Bool.self, forKey: .decoded)
            der = try container.decode(String.self, forKey: .der)
            if decoded {
                error = nil
                details = try Details(from: decoder)
            } else {
                error = try container.decode(String.self, forKey: .error)
                details = nil
            }
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(position, forKey: .position)
            try container.encode(decoded, forKey: .decoded)
            try container.encode(der, forKey: .der)
            try container.encodeIfPresent(error, forKey: .error)
            try details?.encode(to: encoder)
        }
    }

    public struct CertificateFindingEntry: Codable, Sendable, Equatable {
        public var id: String
        public var severity: String
        public var message: String
        @Nullable public var fix: String?

        public init(id: String, severity: String, message: String, fix: String?) {
            self.id = id
            self.severity = severity
            self.message = message
            self.fix = fix
        }
    }

    public struct TrustStoreEntry: Codable, Sendable, Equatable {
        public var roots: Int
        public var sources: [Source]

        public struct Source: Codable, Sendable, Equatable {
            public var path: String
            public var kind: String
            public var roots: Int

            public init(path: String, kind: String, roots: Int) {
                self.path = path
                self.kind = kind
                self.roots = roots
            }
        }

        public init(roots: Int, sources: [Source]) {
            self.roots = roots
            self.sources = sources
        }
    }

    public struct Verdicts: Codable, Sendable, Equatable {
        public var cloudfront: CloudFront
        public var policy: PolicyEntry?

        public init(cloudfront: CloudFront, policy: PolicyEntry?) {
            self.cloudfront = cloudfront
            self.policy = policy
        }
    }

    public struct CloudFront: Codable, Sendable, Equatable {
        @Nullable public var compatible: Bool?
        @Nullable public var `protocol`: String?
        @Nullable public var suite: String?
        @Nullable public var code: String?
        @Nullable public var group: String?
        public var originProtocols: [String]
        public var causes: [Cause]
        /// `compatible` | `not-compatible` | `depends-on-generation` | `undecided` over the generations.
        public var status: String?
        /// One verdict per generation of CloudFront's origin client.
        public var generations: [GenerationEntry]?

        public init(compatible: Bool?, `protocol`: String?, suite: String?, code: String?, group: String?, originProtocols: [String],
                    causes: [Cause], status: String? = nil, generations: [GenerationEntry]? = nil) {
            self.compatible = compatible
            self.protocol = `protocol`
            self.suite = suite
            self.code = code
            self.group = group
            self.originProtocols = originProtocols
            self.causes = causes
            self.status = status
            self.generations = generations
        }
    }

    /// One generation's CloudFront verdict (`verdicts.cloudfront.generations[]`).
    public struct GenerationEntry: Codable, Sendable, Equatable {
        /// `documented`, `upstream`, `upstream-2025`, `upstream-2025-pq`.
        public var id: String
        public var name: String
        public var client: String
        public var documented: Bool
        @Nullable public var s2nPolicy: String?
        public var versions: [String]
        @Nullable public var compatible: Bool?
        /// True when `compatible` is the server's answer to this generation's own ClientHello.
        public var observed: Bool
        @Nullable public var `protocol`: String?
        @Nullable public var suite: SuiteName?
        @Nullable public var group: String?
        public var causes: [Cause]
        public var predicted: PredictionEntry
        /// The observed answer and the prediction, in words, when they differ.
        @Nullable public var difference: String?
        /// Size of the ClientHello sent, when one was.
        @Nullable public var helloBytes: Int?
        /// Libraries that completed a full handshake with the observed protocol and suite during the scan.
        public var confirmedBy: [String]

        public init(id: String, name: String, client: String, documented: Bool, s2nPolicy: String?, versions: [String],
                    compatible: Bool?, observed: Bool, protocol: String?, suite: SuiteName?, group: String?, causes: [Cause],
                    predicted: PredictionEntry, difference: String?, helloBytes: Int?, confirmedBy: [String]) {
            self.id = id
            self.name = name
            self.client = client
            self.documented = documented
            self.s2nPolicy = s2nPolicy
            self.versions = versions
            self.compatible = compatible
            self.observed = observed
            self.protocol = `protocol`
            self.suite = suite
            self.group = group
            self.causes = causes
            self.predicted = predicted
            self.difference = difference
            self.helloBytes = helloBytes
            self.confirmedBy = confirmedBy
        }
    }

    /// A suite by code and names.
    public struct SuiteName: Codable, Sendable, Equatable {
        public var code: String
        @Nullable public var iana: String?
        @Nullable public var openssl: String?

        public init(code: String, iana: String?, openssl: String?) {
            self.code = code
            self.iana = iana
            self.openssl = openssl
        }
    }

    public struct PredictionEntry: Codable, Sendable, Equatable {
        @Nullable public var compatible: Bool?
        @Nullable public var `protocol`: String?
        @Nullable public var suite: SuiteName?
        @Nullable public var group: String?

        public init(compatible: Bool?, protocol: String?, suite: SuiteName?, group: String?) {
            self.compatible = compatible
            self.protocol = `protocol`
            self.suite = suite
            self.group = group
        }
    }

    public struct Cause: Codable, Sendable, Equatable {
        public var id: String
        public var message: String
        public var fix: String

        public init(id: String, message: String, fix: String) {
            self.id = id
            self.message = message
            self.fix = fix
        }
    }

    public struct PolicyEntry: Codable, Sendable, Equatable {
        public var id: String
        /// false: violated; true: measured and conforms; null: not decided (`undecided` says why).
        @Nullable public var conforms: Bool?
        /// Why conformance is not decided (the origin was not reached, a version not measured); absent when decided.
        public var undecided: String?
        public var outside: [PolicyItem]
        public var missing: [PolicyItem]
        public var requirements: [String]
        public var changesNeeded: [String]
        public var policyUnverified: Bool
        /// Where the policy came from when not tlsmatrix's catalog: `imported from FILE (aws elbv2 describe-ssl-policies)`
        /// (`--policies-file`); absent for the built-in policies.
        public var source: String?

        public init(id: String, conforms: Bool?, outside: [PolicyItem], missing: [PolicyItem], requirements: [String], changesNeeded: [String], policyUnverified: Bool, source: String? = nil, undecided: String? = nil) {
            self.source = source
            self.undecided = undecided
            self.id = id
            self.conforms = conforms
            self.outside = outside
            self.missing = missing
            self.requirements = requirements
            self.changesNeeded = changesNeeded
            self.policyUnverified = policyUnverified
        }
    }

    public struct PolicyItem: Codable, Sendable, Equatable {
        public var version: String
        @Nullable public var code: String?
        public var message: String

        public init(version: String, code: String?, message: String) {
            self.version = version
            self.code = code
            self.message = message
        }
    }

    public struct ScanFinding: Codable, Sendable, Equatable {
        public var id: String
        public var severity: String
        public var message: String

        public init(id: String, severity: String, message: String) {
            self.id = id
            self.severity = severity
            self.message = message
        }
    }

    public struct GradeEntry: Codable, Sendable, Equatable {
        public var letter: String
        public var score: Int
        public var protocolScore: Int
        public var keyExchangeScore: Int
        public var cipherScore: Int
        public var caps: [Cap]
        /// Why no grade was given (letter `-`): its inputs were not measured (`--checks`). Absent for a graded scan.
        public var notGraded: String?

        public struct Cap: Codable, Sendable, Equatable {
            public var rule: String
            public var limit: String
            public var reason: String

            public init(rule: String, limit: String, reason: String) {
                self.rule = rule
                self.limit = limit
                self.reason = reason
            }
        }

        public init(letter: String, score: Int, protocolScore: Int, keyExchangeScore: Int, cipherScore: Int, caps: [Cap],
                    notGraded: String? = nil) {
            self.notGraded = notGraded
            self.letter = letter
            self.score = score
            self.protocolScore = protocolScore
            self.keyExchangeScore = keyExchangeScore
            self.cipherScore = cipherScore
            self.caps = caps
        }
    }

    /// One client profile: connects (`protocol`, `suite`, `code`, `group`) or not (`reason`; `connects`
    /// null when undecided).
    public struct Simulation: Codable, Sendable, Equatable {
        public var client: String
        public var name: String
        public var connects: Bool?
        public var outcome: Outcome
        /// true: the row is what the client's own ClientHello got (one connection per distinct hello); false: it
        /// is predicted from the matrix (the hello was not sent, or its answer was not definitive); nil: older report.
        public var observed: Bool?
        /// The server asked the observed hello for another key share first (TLS 1.3 HelloRetryRequest).
        public var helloRetry: Bool?
        /// The matrix's prediction, present when it differs from the observed row.
        public var predicted: String?
        /// What the client does about the certificate when it is not a plain yes or no (it fetches a missing
        /// intermediate itself).
        public var certificateNote: String?
        /// The finite-field DH group's size in bits, for a DHE suite.
        public var dhBits: Int?

        public enum Outcome: Sendable, Equatable {
            case connects(protocol: String, suite: String, code: String, group: String?)
            case fails(reason: String)
        }

        enum CodingKeys: String, CodingKey { case client, name, connects, `protocol`, suite, code, group, reason, observed, helloRetry, predicted, certificateNote, dhBits }

        public init(client: String, name: String, connects: Bool?, outcome: Outcome, observed: Bool? = nil,
                    helloRetry: Bool? = nil, predicted: String? = nil) {
            self.client = client
            self.name = name
            self.connects = connects
            self.outcome = outcome
            self.observed = observed
            self.helloRetry = helloRetry
            self.predicted = predicted
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            client = try container.decode(String.self, forKey: .client)
            name = try container.decode(String.self, forKey: .name)
            connects = try container.decode(Nullable<Bool>.self, forKey: .connects).wrappedValue
            if connects == true {
                outcome = .connects(protocol: try container.decode(String.self, forKey: .protocol),
                                    suite: try container.decode(String.self, forKey: .suite),
                                    code: try container.decode(String.self, forKey: .code),
                                    group: try container.decode(Nullable<String>.self, forKey: .group).wrappedValue)
            } else {
                outcome = .fails(reason: try container.decode(String.self, forKey: .reason))
            }
            observed = try container.decodeIfPresent(Bool.self, forKey: .observed)
            helloRetry = try container.decodeIfPresent(Bool.self, forKey: .helloRetry)
            predicted = try container.decodeIfPresent(String.self, forKey: .predicted)
            certificateNote = try container.decodeIfPresent(String.self, forKey: .certificateNote)
            dhBits = try container.decodeIfPresent(Int.self, forKey: .dhBits)
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(client, forKey: .client)
            try container.encode(name, forKey: .name)
            try container.encode(Nullable(wrappedValue: connects), forKey: .connects)
            switch outcome {
            case .connects(let version, let suite, let code, let group):
                try container.encode(version, forKey: .protocol)
                try container.encode(suite, forKey: .suite)
                try container.encode(code, forKey: .code)
                try container.encode(Nullable(wrappedValue: group), forKey: .group)
            case .fails(let reason):
                try container.encode(reason, forKey: .reason)
            }
            try container.encodeIfPresent(observed, forKey: .observed)
            try container.encodeIfPresent(helloRetry, forKey: .helloRetry)
            try container.encodeIfPresent(predicted, forKey: .predicted)
            try container.encodeIfPresent(certificateNote, forKey: .certificateNote)
            try container.encodeIfPresent(dhBits, forKey: .dhBits)
        }
    }

    /// How many probes ended each way: the scan result's own counts.
    public typealias Probes = ProbeCounts

    public struct Undecided: Codable, Sendable, Equatable {
        public var engine: String
        public var version: String
        public var purpose: String
        public var reason: String

        public init(engine: String, version: String, purpose: String, reason: String) {
            self.engine = engine
            self.version = version
            self.purpose = purpose
            self.reason = reason
        }
    }

    public init(schemaVersion: Int, tool: Tool?, target: TargetEntry, reachability: ReachabilityEntry, ports: [Port], protocols: [ProtocolEntry], groups: [GroupEntry], certificates: [Chain], trustStore: TrustStoreEntry, verdicts: Verdicts, findings: [ScanFinding], grade: GradeEntry, simulation: [Simulation], connections: Int, connectionLowerBound: Int, probes: Probes, complete: Bool, undecided: [Undecided], elapsedSeconds: Double, options: Options?, observations: [HelloObservation]? = nil, network: NetworkConditions? = nil, clientCertificate: ClientCertificateRequest? = nil) {
        self.schemaVersion = schemaVersion
        self.tool = tool
        self.target = target
        self.reachability = reachability
        self.ports = ports
        self.protocols = protocols
        self.groups = groups
        self.certificates = certificates
        self.trustStore = trustStore
        self.verdicts = verdicts
        self.findings = findings
        self.grade = grade
        self.simulation = simulation
        self.connections = connections
        self.connectionLowerBound = connectionLowerBound
        self.probes = probes
        self.complete = complete
        self.undecided = undecided
        self.elapsedSeconds = elapsedSeconds
        self.options = options
        self.observations = observations
        self.network = network
        self.clientCertificate = clientCertificate
    }
}

/// A field that is always written, as `null` when it has no value, and must be present when read.
@propertyWrapper
public struct Nullable<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}
