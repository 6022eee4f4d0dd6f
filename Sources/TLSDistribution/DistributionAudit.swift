import Foundation
import TLSAudit
import TLSCatalog
import TLSModel

/// The scan report a distribution report embeds for each scanned origin (TLSReport's `ScanReport`, as
/// `tlsmatrix scan --format json` writes it). The audit judges and only places the writer's document: it never
/// builds or reads one itself beyond these two members.
package protocol EmbeddedScanReport: Codable, Sendable, Equatable {
    /// The report's `ports[]` entry.
    associatedtype Port: Codable, Sendable, Equatable
    /// The report of one analysed scan.
    init(_ analysis: ScanAnalysis)
    /// The report's HTTP port entry, when the scan checked that port.
    var httpPort: Port? { get }
    /// The `ports[]` entry an HTTP port check alone gives (an http-only origin).
    static func httpPort(_ check: PortCheck) -> Port
}

/// The audit's judgement of every distribution of a run, as one status: the worst of theirs (``AuditStatus``).
extension DistributionAudit {
    package static func status<Scan>(of distributions: [DistributionAuditEntry<Scan>]) -> AuditStatus {
        AuditStatus.combine(distributions.map(\.status))
    }
}

package struct DistributionAuditEntry<Scan: EmbeddedScanReport>: Codable, Sendable, Equatable {
    /// Logical id (CloudFormation), resource address (Terraform), distribution Id or caller reference (API).
    package var name: String
    package var file: String
    /// JSON path of the distribution's configuration in the file.
    package var path: String
    /// The viewer host names (resolved aliases).
    package var aliases: [String]
    /// Aliases that could not be resolved (`Fn::Sub`, `Fn::ImportValue`, a list parameter without a value): never
    /// read as "no aliases".
    package var unresolvedAliases: [Unresolved]
    package var status: AuditStatus
    package var origins: [OriginAuditEntry<Scan>]
    /// Reasons the distribution as a whole would fail, not tied to one origin (`no-origins`).
    package var causes: [CauseEntry]
    /// Findings about the distribution as a whole that are not failures.
    package var notes: [CauseEntry]
    /// Values of the file that could not be resolved (expression and JSON path), in file order.
    package var unresolved: [Unresolved]
}

package struct OriginAuditEntry<Scan: EmbeddedScanReport>: Codable, Sendable, Equatable {
    /// How the origin came out.
    package enum Outcome: String, Codable, Sendable, Equatable {
        /// Every check that ran passed.
        case connects
        /// CloudFront would answer 502 (or 504), or would not accept the configuration.
        case fails
        /// Something needed could not be known (an unresolved domain name, an unreachable-in-time origin).
        case notAudited = "not-audited"
        /// An S3 or VPC origin: AWS runs its TLS; nothing to scan.
        case skipped
        /// `--offline` and nothing in the file alone fails it.
        case notScanned = "not-scanned"
    }

    package var id: String
    /// The origin's domain name; nil when it could not be resolved (see `reason`).
    @Nullable package var domain: String?
    /// JSON path of the origin in its file.
    package var path: String
    /// `custom`, `s3`, `vpc`.
    package var kind: String
    /// `http-only`, `https-only`, `match-viewer`; nil when the file does not say (S3, VPC).
    @Nullable package var protocolPolicy: String?
    package var httpsPort: Int
    package var httpPort: Int
    package var originSSLProtocols: [String]
    /// True when OriginSSLProtocols was not in the file and CloudFront's console default (TLSv1.2) was assumed.
    package var originSSLProtocolsDefaulted: Bool
    package var connectionAttempts: Int
    package var connectionTimeout: Int
    /// Path patterns of the behaviours that send requests to this origin (directly or through an origin group).
    package var behaviors: [String]
    /// Whether a behaviour forwards the viewer's Host (null: one cannot be told from the file).
    @Nullable package var forwardsHost: Bool?
    /// The Host header CloudFront sends to this origin, per group of behaviours (empty for S3 and VPC origins):
    /// the name its certificate is checked against.
    package var hostSent: [HostHeader]
    /// Origin groups (failover) this origin belongs to.
    package var originGroups: [String]
    /// The address scanned, and whether it came from `--resolve` or DNS.
    @Nullable package var address: String?
    @Nullable package var addressFrom: String?
    package var outcome: Outcome
    /// Why the origin was skipped, not audited or not scanned.
    @Nullable package var reason: String?
    /// The verdict of every CloudFront generation (empty when no TLS scan ran).
    package var generations: [GenerationVerdict]
    /// When Host is forwarded: the certificate the origin serves with each alias as SNI, and whether it covers it.
    package var aliases: [AliasCheck]
    /// The HTTP port, when CloudFront uses it (http-only, match-viewer).
    @Nullable package var http: Scan.Port?
    /// Every reason CloudFront would fail, with its fix and where in the file it comes from.
    package var causes: [CauseEntry]
    /// Findings from the file alone that are not failures (warnings, facts).
    package var notes: [CauseEntry]
    /// The full scan report, as `tlsmatrix scan --format json` writes it.
    @Nullable package var scan: Scan?
    /// Connections made for this origin's alias certificate checks (the scan's are in `scan.connections`).
    package var aliasConnections: Int
}

