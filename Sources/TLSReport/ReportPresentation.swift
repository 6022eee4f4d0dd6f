import TLSAudit
import TLSCatalog
import TLSModel

/// How a piece of a report reads: what colour the text report gives it and what CSS class the HTML
/// report gives it. Renderers never decide this by looking at words.
package enum Tone: String, Sendable, Equatable {
    case good, warning, bad, neutral, notDefinitive
}

/// A piece of report text with its tone.
package struct Toned: Sendable, Equatable {
    package var text: String
    package var tone: Tone

    package init(_ text: String, _ tone: Tone) {
        self.text = text
        self.tone = tone
    }
}

/// Everything the human reports show, worked out once from an analysis: the words, the names (with a
/// hexadecimal code when the catalog has none), the cut lists and the tones. Text, Markdown, HTML, CSV
/// and JUnit only lay this out; none of them reads the scan or the catalog itself.
///
/// Strings here are raw: each renderer escapes them its own way (every one through
/// ``TerminalSafe/escape(_:)`` first), because most of them come from the server.
package struct ReportPresentation: Sendable {
    package struct Header: Sendable {
        /// `host:port`.
        package var target: String
        package var host: String
        package var port: Int
        /// The address scanned, or "unresolved".
        package var address: String
        /// "SNI name" or "no SNI".
        package var sni: String
        package var reachable: Bool
        package var reachability: String
        /// "(3 attempts)", or "(the origin was not contacted)".
        package var attemptsNote: String
        package var connectAttempts: Int
        /// "Checks: cloudfront (not tested: protocols, suites, groups, certificates, simulation)" when `--checks`
        /// left something out; nil when every check ran.
        package var checks: String?
    }

    /// One verdict: CloudFront → origin over every generation judged, with a line per generation.
    package struct Verdict: Sendable {
        /// "CloudFront".
        package var subject: String
        /// The OriginSslProtocols setting, e.g. "TLSv1.2".
        package var setting: String
        /// COMPATIBLE (good), NOT COMPATIBLE (bad), DEPENDS ON GENERATION (bad) or UNDECIDED (not definitive).
        package var state: Toned
        /// What would be negotiated, e.g. "TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 with x25519"; for a verdict that
        /// depends on the generation, which ones connect and which do not.
        package var choice: String?
        package var causes: [TLSAudit.Cause]
        /// One line per generation of CloudFront's origin client.
        package var generations: [GenerationLine] = []
        /// False when `--checks` left the verdict out (state NOT TESTED).
        package var tested = true
        package var passed: Bool { state.tone == .good }

        /// "CloudFront → origin (OriginSslProtocols TLSv1.2): ", the text before the state.
        /// "OriginSslProtocols TLSv1.2": what the verdict was judged under.
        package var settingLabel: String { "OriginSslProtocols \(setting)" }
        package var prefix: String { "\(subject) → origin (\(settingLabel)): " }
        /// " — TLSv1.2 …" after a COMPATIBLE state, else empty.
        package var suffix: String { choice.map { " — " + $0 } ?? "" }
        /// The whole line: "CloudFront → origin (OriginSslProtocols TLSv1.2): COMPATIBLE — TLSv1.2 …".
        package var line: String { prefix + state.text + suffix }
    }

    /// One generation's verdict: "CloudFront-Upstream-2025  COMPATIBLE  TLSv1.3 … — observed (291-byte ClientHello)".
    package struct GenerationLine: Sendable {
        /// "as documented", "CloudFront-Upstream-2025".
        package var name: String
        /// Where the client is known from: "AWS documentation", "s2n-tls CloudFront-Upstream-TLS-1-2-2025, undocumented".
        package var source: String
        package var state: Toned
        package var choice: String?
        /// "observed (291-byte ClientHello)" or "predicted from the matrix (…)".
        package var basis: String
        /// The observed answer and the prediction when they differ.
        package var difference: String?
        package var causeIDs: [String]

        /// The line without the state: name, then (after the state) choice, basis and cause ids.
        package var details: String {
            var parts: [String] = []
            if let choice { parts.append(choice) }
            if !causeIDs.isEmpty { parts.append(causeIDs.map { "[\($0)]" }.joined(separator: " ")) }
            parts.append(basis)
            return parts.joined(separator: " — ")
        }
        package var line: String { "\(name): \(state.text) — \(details)" }
        package var passed: Bool { state.tone == .good }
    }

    package struct Grade: Sendable {
        package var letter: TLSAudit.Grade.Letter
        /// The letter, good (A+ to A-), warning (B, C) or bad.
        package var tone: Tone
        package var score: Int
        /// "score 90: protocol 100, key exchange 90, cipher 90".
        package var scores: String
        package var caps: [Cap]
        /// Why there is no grade (`--checks` left its inputs out); nil when graded.
        package var notGraded: String?
        /// "Grade A (score 93: …)", or "Not graded: …".
        package var headline: String {
            notGraded.map { "Not graded: " + $0 } ?? "Grade \(letter) (\(scores))"
        }

        package struct Cap: Sendable {
            package var limit: String
            package var rule: String
            package var reason: String
            /// "cap B [tls10-tls11] TLS 1.0 or 1.1 is accepted …".
            package var line: String { "cap \(limit) [\(rule)] \(reason)" }
        }
    }

    package struct Policy: Sendable {
        package var id: String
        package var unverified: Bool
        /// VIOLATED (bad), conforms (good), or UNDECIDED with its reason (not definitive).
        package var state: Toned
        package var outside: [String]
        package var requirements: [String]
        package var missing: [String]
        package var changesNeeded: [String]
        /// "imported from FILE (…)" for a `--policies-file` policy; nil for the catalog's.
        package var importedFrom: String?
    }

    package struct ProtocolRow: Sendable {
        package var version: TLSVersion
        package var supported: Bool?
        /// yes, no (neutral) or UNDECIDED (not definitive).
        package var state: Toned
        /// SSL 2 or 3 accepted.
        package var insecure: Bool
        package var serverPreference: Bool?
        /// The accepted suites, in the order the scan lists them.
        package var suites: [SuiteRow]
        package var suiteCount: Int { suites.count }
        /// "server order", "client order (…)", "order unknown" or empty.
        package var order: String
        package var note: String?
        package var complete: Bool
        /// For the matrix header: "yes", "yes (incomplete)", "no", "undecided".
        package var matrixState: String
    }

    package struct SuiteRow: Sendable {
        package var code: UInt16
        /// "0xC02F".
        package var hex: String
        /// The catalog's display name, or "unassigned".
        package var name: String
        package var iana: String?
        package var openssl: String?
        package var keyExchange: String?
        /// The key exchange column: kind, group, DH size ("ECDHE x25519", "DHE 2048-bit").
        package var keyExchangeDetail: String
        package var bits: Int?
        package var strength: SuiteStrength?
        /// secure (good), weak (warning), INSECURE (bad), unknown (neutral).
        package var rating: Toned
        /// CloudFront offers the suite to origins.
        package var cloudfront: Bool
        package var evidence: [EngineKind]
        /// "wire+openssl", or "wire only" when only the wire engine saw it.
        package var evidenceText: String
    }

    package struct GroupRow: Sendable {
        package var version: TLSVersion
        package var names: [String]
        package var complete: Bool
    }

    package struct Certificates: Sendable {
        /// The name certificates were checked against.
        package var originDomain: String
        /// "/etc/ssl/certs/ca-certificates.crt (system, 146 roots)" or "none (trust not checked)".
        package var trustStore: String
        package var chains: [Chain]
    }

    package struct Chain: Sendable {
        package var authentication: String
        package var sent: Int
        package var seenWith: String
        package var sni: String
        /// trusted (good), NOT TRUSTED (bad), trust unknown or trust not checked (not definitive).
        package var trust: Toned
        package var certificates: [CertificateRow]
        package var findings: [CertificateFindingRow]
    }

    package struct CertificateRow: Sendable {
        /// 1-based position in the chain as sent.
        package var number: Int
        package var subject: String
        package var issuer: String
        package var subjectAltNames: [String]
        /// The first six SANs, ", "-separated, with " …" when there are more.
        package var subjectAltNamesShort: String
        /// "RSA 2048" or "EC 256 P-256".
        package var key: String
        package var signature: String
        /// "2027-01-31".
        package var notAfter: String
        package var daysLeft: Int
        /// bad once expired.
        package var daysTone: Tone
    }

    package struct CertificateFindingRow: Sendable {
        package var id: String
        package var severity: Severity
        /// ✗ (bad), ! (warning), · (neutral).
        package var mark: Toned
        package var message: String
        package var fix: String?
    }

    package struct HTTPPort: Sendable {
        package var port: Int
        /// "open" or "not answering (closed)".
        package var status: String
        /// Why a closed HTTP port may matter; nil when open.
        package var note: String?

        /// "HTTP port 80: open".
        package var line: String {
            "HTTP port \(port): \(status)" + (note.map { "; " + $0 } ?? "")
        }
    }

    package struct SimulationRow: Sendable {
        package var name: String
        package var unverified: Bool
        package var result: Result
        /// The row is a prediction from the matrix while other rows are what the clients' own hellos got.
        package var predictedOnly = false
        /// The name with " (unverified profile)" when the profile is not verified, " (predicted)" when the row is
        /// only predicted in a scan that sent the clients' own hellos.
        package var label: String { name + (unverified ? " (unverified profile)" : "") + (predictedOnly ? " (predicted)" : "") }

        package enum Result: Sendable {
            case connects(version: String, suite: String, group: String?)
            /// The reason; bad when definitive, not definitive otherwise.
            case fails(Toned)
        }
    }

    package struct FindingRow: Sendable {
        package var id: String
        package var severity: Severity
        package var message: String
    }

    /// One vulnerability judged from the accepted suites: "SWEET32  VULNERABLE  TLSv1.2 DES-CBC3-SHA".
    package struct VulnerabilityRow: Sendable {
        /// "SWEET32 (CVE-2016-2183)".
        package var title: String
        package var state: Toned
        /// The cells it rests on ("TLSv1.0 DES-CBC3-SHA, …"), or why it is not definitive; empty when there is
        /// nothing to add.
        package var detail: String
    }

    package struct Counts: Sendable {
        /// "Connections: 12 (lower bound 10); probes: …; 1.5 s".
        package var line: String
        package var complete: Bool
        /// The counts line with " — INCOMPLETE: …" when some result is not definitive.
        package var fullLine: String {
            line + (complete ? "" : " — INCOMPLETE: some results are not definitive")
        }
        package var elapsedSeconds: Double
    }

    package var header: Header
    package var verdicts: [Verdict]
    /// "Post-quantum: …": the hybrid groups the origin accepts and what the -PQ generation negotiated; nil when
    /// the scan has nothing to say (not reachable).
    package var postQuantum: Toned?
    package var grade: Grade
    package var policy: Policy?
    package var protocols: [ProtocolRow]
    package var groups: [GroupRow]
    package var certificates: Certificates
    package var http: HTTPPort?
    package var simulations: [SimulationRow]
    package var findings: [FindingRow]
    /// Empty when the scan did not enumerate suites.
    package var vulnerabilities: [VulnerabilityRow]
    package var counts: Counts
    /// Probes that ended without a definitive answer: "TLSv1.1 suites [wire]: timed out".
    package var undecided: [String]
    /// Versions whose support or suite list is not decided: "TLSv1.1: timed out".
    package var undecidedVersions: [String]
    /// Every result that is not definitive, in words (the reachability, protocols, groups, probes,
    /// the verdicts and simulations).
    package var notDefinitive: [String]
    /// The report sections `--checks` left out, each shown as "not tested": "Key exchange groups",
    /// "Certificates", "Handshake simulation".
    package var notTested: [String]

    /// True when `section` (one of ``notTested``'s names) was not tested.
    package func isNotTested(_ section: String) -> Bool { notTested.contains(section) }
}

