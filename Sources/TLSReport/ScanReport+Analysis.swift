import Foundation
import TLSAudit
import TLSCatalog
import TLSModel

/// The version every report and `tlsmatrix --version` name: the one constant to change for a release.
package enum ToolVersion {
    package static let name = "tlsmatrix"
    package static let current = "0.4.0-dev"
}

extension ScanReport {
    /// The report of one analysed scan.
    package init(_ analysis: ScanAnalysis) {
        let scan = analysis.scan
        let options = analysis.options
        self.init(
            schemaVersion: Self.currentSchemaVersion,
            tool: Tool(name: ToolVersion.name, version: ToolVersion.current),
            target: TargetEntry(host: scan.target.host, port: scan.target.port, address: scan.address, sni: scan.serverName),
            reachability: ReachabilityEntry(status: Self.status(of: scan.reachability), message: scan.reachability.explanation),
            ports: Self.ports(scan),
            protocols: scan.protocols.map(Self.protocolEntry),
            groups: scan.groups.map { result in
                GroupEntry(
                    version: result.version,
                    groups: result.groups.map { NamedCode(code: Int($0), name: CodeName.group($0)) },
                    complete: result.complete, serverPreference: result.serverPreference)
            },
            certificates: analysis.chains.map(Self.chainEntry),
            trustStore: TrustStoreEntry(
                roots: analysis.trustStore.reduce(0) { $0 + $1.roots },
                sources: analysis.trustStore.map { TrustStoreEntry.Source(path: $0.path, kind: $0.kind, roots: $0.roots) }),
            verdicts: Verdicts(cloudfront: Self.verdict(analysis.cloudfront), policy: analysis.policy.map(Self.policyEntry)),
            findings: scan.findings.map { ScanFinding(id: $0.id, severity: $0.severity, message: $0.message) },
            grade: Self.gradeEntry(analysis.grade),
            simulation: analysis.simulations.map(Self.simulationEntry),
            connections: scan.connections,
            connectionLowerBound: scan.connectionLowerBound,
            probes: scan.probes,
            complete: scan.isComplete,
            undecided: scan.undecided.map {
                Undecided(engine: $0.engine, version: $0.version, purpose: $0.purpose, reason: $0.reason)
            },
            elapsedSeconds: (scan.elapsedSeconds * 1000).rounded() / 1000,
            options: Options(
                client: options.client, originProtocols: options.originProtocols.map(\.cloudFrontName),
                policy: options.policy?.id, hostHeader: options.hostHeader, warnDays: options.warnDays,
                cloudfrontGenerations: options.cloudFrontGenerations == CloudFrontGeneration.allCases
                    ? nil : options.cloudFrontGenerations.map(\.rawValue),
                checks: scan.ranAllChecks ? nil : scan.checks.sorted()),
            observations: scan.observations.isEmpty ? nil : scan.observations, network: scan.network,
            clientCertificate: scan.clientCertificate,
            vulnerabilities: analysis.vulnerabilities.isEmpty
                ? nil
                : Dictionary(
                    uniqueKeysWithValues: analysis.vulnerabilities.map {
                        ($0.name.rawValue, Self.vulnerability($0))
                    }))
    }

    static func vulnerability(_ item: DerivedVulnerability) -> Vulnerability {
        Vulnerability(
            status: VulnerabilityStatus(item.status), basis: "accepted-suites",
            cells: item.cells.map {
                VulnerableCell(version: $0.version, code: CodePointFormat.hex($0.suite), suite: CodeName.suite($0.suite))
            },
            versions: item.versions, note: item.note, connections: 0)
    }

    static func ports(_ scan: ScanResult) -> [Port] {
        var httpsOpen = scan.reachability.isReachable
        if case .noTLSAnswer = scan.reachability { httpsOpen = true }
        var items = [Port(role: .https, port: scan.target.port, open: httpsOpen, attempts: scan.connectAttempts, detail: .none)]
        if let http = scan.httpPort {
            items.append(Self.httpPort(http))
        }
        return items
    }

    static func protocolEntry(_ result: ProtocolResult) -> ProtocolEntry {
        ProtocolEntry(
            version: result.version, supported: result.supported, serverPreference: result.serverPreference,
            suites: result.suites.map(suiteEntry), complete: result.complete, note: result.note,
            coverage: result.coverage == .enumerated ? nil : result.coverage)
    }

    static func suiteEntry(_ suite: SuiteResult) -> Suite {
        let info = suite.suite
        return Suite(
            code: CodePointFormat.hex(suite.code), iana: info?.iana, openssl: info?.openssl,
            evidence: suite.evidence.sorted(),
            keyExchange: info?.keyExchange.rawValue, bits: info?.bits, strength: info?.strength.rawValue,
            cloudfront: CodeName.cloudFrontOffers(suite.code),
            group: suite.group.map(CodeName.group), dhBits: suite.dhBits)
    }

    static func chainEntry(_ analysis: ChainAnalysis) -> Chain {
        let chain = analysis.chain
        let report = analysis.report
        return Chain(
            authentication: chain.authentication, seenWith: chain.seenWith, sni: chain.sni,
            trusted: report.trusted, certificates: certificateEntries(report, der: chain.der),
            findings: report.findings.map {
                CertificateFindingEntry(id: $0.id, severity: $0.severity, message: $0.message, fix: $0.fix)
            })
    }

