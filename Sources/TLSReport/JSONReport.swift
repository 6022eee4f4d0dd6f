import TLSAudit
import TLSCatalog
import TLSModel

/// The machine-readable report: the DESIGN §6 contract (schemaVersion 1), extended, never renamed.
public enum JSONReport {
    public static let schemaVersion = 1

    public static func document(_ analysis: ScanAnalysis) -> JSONValue {
        let scan = analysis.scan
        let probes: [(String, JSONValue)] = [
            ("accepted", .int(scan.probes.accepted)),
            ("rejected", .int(scan.probes.rejected)),
            ("timedOut", .int(scan.probes.timedOut)),
            ("failed", .int(scan.probes.failed)),
        ]
        let undecided: [JSONValue] = scan.undecided.map(undecidedEntry)
        var verdicts: [(String, JSONValue)] = [("cloudfront", verdict(analysis.cloudfront))]
        if let conformance = analysis.policy { verdicts.append(("policy", policyEntry(conformance))) }
        var pairs: [(String, JSONValue)] = []
        pairs.append(("schemaVersion", .int(schemaVersion)))
        pairs.append(("target", target(scan)))
        pairs.append(("reachability", reachability(scan.reachability)))
        pairs.append(("ports", ports(scan)))
        pairs.append(("protocols", .array(scan.protocols.map(protocolEntry))))
        pairs.append(("groups", .array(scan.groups.map(groupEntry))))
        pairs.append(("certificates", .array(analysis.chains.map(chainEntry))))
        pairs.append(("trustStore", trustStoreEntry(analysis.trustStore)))
        pairs.append(("verdicts", .object(verdicts)))
        pairs.append(("findings", .array(scan.findings.map(scanFindingEntry))))
        pairs.append(("grade", gradeEntry(analysis.grade)))
        pairs.append(("simulation", .array(analysis.simulations.map(simulationEntry))))
        pairs.append(("connections", .int(scan.connections)))
        pairs.append(("connectionLowerBound", .int(scan.connectionLowerBound)))
        pairs.append(("probes", .object(probes)))
        pairs.append(("complete", .bool(scan.isComplete)))
        pairs.append(("undecided", .array(undecided)))
        pairs.append(("elapsedSeconds", .double((scan.elapsedSeconds * 1000).rounded() / 1000)))
        return .object(pairs)
    }

    static func policyEntry(_ conformance: PolicyConformance) -> JSONValue {
        func items(_ list: [PolicyConformance.Item]) -> JSONValue {
            .array(list.map { item in
                let pairs: [(String, JSONValue)] = [
                    ("version", .string(item.version.rawValue)),
                    ("code", .string(orNull: item.suite.map(CodePointFormat.hex))),
                    ("message", .string(item.message)),
                ]
                return .object(pairs)
            })
        }
        let pairs: [(String, JSONValue)] = [
            ("id", .string(conformance.policy.id)),
            ("conforms", .bool(!conformance.violated)),
            ("outside", items(conformance.outside)),
            ("missing", items(conformance.missing)),
            ("requirements", .array(conformance.requirements.map(JSONValue.string))),
            ("changesNeeded", .array(conformance.changesNeeded.map(JSONValue.string))),
            ("policyUnverified", .bool(conformance.policy.unverified)),
        ]
        return .object(pairs)
    }

    static func gradeEntry(_ grade: Grade) -> JSONValue {
        let caps: [JSONValue] = grade.caps.map { cap in
            let pairs: [(String, JSONValue)] = [("rule", .string(cap.rule)), ("limit", .string(cap.limit)), ("reason", .string(cap.reason))]
            return .object(pairs)
        }
        let pairs: [(String, JSONValue)] = [
            ("letter", .string(grade.letter)),
            ("score", .int(grade.score)),
            ("protocolScore", .int(grade.protocolScore)),
            ("keyExchangeScore", .int(grade.keyExchangeScore)),
            ("cipherScore", .int(grade.cipherScore)),
            ("caps", .array(caps)),
        ]
        return .object(pairs)
    }