extension ReportPresentation {
    /// The versions with accepted suites, newest first: one suite table each.
    package var suiteTables: [ProtocolRow] {
        protocols.reversed().filter { !$0.suites.isEmpty }
    }

    /// The presentation of one analysed scan.
    package init(_ analysis: ScanAnalysis) {
        let scan = analysis.scan
        header = Header(
            target: scan.target.description, host: scan.target.host, port: scan.target.port,
            address: scan.address ?? "unresolved", sni: Self.sni(scan.serverName),
            reachable: scan.reachability.isReachable, reachability: scan.reachability.explanation,
            attemptsNote: scan.reachability.isUndecided
                ? "(the origin was not contacted)"
                : "(\(scan.connectAttempts) attempt\(scan.connectAttempts == 1 ? "" : "s"))",
            connectAttempts: scan.connectAttempts,
            checks: scan.ranAllChecks
                ? nil
                : "Checks: \(ScanCheck.describe(scan.checks)) (not tested: \(scan.checksNotRun.map(\.rawValue).joined(separator: ", ")))")
        verdicts = [Self.verdict(analysis.cloudfront)]
        postQuantum = Self.postQuantum(analysis)
        grade = Self.grade(analysis.grade)
        policy = analysis.policy.map(Self.policy)
        protocols = scan.protocols.map(Self.protocolRow)
        groups = scan.groups.map { GroupRow(version: $0.version, names: $0.groups.map(CodeName.group), complete: $0.complete) }
        certificates = Certificates(
            originDomain: analysis.originDomain, trustStore: Self.trustStore(analysis.trustStore),
            chains: analysis.chains.map(Self.chain))
        http = scan.httpPort.map { http in
            HTTPPort(
                port: http.port, status: http.open ? "open" : "not answering (\(http.detail ?? "closed"))",
                note: http.open ? nil : "this matters only if CloudFront's origin protocol policy is HTTP only or Match viewer")
        }
        simulations = analysis.simulations.map(Self.simulation)
        if analysis.simulations.contains(where: \.isObserved) {
            for (index, simulation) in analysis.simulations.enumerated() where !simulation.isObserved {
                simulations[index].predictedOnly = true
            }
        }
        findings = scan.findings.map { FindingRow(id: $0.id, severity: $0.severity, message: $0.message) }
        vulnerabilities = analysis.vulnerabilities.map(Self.vulnerability)
        let p = scan.probes
        counts = Counts(
            line: "Connections: \(scan.connections) (lower bound \(scan.connectionLowerBound)); probes: \(p.accepted) accepted, "
                + "\(p.rejected) rejected, \(p.timedOut) timed out, \(p.failed) failed; \((scan.elapsedSeconds * 100).rounded() / 100) s",
            complete: scan.isComplete, elapsedSeconds: scan.elapsedSeconds)
        undecided = scan.undecided.map { "\($0.version.rawValue) \($0.purpose) [\($0.engine.rawValue)]: \($0.reason)" }
        undecidedVersions = scan.protocols.filter(\.isUndecided)
            .map { "\($0.version.rawValue): " + ($0.note ?? "not decided") }
        notDefinitive = Self.notDefinitive(analysis, undecided: undecided, verdicts: verdicts, simulations: simulations)
        var notTested: [String] = []
        if !scan.checks.contains(.groups) { notTested.append("Key exchange groups") }
        if !scan.checks.contains(.certificates), scan.certificates.isEmpty { notTested.append("Certificates") }
        if !scan.checks.contains(.simulation) { notTested.append("Handshake simulation") }
        self.notTested = notTested
    }