    /// Every certificate as sent, in order: each decoded one with its own DER (by its position, never by its
    /// index among the decoded ones), each undecodable one with its DER and the reason, and those beyond the
    /// analysis caps with their DER only — so a saved scan holds the chain exactly as the server sent it.
    static func certificateEntries(_ report: ChainReport, der: [[UInt8]]) -> [Certificate] {
        der.enumerated().map { position, bytes in
            let encoded = Data(bytes).base64EncodedString()
            if let info = report.certificates.first(where: { $0.position == position }) {
                let details = Certificate.Details(
                    subject: info.subject, issuer: info.issuer, commonName: info.commonName,
                    subjectAltNames: info.subjectAltNames, dnsNames: info.dnsNames, ipAddresses: info.ipAddresses,
                    notBefore: Timestamp.iso8601(info.notBefore), notAfter: Timestamp.iso8601(info.notAfter),
                    daysLeft: info.daysLeft, keyType: info.keyType, keyBits: info.keyBits, curve: info.curve,
                    signatureAlgorithm: info.signatureAlgorithm, selfSigned: info.isSelfSigned, sha256: info.sha256Fingerprint)
                return Certificate(position: position, der: encoded, error: nil, details: details)
            }
            let reason = report.undecodable.first(where: { $0.position == position })?.reason
            return Certificate(position: position, der: encoded, error: reason ?? "not analysed (beyond the chain limits)", details: nil)
        }
    }

    static func verdict(_ verdict: CloudFrontVerdict) -> CloudFront {
        CloudFront(
            compatible: verdict.compatible, protocol: verdict.protocolVersion?.rawValue,
            suite: verdict.suite.map(CodeName.suite),
            code: verdict.suite.map(CodePointFormat.hex), group: verdict.group.map(CodeName.group),
            originProtocols: verdict.originProtocols.map(\.cloudFrontName),
            causes: verdict.causes.map(Cause.init), status: verdict.generations.isEmpty ? nil : verdict.status.rawValue,
            generations: verdict.generations.isEmpty ? nil : verdict.generations.map(generationEntry))
    }

    static func generationEntry(_ g: CloudFrontVerdict.Generation) -> GenerationEntry {
        GenerationEntry(
            id: g.generation.rawValue, name: g.generation.title, client: g.profile.id, documented: g.generation.isDocumented,
            s2nPolicy: g.s2nPolicy, versions: g.versions.map(\.rawValue), compatible: g.compatible, observed: g.observed,
            protocol: g.protocolVersion?.rawValue, suite: g.suite.map(suiteName), group: g.group.map(CodeName.group),
            causes: g.causes.map(Cause.init),
            predicted: PredictionEntry(
                compatible: g.predicted.compatible, protocol: g.predicted.protocolVersion?.rawValue,
                suite: g.predicted.suite.map(suiteName), group: g.predicted.group.map(CodeName.group)),
            difference: g.difference, helloBytes: g.observation?.helloBytes, confirmedBy: g.confirmedBy.map(\.rawValue))
    }

    static func suiteName(_ code: UInt16) -> SuiteName {
        let suite = Catalog.shared.suite(code: code)
        return SuiteName(code: CodePointFormat.hex(code), iana: suite?.iana, openssl: suite?.openssl)
    }

    static func policyEntry(_ conformance: PolicyConformance) -> PolicyEntry {
        func items(_ list: [PolicyConformance.Item]) -> [PolicyItem] {
            list.map { PolicyItem(version: $0.version.rawValue, code: $0.suite.map(CodePointFormat.hex), message: $0.message) }
        }
        return PolicyEntry(
            id: conformance.policy.id, conforms: conformance.conforms, undecided: conformance.undecided,
            outside: items(conformance.outside), missing: items(conformance.missing),
            requirements: conformance.requirements, changesNeeded: conformance.changesNeeded,
            policyUnverified: conformance.policy.unverified, source: conformance.policy.importedFrom)
    }

    static func gradeEntry(_ grade: Grade) -> GradeEntry {
        GradeEntry(
            letter: grade.letter.rawValue, score: grade.score, protocolScore: grade.protocolScore,
            keyExchangeScore: grade.keyExchangeScore, cipherScore: grade.cipherScore,
            caps: grade.caps.map { GradeEntry.Cap(rule: $0.rule, limit: $0.limit.rawValue, reason: $0.reason) },
            notGraded: grade.notGraded)
    }

    static func simulationEntry(_ simulation: ClientSimulation) -> Simulation {
        var entry: Simulation
        switch simulation.result {
        case .success(let choice):
            entry = Simulation(
                client: simulation.client.id, name: simulation.client.name, connects: true,
                outcome: .connects(
                    protocol: choice.version.rawValue,
                    suite: CodeName.suite(choice.suite),
                    code: CodePointFormat.hex(choice.suite), group: choice.group.map(CodeName.group)))
        case .failure(let failure):
            entry = Simulation(
                client: simulation.client.id, name: simulation.client.name,
                connects: failure.definitive ? false : nil, outcome: .fails(reason: SimulationText.reason(failure)))
        }
        entry.observed = simulation.isObserved
        entry.certificateNote = simulation.certificateNote
        if case .success(let choice) = simulation.result {
            entry.dhBits = choice.dhBits
            entry.helloRetry = choice.helloRetry
        }
        if simulation.isObserved, simulation.difference != nil {
            entry.predicted = SimulationText.describe(simulation.prediction)
        }
        return entry
    }
}

extension ScanReport.Cause {
    /// The JSON form of an audit's cause.
    package init(_ cause: TLSAudit.Cause) {
        self.init(id: cause.id, message: cause.message, fix: cause.fix)
    }
}

extension VulnerabilityStatus {
    init(_ status: DerivedVulnerability.Status) {
        switch status {
        case .vulnerable: self = .vulnerable
        case .notVulnerable: self = .notVulnerable
        case .notTested: self = .notTested
        case .undecided: self = .undecided
        }
    }
}