/// The Host header some behaviours send to an origin, and so the names its certificate must cover.
package struct HostHeader: Codable, Sendable, Equatable {
    /// `origin-domain` (Host not forwarded: the DomainName), `viewer-host` (forwarded: an alias),
    /// `cloudfront-domain` (forwarded on a distribution without aliases: its `*.cloudfront.net` name, a certain
    /// 502), `unknown` (the behaviours' origin request policy cannot be read).
    package var host: String
    /// The names: the DomainName, the resolved aliases, or none (cloudfront-domain, unknown, an unresolved DomainName).
    package var names: [String]
    /// The behaviours (path patterns) that send it.
    package var behaviors: [String]

    package init(host: String, names: [String], behaviors: [String]) {
        self.host = host
        self.names = names
        self.behaviors = behaviors
    }
}

/// One CloudFront generation's verdict for one origin.
package struct GenerationVerdict: Codable, Sendable, Equatable {
    package var id: String
    package var name: String
    @Nullable package var compatible: Bool?
    @Nullable package var `protocol`: String?
    @Nullable package var suite: String?
    /// Ids of the causes when not compatible.
    package var causes: [String]
    /// True when judged from the file alone (a load balancer listener's SslPolicy), not by a scan.
    package var offline: Bool
}

/// The certificate an origin serves for one alias (SNI = the alias), when Host is forwarded.
package struct AliasCheck: Codable, Sendable, Equatable {
    package var alias: String
    /// The behaviours (path patterns) that forward Host to this origin.
    package var behaviors: [String]
    /// Whether the certificate covers the alias (null: no certificate was obtained).
    @Nullable package var covered: Bool?
    /// The leaf's DNS names, as served for this SNI.
    package var names: [String]
    /// Why no certificate was obtained, or other certificate problems for this SNI.
    @Nullable package var detail: String?
}

/// A reason CloudFront would fail (or a note): the audit's one ``Cause`` (what, and what to change), with its place
/// in the distribution's file.
package struct CauseEntry: Codable, Sendable, Equatable {
    package var id: String
    package var message: String
    package var fix: String
    /// JSON path in the distribution's file.
    package var path: String
    /// The CloudFront generations it applies to (empty: all, or not generation-specific).
    package var generations: [String]
    /// The alias (viewer host name) it is about, for the certificate checks of forwarded Host.
    @Nullable package var alias: String?

    package init(_ cause: Cause, path: String, generations: [String] = [], alias: String? = nil) {
        id = cause.id
        message = cause.message
        fix = cause.fix
        self.path = path
        self.generations = generations
        self.alias = alias
    }

    package init(id: String, message: String, fix: String, path: String, generations: [String] = [], alias: String? = nil) {
        self.init(Cause(id: id, message: message, fix: fix), path: path, generations: generations, alias: alias)
    }
}

/// What happened to one origin, as the program ran it; ``DistributionAudit`` judges it.
package enum OriginOutcome: Sendable {
    /// S3 / VPC origin.
    case skipped(String)
    /// The domain (or something else needed) could not be resolved from the file; the reason names it.
    case unresolved(String)
    /// `--offline`: no network.
    case offline
    /// http-only: only the HTTP port was checked (one TCP connect per attempt).
    case httpOnly(PortCheck, address: String?, addressFrom: String?)
    /// A TLS scan ran (and, for match-viewer, the HTTP port check inside it).
    case scanned(ScanAnalysis, aliases: [AliasCertificate], aliasConnections: Int, addressFrom: String)
}