    static func vulnerability(_ item: DerivedVulnerability) -> VulnerabilityRow {
        let title: String =
            switch item.name {
            case .sweet32: "SWEET32 (CVE-2016-2183)"
            case .freak: "FREAK (CVE-2015-0204)"
            case .logjam: "Logjam (CVE-2015-4000)"
            case .drown: "DROWN (CVE-2016-0800)"
            case .beast: "BEAST (CVE-2011-3389)"
            case .poodle: "POODLE, SSL 3.0 (CVE-2014-3566)"
            case .lucky13: "Lucky Thirteen (CVE-2013-0169)"
            case .rc4: "RC4 (RFC 7465)"
            }
        let state: Toned =
            switch item.status {
            case .vulnerable: Toned("VULNERABLE", .bad)
            case .notVulnerable: Toned("not vulnerable", .good)
            case .notTested: Toned("not tested", .neutral)
            case .undecided: Toned("UNDECIDED", .notDefinitive)
            }
        let cells = item.cells.map { "\($0.version.rawValue) \(CodeName.suite($0.suite))" }
        let shown = cells.prefix(3).joined(separator: ", ") + (cells.count > 3 ? " and \(cells.count - 3) more" : "")
        let detail = [shown, item.note ?? ""].filter { !$0.isEmpty }.joined(separator: "; ")
        return VulnerabilityRow(title: title, state: state, detail: detail)
    }