    static func simulationEntry(_ simulation: ClientSimulation) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("client", .string(simulation.client.id)),
            ("name", .string(simulation.client.name)),
        ]
        switch simulation.result {
        case .success(let choice):
            pairs.append(("connects", .bool(true)))
            pairs.append(("protocol", .string(choice.version.rawValue)))
            pairs.append(("suite", .string(Catalog.shared.suite(code: choice.suite)?.displayName ?? CodePointFormat.hex(choice.suite))))
            pairs.append(("code", .string(CodePointFormat.hex(choice.suite))))
            pairs.append(("group", .string(orNull: choice.group.map(groupName))))
        case .failure(let failure):
            pairs.append(("connects", failure.definitive ? .bool(false) : .null))
            pairs.append(("reason", .string(SimulationText.reason(failure))))
        }
        return .object(pairs)
    }

    static func scanFindingEntry(_ finding: Finding) -> JSONValue {
        let pairs: [(String, JSONValue)] = [
            ("id", .string(finding.id)),
            ("severity", .string(finding.severity.rawValue)),
            ("message", .string(finding.message)),
        ]
        return .object(pairs)
    }

    static func undecidedEntry(_ item: UndecidedProbe) -> JSONValue {
        let pairs: [(String, JSONValue)] = [
            ("engine", .string(item.engine.rawValue)),
            ("version", .string(item.version.rawValue)),
            ("purpose", .string(item.purpose)),
            ("reason", .string(item.reason)),
        ]
        return .object(pairs)
    }

    static func target(_ scan: ScanResult) -> JSONValue {
        let pairs: [(String, JSONValue)] = [
            ("host", .string(scan.target.host)),
            ("port", .int(scan.target.port)),
            ("address", .string(orNull: scan.address)),
            ("sni", .string(orNull: scan.serverName)),
        ]
        return .object(pairs)
    }

    static func ports(_ scan: ScanResult) -> JSONValue {
        var httpsOpen = scan.reachability.isReachable
        if case .noTLSAnswer = scan.reachability { httpsOpen = true }
        let https: [(String, JSONValue)] = [
            ("role", .string("https")),
            ("port", .int(scan.target.port)),
            ("open", .bool(httpsOpen)),
            ("attempts", .int(scan.connectAttempts)),
        ]
        var items: [JSONValue] = [.object(https)]
        if let http = scan.httpPort {
            let entry: [(String, JSONValue)] = [
                ("role", .string("http")),
                ("port", .int(http.port)),
                ("open", .bool(http.open)),
                ("detail", .string(orNull: http.detail)),
            ]
            items.append(.object(entry))
        }
        return .array(items)
    }

    static func reachability(_ reach: Reachability) -> JSONValue {
        let pairs: [(String, JSONValue)] = [("status", .string(status(of: reach))), ("message", .string(reach.explanation))]
        return .object(pairs)
    }

    /// The `reachability.status` of a report (also a summary row's `reachability`).
    public static func status(of reach: Reachability) -> String {
        switch reach {
        case .reachable: "reachable"
        case .unresolved: "unresolved"
        case .refused: "refused"
        case .connectTimeout: "connect-timeout"
        case .noTLSAnswer: "no-tls-answer"
        case .localError: "local-error"
        }
    }

    static func protocolEntry(_ result: ProtocolResult) -> JSONValue {
        let pairs: [(String, JSONValue)] = [
            ("version", .string(result.version.rawValue)),
            ("supported", .bool(orNull: result.supported)),
            ("serverPreference", .bool(orNull: result.serverPreference)),
            ("suites", .array(result.suites.map(suiteEntry))),
            ("complete", .bool(result.complete)),
            ("note", .string(orNull: result.note)),
        ]
        return .object(pairs)
    }

    static func suiteEntry(_ suite: SuiteResult) -> JSONValue {
        let info = suite.suite
        var pairs: [(String, JSONValue)] = [
            ("code", .string(CodePointFormat.hex(suite.code))),
            ("iana", .string(orNull: info?.iana)),
            ("openssl", .string(orNull: info?.openssl)),
            ("evidence", .array(suite.evidence.sorted().map { JSONValue.string($0.rawValue) })),
        ]
        if let info {
            pairs.append(("keyExchange", .string(info.keyExchange)))
            pairs.append(("bits", .int(info.bits)))
            pairs.append(("strength", .string(info.strength.rawValue)))
        }
        pairs.append(("cloudfront", .bool(Catalog.shared.client(id: "cloudfront-origin")?.offers(suite: suite.code) ?? false)))
        if let group = suite.group { pairs.append(("group", .string(groupName(group)))) }
        if let bits = suite.dhBits { pairs.append(("dhBits", .int(bits))) }
        return .object(pairs)
    }

    static func groupEntry(_ result: GroupResult) -> JSONValue {
        let pairs: [(String, JSONValue)] = [
            ("version", .string(result.version.rawValue)),
            ("groups", .array(result.groups.map(groupValue))),
            ("complete", .bool(result.complete)),
        ]
        return .object(pairs)
    }

    static func groupValue(_ code: UInt16) -> JSONValue {
        let pairs: [(String, JSONValue)] = [("code", .int(Int(code))), ("name", .string(groupName(code)))]
        return .object(pairs)
    }

    static func chainEntry(_ analysis: ChainAnalysis) -> JSONValue {
        let chain = analysis.chain
        let report = analysis.report
        let pairs: [(String, JSONValue)] = [
            ("authentication", .string(chain.authentication)),
            ("seenWith", .string(chain.seenWith.rawValue)),
            ("sni", .string(orNull: chain.sni)),
            ("trusted", .bool(orNull: report.trusted)),
            ("certificates", .array(certificateEntries(report, der: chain.der))),
            ("findings", .array(report.findings.map(findingEntry))),
        ]
        return .object(pairs)
    }

    /// Every certificate as sent, in order: each decoded one with its own DER (by its position, never by its
    /// index among the decoded ones), each undecodable one with its DER and the reason, and those beyond the
    /// analysis caps with their DER only — so a saved scan holds the chain exactly as the server sent it.
    static func certificateEntries(_ report: ChainReport, der: [[UInt8]]) -> [JSONValue] {
        der.enumerated().map { position, bytes in
            if let info = report.certificates.first(where: { $0.position == position }) {
                return certificateEntry(info, der: bytes)
            }
            let reason = report.undecodable.first(where: { $0.position == position })?.reason
            let pairs: [(String, JSONValue)] = [
                ("position", .int(position)),
                ("decoded", .bool(false)),
                ("error", .string(reason ?? "not analysed (beyond the chain limits)")),
                ("der", .string(Base64.encode(bytes))),
            ]
            return .object(pairs)
        }
    }

    static func trustStoreEntry(_ sources: [TrustStore.Source]) -> JSONValue {
        let list: [JSONValue] = sources.map { source in
            let pairs: [(String, JSONValue)] = [
                ("path", .string(source.path)), ("kind", .string(source.kind)), ("roots", .int(source.roots)),
            ]
            return .object(pairs)
        }
        let pairs: [(String, JSONValue)] = [
            ("roots", .int(sources.reduce(0) { $0 + $1.roots })),
            ("sources", .array(list)),
        ]
        return .object(pairs)
    }

    static func findingEntry(_ finding: CertificateFinding) -> JSONValue {
        let pairs: [(String, JSONValue)] = [
            ("id", .string(finding.id)),
            ("severity", .string(finding.severity.rawValue)),
            ("message", .string(finding.message)),
            ("fix", .string(orNull: finding.fix)),
        ]
        return .object(pairs)
    }

    static func certificateEntry(_ info: CertificateInfo, der: [UInt8]) -> JSONValue {
        let pairs: [(String, JSONValue)] = [
            ("position", .int(info.position)),
            ("decoded", .bool(true)),
            ("subject", .string(info.subject)),
            ("issuer", .string(info.issuer)),
            ("commonName", .string(orNull: info.commonName)),
            ("subjectAltNames", .array(info.subjectAltNames.map(JSONValue.string))),
            ("dnsNames", .array(info.dnsNames.map(JSONValue.string))),
            ("ipAddresses", .array(info.ipAddresses.map(JSONValue.string))),
            ("notBefore", .string(Timestamp.iso8601(info.notBefore))),
            ("notAfter", .string(Timestamp.iso8601(info.notAfter))),
            ("daysLeft", .int(info.daysLeft)),
            ("keyType", .string(info.keyType)),
            ("keyBits", .int(info.keyBits)),
            ("curve", .string(orNull: info.curve)),
            ("signatureAlgorithm", .string(info.signatureAlgorithm)),
            ("selfSigned", .bool(info.isSelfSigned)),
            ("sha256", .string(info.sha256Fingerprint)),
            ("der", .string(Base64.encode(der))),
        ]
        return .object(pairs)
    }

    static func verdict(_ verdict: CloudFrontVerdict) -> JSONValue {
        var suiteName: String?
        var suiteCode: String?
        if let code = verdict.suite {
            suiteName = Catalog.shared.suite(code: code)?.displayName ?? CodePointFormat.hex(code)
            suiteCode = CodePointFormat.hex(code)
        }
        let group: String? = verdict.group.map(groupName)
        let protocols: [JSONValue] = verdict.originProtocols.map { JSONValue.string($0.cloudFrontName) }
        let causes: [JSONValue] = verdict.causes.map(causeEntry)
        let pairs: [(String, JSONValue)] = [
            ("compatible", .bool(orNull: verdict.compatible)),
            ("protocol", .string(orNull: verdict.protocolVersion?.rawValue)),
            ("suite", .string(orNull: suiteName)),
            ("code", .string(orNull: suiteCode)),
            ("group", .string(orNull: group)),
            ("originProtocols", .array(protocols)),
            ("causes", .array(causes)),
        ]
        return .object(pairs)
    }

    static func causeEntry(_ cause: CloudFrontVerdict.Cause) -> JSONValue {
        let pairs: [(String, JSONValue)] = [
            ("id", .string(cause.id)),
            ("message", .string(cause.message)),
            ("fix", .string(cause.fix)),
        ]
        return .object(pairs)
    }

    static func groupName(_ code: UInt16) -> String {
        Catalog.shared.group(code: code)?.name ?? CodePointFormat.hex(code)
    }
}

/// Standard base64 (RFC 4648) without Foundation.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    static func encode(_ bytes: [UInt8]) -> String {
        var out = ""
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = Int(bytes[index])
            let b1 = index + 1 < bytes.count ? Int(bytes[index + 1]) : 0
            let b2 = index + 2 < bytes.count ? Int(bytes[index + 2]) : 0
            out.append(alphabet[b0 >> 2])
            out.append(alphabet[((b0 & 3) << 4) | (b1 >> 4)])
            out.append(index + 1 < bytes.count ? alphabet[((b1 & 15) << 2) | (b2 >> 6)] : "=")
            out.append(index + 2 < bytes.count ? alphabet[b2 & 63] : "=")
            index += 3
        }
        return out
    }
}
