import Foundation
import TLSCatalog
import TLSModel

/// The JSON report (docs/json-report.md, schemaVersion 1) as one `Codable` document: the only way a
/// report is written (built from an analysis by TLSReport's `ScanReport.init(_:)`, encoded by
/// ``ReportCoding``) and read back (``ScanReport/decode(_:)``, ``ScanReport/scanResult()``).
///
/// Fields that are always present but may be `null` are ``Nullable``; plain optionals are fields that
/// are absent when they do not apply (e.g. `keyExchange` of an unknown suite, `verdicts.policy`).
/// Reading is strict: a missing field is an error naming it, and a field this version does not know
/// (a report written by a newer tlsmatrix) is rejected by name — never ignored, never defaulted.
package struct ScanReport: Codable, Sendable, Equatable {
    package static let currentSchemaVersion = 1

    package var schemaVersion: Int
    /// The program that wrote the report. Absent in reports written before tlsmatrix 0.4.0.
    package var tool: Tool?
    package var target: TargetEntry
    package var reachability: ReachabilityEntry
    package var ports: [Port]
    package var protocols: [ProtocolEntry]
    package var groups: [GroupEntry]
    package var certificates: [Chain]
    package var trustStore: TrustStoreEntry
    package var verdicts: Verdicts
    package var findings: [ScanFinding]
    package var grade: GradeEntry
    package var simulation: [Simulation]
    package var connections: Int
    package var connectionLowerBound: Int
    package var probes: Probes
    package var complete: Bool
    package var undecided: [Undecided]
    package var elapsedSeconds: Double
    /// What the scan was judged with (`--client`, `--origin-protocols`, `--policy`, `--host-header`,
    /// `--warn-days`), so `tlsmatrix report` judges it the same way unless told otherwise. Absent in
    /// reports written before tlsmatrix 0.4.0 (then `report` uses its own defaults).
    package var options: Options?
    /// What each CloudFront generation's own ClientHello got (absent in reports of scans that sent none).
    package var observations: [HelloObservation]?
    /// Faults retried through, throttling and the critical path (absent in reports written before 0.6).
    package var network: NetworkConditions?
    /// The origin's request for a client certificate (absent when it asked for none, and in reports before 0.6).
    package var clientCertificate: ClientCertificateRequest?
    /// The weaknesses that follow from the accepted suites, by name (`sweet32`, `freak`, `logjam`, `drown`, `beast`,
    /// `poodle`, `lucky13`, `rc4`). Absent when the scan did not enumerate suites, and in reports before 0.7.
    package var vulnerabilities: [String: Vulnerability]? = nil

    /// One vulnerability and what its answer rests on.
    package struct Vulnerability: Codable, Sendable, Equatable {
        /// `vulnerable`, `not-vulnerable`, `not-tested` (what it rests on was not enumerated) or `undecided`
        /// (timeouts or resets left it open; never read as not vulnerable).
        package var status: VulnerabilityStatus
        /// `accepted-suites`: judged from the matrix, with no connection of its own.
        package var basis: String
        /// The accepted cells that make the server vulnerable.
        package var cells: [VulnerableCell]
        /// The versions whose suites the answer rests on.
        package var versions: [TLSVersion]
        /// Why the answer is not definitive, or what it does not cover.
        @Nullable package var note: String?
        /// Connections made for this check alone.
        package var connections: Int
    }

    package struct VulnerableCell: Codable, Sendable, Equatable {
        package var version: TLSVersion
        package var code: String
        package var suite: String
    }

    package struct Tool: Codable, Sendable, Equatable {
        package var name: String
        package var version: String
    }

    package struct Options: Codable, Sendable, Equatable {
        @Nullable package var client: String?
        package var originProtocols: [String]
        @Nullable package var policy: String?
        @Nullable package var hostHeader: String?
        package var warnDays: Int
        /// The CloudFront generations judged, when not all of them (`--cloudfront-generation`).
        package var cloudfrontGenerations: [String]?
        /// The checks the scan ran (`--checks`), when not all of them; absent: every check ran.
        package var checks: [ScanCheck]?
    }

    package struct TargetEntry: Codable, Sendable, Equatable {
        package var host: String
        package var port: Int
        @Nullable package var address: String?
        @Nullable package var sni: String?
    }

    package struct ReachabilityEntry: Codable, Sendable, Equatable {
        package var status: ReachabilityStatus
        package var message: String
    }

    /// `https` (with `attempts`) or `http` (with `detail`, which may be null).
    package struct Port: Codable, Sendable, Equatable {
        package var role: PortRole
        package var port: Int
        package var open: Bool
        package var attempts: Int?
        package var detail: String??

        enum CodingKeys: String, CodingKey { case role, port, open, attempts, detail }

        package func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(role, forKey: .role)
            try container.encode(port, forKey: .port)
            try container.encode(open, forKey: .open)
            try container.encodeIfPresent(attempts, forKey: .attempts)
            if case .some(let detail) = detail { try container.encode(detail, forKey: .detail) }
        }
    }

    package struct ProtocolEntry: Codable, Sendable, Equatable {
        package var version: TLSVersion
        @Nullable package var supported: Bool?
        @Nullable package var serverPreference: Bool?
        package var suites: [Suite]
        package var complete: Bool
        @Nullable package var note: String?
        /// `sampled` (support decided by a few handshakes, only their suites listed) or `not-tested` (`--checks`);
        /// absent: every suite was enumerated.
        package var coverage: SuiteCoverage?
    }

    package struct Suite: Codable, Sendable, Equatable {
        package var code: String
        @Nullable package var iana: String?
        @Nullable package var openssl: String?
        package var evidence: [EngineKind]
        package var keyExchange: String?
        package var bits: Int?
        package var strength: String?
        package var cloudfront: Bool
        package var group: String?
        package var dhBits: Int?
    }

    package struct GroupEntry: Codable, Sendable, Equatable {
        package var version: TLSVersion
        package var groups: [NamedCode]
        package var complete: Bool
        /// true: the server picked the groups by its own order (present only then).
        package var serverPreference: Bool?
    }

    package struct NamedCode: Codable, Sendable, Equatable {
        package var code: Int
        package var name: String
    }

    package struct Chain: Codable, Sendable, Equatable {
        package var authentication: String
        package var seenWith: TLSVersion
        @Nullable package var sni: String?
        @Nullable package var trusted: Bool?
        package var certificates: [Certificate]
        package var findings: [CertificateFindingEntry]
    }

    /// One certificate as sent: `decoded: true` with what was read from it, or `decoded: false` with `error`.
    package struct Certificate: Codable, Sendable, Equatable {
        package var position: Int
        package var decoded: Bool
        package var der: String
        package var error: String?
        package var details: Details?

        package struct Details: Codable, Sendable, Equatable {
            package var subject: String
            package var issuer: String
            @Nullable package var commonName: String?
            package var subjectAltNames: [String]
            package var dnsNames: [String]
            package var ipAddresses: [String]
            package var notBefore: String
            package var notAfter: String
            package var daysLeft: Int
            package var keyType: String
            package var keyBits: Int
            @Nullable package var curve: String?
            package var signatureAlgorithm: String
            package var selfSigned: Bool
            package var sha256: String
        }

        enum CodingKeys: String, CodingKey { case position, decoded, der, error }

        package init(position: Int, der: String, error: String?, details: Details?) {
            self.position = position
            self.decoded = details != nil
            self.der = der
            self.error = error
            self.details = details
        }

        package func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(position, forKey: .position)
            try container.encode(decoded, forKey: .decoded)
            try container.encode(der, forKey: .der)
            try container.encodeIfPresent(error, forKey: .error)
            try details?.encode(to: encoder)
        }
    }

    package struct CertificateFindingEntry: Codable, Sendable, Equatable {
        package var id: String
        package var severity: Severity
        package var message: String
        @Nullable package var fix: String?
    }

    package struct TrustStoreEntry: Codable, Sendable, Equatable {
        package var roots: Int
        package var sources: [Source]

        package struct Source: Codable, Sendable, Equatable {
            package var path: String
            package var kind: String
            package var roots: Int
        }
    }

    package struct Verdicts: Codable, Sendable, Equatable {
        package var cloudfront: CloudFront
        package var policy: PolicyEntry?
    }

    package struct CloudFront: Codable, Sendable, Equatable {
        @Nullable package var compatible: Bool?
        @Nullable package var `protocol`: String?
        @Nullable package var suite: String?
        @Nullable package var code: String?
        @Nullable package var group: String?
        package var originProtocols: [String]
        package var causes: [Cause]
        /// `compatible` | `not-compatible` | `depends-on-generation` | `undecided` over the generations.
        package var status: String?
        /// One verdict per generation of CloudFront's origin client.
        package var generations: [GenerationEntry]?

        package init(
            compatible: Bool?, `protocol`: String?, suite: String?, code: String?, group: String?, originProtocols: [String],
            causes: [Cause], status: String? = nil, generations: [GenerationEntry]? = nil
        ) {
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
    package struct GenerationEntry: Codable, Sendable, Equatable {
        /// `documented`, `upstream`, `upstream-2025`, `upstream-2025-pq`.
        package var id: String
        package var name: String
        package var client: String
        package var documented: Bool
        @Nullable package var s2nPolicy: String?
        package var versions: [String]
        @Nullable package var compatible: Bool?
        /// True when `compatible` is the server's answer to this generation's own ClientHello.
        package var observed: Bool
        @Nullable package var `protocol`: String?
        @Nullable package var suite: SuiteName?
        @Nullable package var group: String?
        package var causes: [Cause]
        package var predicted: PredictionEntry
        /// The observed answer and the prediction, in words, when they differ.
        @Nullable package var difference: String?
        /// Size of the ClientHello sent, when one was.
        @Nullable package var helloBytes: Int?
        /// Libraries that completed a full handshake with the observed protocol and suite during the scan.
        package var confirmedBy: [String]

        package init(
            id: String, name: String, client: String, documented: Bool, s2nPolicy: String?, versions: [String],
            compatible: Bool?, observed: Bool, protocol: String?, suite: SuiteName?, group: String?, causes: [Cause],
            predicted: PredictionEntry, difference: String?, helloBytes: Int?, confirmedBy: [String]
        ) {
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
    package struct SuiteName: Codable, Sendable, Equatable {
        package var code: String
        @Nullable package var iana: String?
        @Nullable package var openssl: String?
    }

    package struct PredictionEntry: Codable, Sendable, Equatable {
        @Nullable package var compatible: Bool?
        @Nullable package var `protocol`: String?
        @Nullable package var suite: SuiteName?
        @Nullable package var group: String?

        package init(compatible: Bool?, protocol: String?, suite: SuiteName?, group: String?) {
            self.compatible = compatible
            self.protocol = `protocol`
            self.suite = suite
            self.group = group
        }
    }

    package struct Cause: Codable, Sendable, Equatable {
        package var id: String
        package var message: String
        package var fix: String
    }

    package struct PolicyEntry: Codable, Sendable, Equatable {
        package var id: String
        /// false: violated; true: measured and conforms; null: not decided (`undecided` says why).
        @Nullable package var conforms: Bool?
        /// Why conformance is not decided (the origin was not reached, a version not measured); absent when decided.
        package var undecided: String?
        package var outside: [PolicyItem]
        package var missing: [PolicyItem]
        package var requirements: [String]
        package var changesNeeded: [String]
        package var policyUnverified: Bool
        /// Where the policy came from when not tlsmatrix's catalog: `imported from FILE (aws elbv2 describe-ssl-policies)`
        /// (`--policies-file`); absent for the built-in policies.
        package var source: String?
    }

    package struct PolicyItem: Codable, Sendable, Equatable {
        package var version: String
        @Nullable package var code: String?
        package var message: String
    }

    package struct ScanFinding: Codable, Sendable, Equatable {
        package var id: String
        package var severity: Severity
        package var message: String
    }

    package struct GradeEntry: Codable, Sendable, Equatable {
        package var letter: String
        package var score: Int
        package var protocolScore: Int
        package var keyExchangeScore: Int
        package var cipherScore: Int
        package var caps: [Cap]
        /// Why no grade was given (letter `-`): its inputs were not measured (`--checks`). Absent for a graded scan.
        package var notGraded: String?

        package struct Cap: Codable, Sendable, Equatable {
            package var rule: String
            package var limit: String
            package var reason: String
        }
    }

    /// One client profile: connects (`protocol`, `suite`, `code`, `group`) or not (`reason`; `connects`
    /// null when undecided).
    package struct Simulation: Codable, Sendable, Equatable {
        package var client: String
        package var name: String
        package var connects: Bool?
        package var outcome: Outcome
        /// true: the row is what the client's own ClientHello got (one connection per distinct hello); false: it
        /// is predicted from the matrix (the hello was not sent, or its answer was not definitive); nil: older report.
        package var observed: Bool?
        /// The server asked the observed hello for another key share first (TLS 1.3 HelloRetryRequest).
        package var helloRetry: Bool?
        /// The matrix's prediction, present when it differs from the observed row.
        package var predicted: String?
        /// What the client does about the certificate when it is not a plain yes or no (it fetches a missing
        /// intermediate itself).
        package var certificateNote: String?
        /// The finite-field DH group's size in bits, for a DHE suite.
        package var dhBits: Int?

        package enum Outcome: Sendable, Equatable {
            case connects(protocol: String, suite: String, code: String, group: String?)
            case fails(reason: String)
        }

        enum CodingKeys: String, CodingKey {
            case client, name, connects, `protocol`, suite, code, group, reason, observed, helloRetry, predicted, certificateNote, dhBits
        }

        package func encode(to encoder: Encoder) throws {
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
    package typealias Probes = ProbeCounts

    package struct Undecided: Codable, Sendable, Equatable {
        package var engine: EngineKind
        package var version: TLSVersion
        package var purpose: String
        package var reason: String
    }
}

/// `reachability.status` of a report (and a summary row's `reachability`).
package enum ReachabilityStatus: String, NamedValue, Sendable, Equatable {
    package static let valueKind = "reachability status"

    case reachable, unresolved, refused
    case connectTimeout = "connect-timeout"
    case noTLSAnswer = "no-tls-answer"
    case localError = "local-error"
}

/// `ports[].role`: the HTTPS port scanned, or the HTTP port checked.
package enum PortRole: String, NamedValue, Sendable, Equatable {
    package static let valueKind = "port role"

    case https, http
}

extension ScanReport.Port {
    package init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decode(PortRole.self, forKey: .role)
        port = try container.decode(Int.self, forKey: .port)
        open = try container.decode(Bool.self, forKey: .open)
        attempts = try container.decodeIfPresent(Int.self, forKey: .attempts)
        detail =
            container.contains(.detail)
            ? .some(try container.decodeNil(forKey: .detail) ? nil : try container.decode(String.self, forKey: .detail)) : .none
    }
}

extension ScanReport.Certificate {
    package init(from decoder: Decoder) throws {
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
}

extension ScanReport.Simulation {
    package init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        client = try container.decode(String.self, forKey: .client)
        name = try container.decode(String.self, forKey: .name)
        connects = try container.decode(Nullable<Bool>.self, forKey: .connects).wrappedValue
        if connects == true {
            outcome = .connects(
                protocol: try container.decode(String.self, forKey: .protocol),
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
}

/// `vulnerabilities.<name>.status`.
package enum VulnerabilityStatus: String, Sendable, Equatable, NamedValue {
    package static let valueKind = "vulnerability status"

    case vulnerable
    case notVulnerable = "not-vulnerable"
    case notTested = "not-tested"
    case undecided
}