/// The certificate an origin served for one alias as SNI, audited against that alias.
package struct AliasCertificate: Sendable {
    package var alias: String
    /// The audit of the chain served for SNI = alias, with the alias as the name to cover.
    package var report: ChainReport?
    /// Why there is no chain (the handshake with this SNI failed or timed out).
    package var problem: String?
    /// True when the problem is not a definitive answer (a timeout, a local failure).
    package var undecided: Bool

    package init(alias: String, report: ChainReport?, problem: String?, undecided: Bool) {
        self.alias = alias
        self.report = report
        self.problem = problem
        self.undecided = undecided
    }
}

/// Judges a distribution from its file, its offline findings and what happened to each origin.
package enum DistributionAudit {
    /// The entry for `distribution`. `outcomes` is keyed by origin id; an origin without one is not audited.
    package static func audit<Scan>(
        _ distribution: Distribution, outcomes: [String: OriginOutcome],
        findings: [Finding], embedding: Scan.Type
    ) -> DistributionAuditEntry<Scan> {
        let aliases = distribution.aliases.compactMap(\.resolved)
        let origins = zip(distribution.origins, DistributionChecks.routing(of: distribution)).map { origin, route in
            // behaviours whose origin request policy tlsmatrix cannot read may forward Host
            entry(
                origin, outcome: outcomes[origin.id] ?? .unresolved("not audited"), route: route,
                host: route.hostBehaviors.isEmpty ? .unknown(route.unknownBehaviors) : .forwarded(route.hostBehaviors),
                aliases: aliases, hasAliases: !distribution.aliases.isEmpty,
                findings: findings.filter { $0.originId == origin.id }, embedding: Scan.self)
        }
        var causes: [CauseEntry] = []
        var notes: [CauseEntry] = []
        for finding in findings where !distribution.origins.contains(where: { $0.id == finding.originId }) {
            let cause = CauseEntry(
                id: finding.id, message: finding.message, fix: finding.fix ?? "", path: finding.path ?? "",
                generations: finding.generation.map { [$0.rawValue] } ?? [])
            if finding.severity == .error { causes.append(cause) } else { notes.append(cause) }
        }
        var status = AuditStatus.combine(origins.map { Self.status($0) } + (causes.isEmpty ? [] : [.failed]))
        // An alias that cannot be resolved cannot be checked against forwarded Host: the audit is incomplete.
        if status < .incomplete, origins.contains(where: { $0.forwardsHost == true }),
            distribution.aliases.contains(where: { $0.resolved == nil })
        {
            status = .incomplete
        }
        let unresolvedAliases = distribution.aliases.compactMap { alias -> Unresolved? in
            guard case let .unresolved(expression, path) = alias else { return nil }
            return Unresolved(expression: expression, path: path)
        }
        return DistributionAuditEntry(
            name: distribution.name, file: distribution.sourceFile, path: distribution.path,
            aliases: aliases, unresolvedAliases: unresolvedAliases, status: status, origins: origins,
            causes: causes, notes: notes, unresolved: distribution.unresolved)
    }

    /// An origin's status: an error cause fails it whatever its outcome says (✗ never stands beside a pass).
    package static func status<Scan>(_ origin: OriginAuditEntry<Scan>) -> AuditStatus {
        if !origin.causes.isEmpty { return .failed }
        switch origin.outcome {
        case .fails: return .failed
        case .notAudited: return .incomplete
        case .notScanned: return .notProbed
        case .connects, .skipped: return .passed
        }
    }

    /// Whether the viewer's Host reaches an origin, with the behaviours (path patterns) that send it.
    enum HostForwarding {
        case forwarded([String])
        /// No behaviour is known to forward Host, but these use an origin request policy tlsmatrix cannot read.
        case unknown([String])

        var behaviors: [String] {
            switch self {
            case .forwarded(let list), .unknown(let list): list
            }
        }
    }

    static func entry<Scan>(
        _ origin: Origin, outcome: OriginOutcome, route: OriginRouting,
        host: HostForwarding, aliases: [String], hasAliases: Bool,
        findings: [Finding], embedding: Scan.Type
    ) -> OriginAuditEntry<Scan> {
        let hostBehaviors = host.behaviors
        var item = OriginAuditEntry<Scan>(
            id: origin.id, domain: origin.domain.resolved, path: origin.path, kind: kindName(origin.kind),
            protocolPolicy: origin.protocolPolicy?.rawValue, httpsPort: origin.httpsPort, httpPort: origin.httpPort,
            originSSLProtocols: origin.originSSLProtocols.map(\.cloudFrontName),
            originSSLProtocolsDefaulted: origin.originSSLProtocolsDefaulted,
            connectionAttempts: origin.connectionAttempts, connectionTimeout: origin.connectionTimeout,
            behaviors: route.behaviors, forwardsHost: route.forwardsHost,
            hostSent: origin.kind == .custom ? hostSent(origin, route: route, aliases: aliases, hasAliases: hasAliases) : [],
            originGroups: route.originGroups,
            address: nil, addressFrom: nil, outcome: .connects, reason: nil, generations: [], aliases: [], http: nil,
            causes: [], notes: [], scan: nil, aliasConnections: 0)
        for finding in findings {
            let cause = CauseEntry(
                id: finding.id, message: finding.message, fix: finding.fix ?? "", path: finding.path ?? "",
                generations: finding.generation.map { [$0.rawValue] } ?? [])
            if finding.severity == .error { item.causes.append(cause) } else { item.notes.append(cause) }
        }
        // the listener's SslPolicy judged against each generation, from the file alone
        if let balancer = origin.loadBalancer, origin.usesHTTPS, balancer.listeners.contains(where: { $0.isTLS && $0.sslPolicy != nil }) {
            item.generations = CloudFrontGeneration.allCases.map { generation in
                let failing = item.causes.filter { $0.id == "listener-policy-incompatible" && $0.generations.contains(generation.rawValue) }
                return GenerationVerdict(
                    id: generation.rawValue, name: generation.title, compatible: failing.isEmpty,
                    protocol: nil, suite: nil, causes: failing.map(\.id), offline: true)
            }
        }
        switch outcome {
        case .skipped(let reason):
            item.outcome = .skipped
            item.reason = reason
        case .unresolved(let reason):
            item.outcome = .notAudited
            item.reason = reason
        case .offline:
            item.outcome = .notScanned
            item.reason = "--offline: only what the file alone decides was checked"
            if hostBehaviors.isEmpty == false {
                item.aliases = aliases.map {
                    AliasCheck(alias: $0, behaviors: hostBehaviors, covered: nil, names: [], detail: "not checked (--offline)")
                }
            }
        case let .httpOnly(check, address, from):
            item.address = address
            item.addressFrom = from
            item.reason = "http-only: CloudFront reaches this origin over HTTP; TLS is not needed and was not scanned"
            item.http = Scan.httpPort(check)
            if !check.open {
                item.causes.append(
                    CauseEntry(
                        id: "http-port-closed",
                        message:
                            "origin \(origin.id) is http-only but its HTTP port \(check.port) does not answer\(check.detail.map { ": \($0)" } ?? "")",
                        fix: "open port \(check.port) to CloudFront's origin-facing addresses, or correct HTTPPort",
                        path: origin.path))
            }
        case let .scanned(analysis, aliasCertificates, connections, from):
            fill(&item, origin: origin, analysis: analysis, from: from)
            judgeDomainName(&item, origin: origin, route: route)
            item.aliasConnections = connections
            item.aliases = aliasCertificates.map { aliasCheck($0, behaviors: hostBehaviors) }
            let aliasProblems = aliasCertificates.flatMap { aliasCauses($0, origin: origin, behaviors: hostBehaviors) }
            if case .forwarded = host {
                item.causes += aliasProblems
            } else if !aliasProblems.isEmpty {
                // a failure only if those behaviours forward Host, which the file does not tell
                item.notes += aliasProblems.map { cause in
                    CauseEntry(
                        id: "host-forwarding-unknown",
                        message:
                            "if behaviours \(hostBehaviors.joined(separator: ", ")) forward the viewer's Host (their origin request policy is not one tlsmatrix can read), CloudFront would fail: \(cause.message)",
                        fix: cause.fix, path: cause.path, alias: cause.alias)
                }
                if item.outcome != .notAudited {
                    item.outcome = .notAudited
                    item.reason =
                        "whether Host is forwarded to this origin cannot be told from the file, and its certificate does not cover every alias"
                }
            }
            if item.outcome != .notAudited, aliasCertificates.contains(where: { $0.report == nil && $0.undecided }) {
                item.outcome = .notAudited
                item.reason = "a certificate for an alias could not be fetched (see aliases)"
            }
        }
        if !item.causes.isEmpty { item.outcome = .fails }
        return item
    }

    /// The Host each group of behaviours sends to a custom origin.
    static func hostSent(_ origin: Origin, route: OriginRouting, aliases: [String], hasAliases: Bool) -> [HostHeader] {
        route.hostSent(hasAliases: hasAliases).map { group in
            let names: [String] =
                switch group.host {
                case .originDomain: origin.domain.resolved.map { [$0] } ?? []
                case .viewerHost: aliases
                case .cloudFrontDomain, .unknown: []
                }
            return HostHeader(host: group.host.rawValue, names: names, behaviors: group.behaviors)
        }
    }

    /// The scan checks the certificate against the DomainName (its SNI). Where CloudFront does not: when every
    /// behaviour forwards the viewer's Host, it checks the aliases (``aliasCauses(_:origin:behaviors:)``), so a name
    /// mismatch of the DomainName is no cause, and a generation that failed only on it connects. When some
    /// behaviours do and some do not, the DomainName cause stays, naming the behaviours it is about.
    static func judgeDomainName<Scan>(_ item: inout OriginAuditEntry<Scan>, origin: Origin, route: OriginRouting) {
        let mismatch = Finding.ID.nameMismatch
        guard item.causes.contains(where: { $0.id == mismatch }) || item.generations.contains(where: { $0.causes.contains(mismatch) })
        else { return }
        guard route.everyBehaviorForwardsHost else {
            if !route.domainBehaviors.isEmpty, !route.hostBehaviors.isEmpty || !route.unknownBehaviors.isEmpty {
                for index in item.causes.indices where item.causes[index].id == mismatch {
                    item.causes[index].message +=
                        " (behaviours \(route.domainBehaviors.joined(separator: ", ")) do not forward the viewer's Host, so CloudFront checks the DomainName for them)"
                }
            }
            return
        }
        item.causes.removeAll { $0.id == mismatch }
        for index in item.generations.indices where item.generations[index].causes.contains(mismatch) {
            item.generations[index].causes.removeAll { $0 == mismatch }
            if item.generations[index].causes.isEmpty, item.generations[index].compatible == false {
                item.generations[index].compatible = true
            }
        }
        item.notes.append(
            CauseEntry(
                id: "domain-name-not-checked",
                message:
                    "every behaviour that reaches origin \(origin.id) (\(route.hostBehaviors.joined(separator: ", "))) forwards the viewer's Host, so CloudFront checks its certificate against the aliases, not against its DomainName \(origin.domain.resolved ?? ""); the scan's name mismatch for the DomainName is not a cause",
                fix:
                    "nothing, as long as the certificate covers every alias (see aliases); if a behaviour stops forwarding Host, the certificate must cover the DomainName",
                path: origin.path))
    }

    /// The scan's verdicts, HTTP port and causes.
    static func fill<Scan>(_ item: inout OriginAuditEntry<Scan>, origin: Origin, analysis: ScanAnalysis, from: String) {
        let scan = analysis.scan
        let report = Scan(analysis)
        item.scan = report
        item.address = scan.address
        item.addressFrom = from
        let verdict = analysis.cloudfront
        item.generations = verdict.generations.map { generation in
            GenerationVerdict(
                id: generation.generation.rawValue, name: generation.generation.title,
                compatible: generation.compatible, protocol: generation.protocolVersion?.rawValue,
                suite: generation.suite.map(CodeName.suite), causes: generation.causes.map(\.id), offline: false)
        }
        // CloudFront uses the HTTP port of a match-viewer origin (an http-only one never gets here)
        if origin.protocolPolicy == .matchViewer, let http = report.httpPort { item.http = http }
        if scan.reachability.isUndecided || verdict.compatible == nil {
            item.outcome = .notAudited
            item.reason =
                scan.reachability.isReachable
                ? "the scan left the CloudFront verdict undecided (timeouts); see scan.undecided"
                : scan.reachability.explanation
        }
        // each cause once, naming the generations it applies to
        // OriginMtlsConfig: CloudFront presents the configured client certificate (the analysis knew), so a request
        // for one is expected; whether the origin accepts that certificate cannot be checked from here
        if origin.mtls, scan.findings.contains(where: { $0.id == Finding.ID.clientCertificateRequested }) {
            item.notes.append(
                CauseEntry(
                    id: Finding.ID.clientCertificateRequested,
                    message:
                        "the origin asks for a client certificate and the distribution configures one (OriginMtlsConfig); tlsmatrix cannot present it, so whether the origin accepts CloudFront's certificate is not checked",
                    fix: "make sure the origin trusts the CA of the certificate in OriginMtlsConfig", path: origin.path))
        }
        var seen: [String: Int] = [:]
        for generation in verdict.generations where generation.compatible == false {
            for cause in generation.causes {
                let key = cause.id + "\u{0}" + cause.message
                if let index = seen[key] {
                    item.causes[index].generations.append(generation.generation.rawValue)
                } else {
                    seen[key] = item.causes.count
                    item.causes.append(CauseEntry(cause, path: origin.path, generations: [generation.generation.rawValue]))
                }
            }
        }
        if verdict.generations.isEmpty, verdict.compatible == false {
            item.causes += verdict.causes.map { CauseEntry($0, path: origin.path) }
        }
        if origin.protocolPolicy == .matchViewer, let http = scan.httpPort, !http.open {
            item.causes.append(
                CauseEntry(
                    id: "http-port-closed",
                    message:
                        "origin \(origin.id) is match-viewer: viewers on HTTP reach it on port \(http.port), which does not answer\(http.detail.map { ": \($0)" } ?? "")",
                    fix: "open port \(http.port) to CloudFront, correct HTTPPort, or use https-only",
                    path: origin.path))
        }
    }

    static func aliasCheck(_ check: AliasCertificate, behaviors: [String]) -> AliasCheck {
        guard let report = check.report else {
            return AliasCheck(alias: check.alias, behaviors: behaviors, covered: nil, names: [], detail: check.problem)
        }
        let leaf = report.leaf
        let mismatch = report.findings.contains { $0.id == Finding.ID.nameMismatch }
        let others = report.findings.filter { $0.severity == .error && $0.id != Finding.ID.nameMismatch }
        return AliasCheck(
            alias: check.alias, behaviors: behaviors, covered: leaf == nil ? nil : !mismatch,
            names: leaf?.dnsNames ?? [],
            detail: others.isEmpty ? nil : others.map(\.id).joined(separator: ", "))
    }

    static func aliasCauses(_ check: AliasCertificate, origin: Origin, behaviors: [String]) -> [CauseEntry] {
        let patterns = behaviors.joined(separator: ", ")
        guard let report = check.report else {
            guard !check.undecided else { return [] }
            return [
                CauseEntry(
                    id: "alias-handshake-failed",
                    message:
                        "behaviours \(patterns) forward the viewer's Host, so CloudFront sends SNI \(check.alias) to origin \(origin.id); a handshake with that SNI failed: \(check.problem ?? "no certificate")",
                    fix: "serve a certificate for \(check.alias) on the origin (or stop forwarding Host, e.g. AllViewerExceptHostHeader)",
                    path: origin.path, alias: check.alias)
            ]
        }
        var causes: [CauseEntry] = []
        if report.findings.contains(where: { $0.id == Finding.ID.nameMismatch }) {
            let leaf = report.leaf
            let names = leaf.map { $0.dnsNames.isEmpty ? ($0.commonName ?? "no name") : $0.dnsNames.joined(separator: ", ") } ?? "no name"
            causes.append(
                CauseEntry(
                    id: Finding.ID.hostHeaderMismatch,
                    message:
                        "alias \(check.alias): behaviours \(patterns) forward the viewer's Host to origin \(origin.id), but the certificate it serves for SNI \(check.alias) covers only \(names)",
                    fix:
                        "add \(check.alias) to the origin certificate's subject alternative names, or stop forwarding Host for these behaviours (origin request policy AllViewerExceptHostHeader)",
                    path: origin.path, alias: check.alias))
        }
        return causes
    }

    static func kindName(_ kind: OriginKind) -> String {
        switch kind {
        case .custom: "custom"
        case .s3: "s3"
        case .vpc: "vpc"
        }
    }
}