    static func sni(_ name: String?) -> String {
        name.map { "SNI \($0)" } ?? "no SNI"
    }

    static func verdict(_ verdict: CloudFrontVerdict) -> Verdict {
        let state: Toned
        var choice: String?
        let setting = verdict.originProtocols.map(\.cloudFrontName).joined(separator: ",")
        guard verdict.tested else {
            return Verdict(
                subject: "CloudFront", setting: setting, state: Toned("NOT TESTED", .neutral), choice: nil, causes: [],
                tested: false)
        }
        switch verdict.status {
        case .compatible:
            state = Toned("COMPATIBLE", .good)
            choice = choiceText(verdict.protocolVersion, verdict.suite, verdict.group)
        case .notCompatible:
            state = Toned("NOT COMPATIBLE", .bad)
        case .dependsOnGeneration:
            state = Toned("DEPENDS ON GENERATION", .bad)
            let yes = verdict.generations.filter { $0.compatible == true }
            let no = verdict.generations.filter { $0.compatible == false }
            func name(_ g: CloudFrontVerdict.Generation) -> String {
                g.generation.isDocumented ? "the documented client" : g.generation.title
            }
            let listed = yes.map { g in "\(name(g)) (\(choiceText(g.protocolVersion, g.suite, g.group)))" }
            choice =
                "not compatible with " + no.map(name).joined(separator: ", ")
                + "; compatible with " + listed.joined(separator: ", ")
                + (yes.allSatisfy { !$0.generation.isDocumented } ? ", which AWS does not document" : "")
        case .undecided:
            state = Toned("UNDECIDED", .notDefinitive)
        }
        return Verdict(
            subject: "CloudFront", setting: verdict.originProtocols.map(\.cloudFrontName).joined(separator: ","),
            state: state, choice: choice, causes: verdict.causes, generations: verdict.generations.map(generationLine))
    }

    static func choiceText(_ version: TLSVersion?, _ suite: UInt16?, _ group: UInt16?) -> String {
        let group = group.map { " with " + CodeName.group($0) } ?? ""
        return "\(version?.rawValue ?? "?") \(suite.map(CodeName.suite) ?? "?")\(group)"
    }

    /// Where a report's roots came from: "/etc/ssl/certs/ca-certificates.crt (system, 146 roots)".
    static func trustStore(_ sources: [TrustStore.Source]) -> String {
        guard !sources.isEmpty else { return "none (trust not checked)" }
        return sources.map { "\($0.path) (\($0.kind), \($0.roots) root\($0.roots == 1 ? "" : "s"))" }.joined(separator: " + ")
    }

    static func generationLine(_ g: CloudFrontVerdict.Generation) -> GenerationLine {
        let state: Toned =
            switch g.compatible {
            case true?: Toned("COMPATIBLE", .good)
            case false?: Toned("NOT COMPATIBLE", .bad)
            case nil: Toned("UNDECIDED", .notDefinitive)
            }
        let source =
            g.generation.isDocumented
            ? "AWS documentation"
            : "s2n-tls \(g.s2nPolicy ?? g.generation.title), not documented by AWS"
        let basis: String
        if g.observed, let observation = g.observation {
            basis =
                "observed (\(observation.helloBytes)-byte ClientHello"
                + (g.confirmedBy.isEmpty ? ")" : "; confirmed by " + g.confirmedBy.map(\.rawValue).joined(separator: ", ") + ")")
        } else if let observation = g.observation {
            basis =
                "predicted from the matrix; its own \(observation.helloBytes)-byte ClientHello got no definitive answer (\(observation.reason ?? observation.result.rawValue))"
        } else {
            basis = "predicted from the matrix (no ClientHello of its own was sent for this setting)"
        }
        return GenerationLine(
            name: g.generation.title, source: source, state: state,
            choice: g.protocolVersion == nil
                ? nil
                : (g.compatible == true ? "" : "handshake ") + choiceText(g.protocolVersion, g.suite, g.group),
            basis: basis, difference: g.difference, causeIDs: g.causes.map(\.id))
    }

    /// The hybrid (post-quantum) groups the origin accepts with TLS 1.3, and what the -PQ generation negotiated.
    static func postQuantum(_ analysis: ScanAnalysis) -> Toned? {
        guard analysis.scan.reachability.isReachable, analysis.cloudfront.tested else { return nil }
        let tls13 = analysis.scan.groups.first { $0.version == .tls13 }
        let hybrids = (tls13?.groups ?? []).filter { Catalog.shared.group(code: $0)?.kind == .hybrid }
        var text: String
        if let tls13 {
            text =
                hybrids.isEmpty
                ? "the origin accepts no hybrid ML-KEM group with TLS 1.3" + (tls13.complete ? "" : " found so far (group list incomplete)")
                : "the origin accepts " + hybrids.map(CodeName.group).joined(separator: ", ") + " with TLS 1.3"
        } else if analysis.scan.protocolResult(.tls13)?.supported == true {
            text = "TLS 1.3 groups were not enumerated"
        } else {
            text = "the origin does not speak TLS 1.3, so no post-quantum key exchange"
        }
        if let pq = analysis.cloudfront.generations.first(where: { $0.generation == .upstream2025PQ }), pq.observed,
            let observation = pq.observation
        {
            let group = pq.group.map(CodeName.group) ?? "no group"
            text +=
                "; \(pq.generation.title) negotiated \(pq.protocolVersion == nil ? "nothing" : group) with its \(observation.helloBytes)-byte ClientHello"
        }
        return Toned("Post-quantum: " + text, hybrids.isEmpty ? .neutral : .good)
    }

    static func grade(_ grade: TLSAudit.Grade) -> Grade {
        let tone: Tone =
            switch grade.letter {
            case .aPlus, .a, .aMinus: .good
            case .b, .c: .warning
            default: .bad
            }
        return Grade(
            letter: grade.letter, tone: tone, score: grade.score,
            scores:
                "score \(grade.score): protocol \(grade.protocolScore), key exchange \(grade.keyExchangeScore), cipher \(grade.cipherScore)",
            caps: grade.caps.map { Grade.Cap(limit: $0.limit.rawValue, rule: $0.rule, reason: $0.reason) },
            notGraded: grade.notGraded)
    }

    static func policy(_ conformance: PolicyConformance) -> Policy {
        Policy(
            id: conformance.policy.id, unverified: conformance.policy.unverified,
            state: conformance.violated
                ? Toned("VIOLATED", .bad)
                : conformance.undecided.map { Toned("UNDECIDED — \($0)", .notDefinitive) } ?? Toned("conforms", .good),
            outside: conformance.outside.map(\.message), requirements: conformance.requirements,
            missing: conformance.missing.map(\.message), changesNeeded: conformance.changesNeeded,
            importedFrom: conformance.policy.importedFrom)
    }

    static func protocolRow(_ proto: ProtocolResult) -> ProtocolRow {
        if proto.coverage == .notTested {
            return ProtocolRow(
                version: proto.version, supported: nil, state: Toned("not tested", .neutral), insecure: false,
                serverPreference: nil, suites: [], order: "", note: nil, complete: true, matrixState: "not tested")
        }
        let state =
            switch proto.supported {
            case true?: Toned("yes", .neutral)
            case false?: Toned("no", .neutral)
            case nil: Toned("UNDECIDED", .notDefinitive)
            }
        let matrixState =
            switch proto.supported {
            case true?: proto.coverage == .sampled ? "yes (suites not enumerated)" : proto.complete ? "yes" : "yes (incomplete)"
            case false?: "no"
            case nil: "undecided"
            }
        return ProtocolRow(
            version: proto.version, supported: proto.supported, state: state,
            insecure: (proto.version == .sslv2 || proto.version == .sslv3) && proto.supported == true,
            serverPreference: proto.serverPreference, suites: proto.suites.map(suiteRow),
            order: proto.coverage == .sampled ? "suites not enumerated (only those negotiated are listed)" : order(proto),
            note: proto.note, complete: proto.complete,
            matrixState: matrixState)
    }

    static func order(_ proto: ProtocolResult) -> String {
        switch proto.serverPreference {
        case true?: "server order"
        case false?: "client order (listed in tlsmatrix's offer order)"
        case nil: proto.suites.count < 2 ? "" : "order unknown"
        }
    }

    static func suiteRow(_ suite: SuiteResult) -> SuiteRow {
        let info = suite.suite
        var kx = info?.keyExchange.rawValue ?? "?"
        if let group = suite.group { kx += " " + CodeName.group(group) }
        if let bits = suite.dhBits { kx += " \(bits)-bit" }
        let evidence = suite.evidence.sorted()
        let names = evidence.map(\.rawValue).joined(separator: "+")
        return SuiteRow(
            code: suite.code, hex: CodePointFormat.hex(suite.code), name: info?.displayName ?? "unassigned",
            iana: info?.iana, openssl: info?.openssl, keyExchange: info?.keyExchange.rawValue, keyExchangeDetail: kx,
            bits: info?.bits, strength: info?.strength, rating: rating(info?.strength),
            cloudfront: CodeName.cloudFrontOffers(suite.code), evidence: evidence,
            evidenceText: suite.evidence == [.wire] ? names + " only" : names)
    }

    static func rating(_ strength: SuiteStrength?) -> Toned {
        switch strength {
        case .secure?: Toned("secure", .good)
        case .weak?: Toned("weak", .warning)
        case .insecure?: Toned("INSECURE", .bad)
        case nil: Toned("unknown", .neutral)
        }
    }

    static func chain(_ item: ChainAnalysis) -> Chain {
        let trust: Tone =
            switch item.report.trusted {
            case true?: .good;
            case false?: .bad;
            case nil: .notDefinitive
            }
        return Chain(
            authentication: item.chain.authentication, sent: item.chain.der.count, seenWith: item.chain.seenWith.rawValue,
            sni: sni(item.chain.sni), trust: Toned(item.report.trustLabel, trust),
            certificates: item.report.certificates.map { info in
                var names = info.subjectAltNames.prefix(6).joined(separator: ", ")
                if info.subjectAltNames.count > 6 { names += " …" }
                return CertificateRow(
                    number: info.position + 1, subject: info.subject, issuer: info.issuer,
                    subjectAltNames: info.subjectAltNames, subjectAltNamesShort: names,
                    key: "\(info.keyType) \(info.keyBits)" + (info.curve.map { " " + $0 } ?? ""),
                    signature: info.signatureAlgorithm, notAfter: Timestamp.day(info.notAfter), daysLeft: info.daysLeft,
                    daysTone: info.daysLeft < 0 ? .bad : .neutral)
            },
            findings: item.report.findings.map { finding in
                let mark =
                    switch finding.severity {
                    case .error: Toned("✗", .bad)
                    case .warning: Toned("!", .warning)
                    case .info: Toned("·", .neutral)
                    }
                return CertificateFindingRow(
                    id: finding.id, severity: finding.severity, mark: mark, message: finding.message,
                    fix: finding.fix)
            })
    }

    static func simulation(_ simulation: ClientSimulation) -> SimulationRow {
        let result: SimulationRow.Result =
            switch simulation.result {
            case .success(let choice):
                .connects(
                    version: choice.version.rawValue, suite: CodeName.suite(choice.suite),
                    group: choice.group.map { CodeName.group($0) + (choice.helloRetry == true ? " after HelloRetryRequest" : "") })
            case .failure(let failure):
                .fails(Toned(SimulationText.reason(failure), failure.definitive ? .bad : .notDefinitive))
            }
        return SimulationRow(name: simulation.client.name, unverified: simulation.client.unverified, result: result)
    }

    static func notDefinitive(
        _ analysis: ScanAnalysis, undecided: [String], verdicts: [Verdict],
        simulations: [SimulationRow]
    ) -> [String] {
        let scan = analysis.scan
        var notes: [String] = []
        if !scan.reachability.isReachable { notes.append("Target: \(scan.reachability.explanation)") }
        for proto in scan.protocols where proto.coverage != .notTested {
            let note = proto.note.map { " (\($0))" } ?? ""
            if proto.supported == nil {
                notes.append("\(proto.version.rawValue): support undecided" + note)
            } else if !proto.complete {
                notes.append("\(proto.version.rawValue): suite list incomplete" + note)
            }
        }
        for group in scan.groups where !group.complete {
            notes.append("\(group.version.rawValue): group list incomplete")
        }
        notes += undecided
        for verdict in verdicts where verdict.state.tone == .notDefinitive {
            notes.append("\(verdict.subject) verdict undecided")
        }
        for simulation in simulations {
            if case .fails(let reason) = simulation.result, reason.tone == .notDefinitive {
                notes.append("Simulation \(simulation.name): \(reason.text)")
            }
        }
        return notes
    }
}
