import TLSCatalog
import TLSModel

/// Confirms each (version, suite) the wire engine found with a complete handshake by a real library:
/// OpenSSL where it can speak the pair, GnuTLS where only it can. Cells no library can speak stay wire-only.
/// A library that fails where the wire engine saw a ServerHello is a finding, never merged silently.
struct CrossCheck: Sendable {
    let environment: any ScanEnvironment
    let libraries: [any HandshakeEngine]

    init(environment: any ScanEnvironment) {
        self.environment = environment
        self.libraries = environment.libraries
    }

    /// The engine that will confirm a pair, or nil when no linked library can offer it.
    func confirmer(version: TLSVersion, suite: UInt16) -> (any HandshakeEngine)? {
        libraries.first { environment.canOffer($0.kind, version: version, suite: suite) }
    }

    struct Outcome: Sendable {
        var version: TLSVersion
        var suite: UInt16
        var engine: EngineKind
        var outcome: ProbeOutcome
    }

    /// Runs one confirming handshake per accepted pair and folds the evidence into `result`.
    /// How long the one listening TLS 1.3 confirmation waits for a certificate_required alert.
    static let listenAfterHandshake: Duration = .milliseconds(500)

    /// A (version, suite) cell to confirm.
    struct Pair: Sendable, Hashable {
        var version: TLSVersion
        var suite: UInt16
    }

    /// `only`: confirm just these cells (nil: every accepted one).
    func run(session: ProbeSession, into result: inout ScanResult, only: Set<Pair>? = nil) async {
        let plan = jobs(for: result.protocols, only: only)
        // One TLS 1.3 confirmation listens briefly after its handshake: a server that requires a client
        // certificate says so only then (certificate_required), its CertificateRequest being encrypted.
        let outcomes = await confirm(plan, session: session, listens: true)
        fold(outcomes, into: &result, serverName: session.serverName)
    }

    /// A confirming handshake to make: the cell and the library that makes it.
    struct Job: Sendable {
        var version: TLSVersion
        var suite: UInt16
        var engine: any HandshakeEngine
    }

    /// One job per accepted (version, suite) some library can offer.
    func jobs(for protocols: [ProtocolResult], only: Set<Pair>? = nil) -> [Job] {
        var jobs: [Job] = []
        for proto in protocols where proto.version != .sslv2 {
            for suite in proto.suites where only?.contains(Pair(version: proto.version, suite: suite.code)) ?? true {
                if let engine = confirmer(version: proto.version, suite: suite.code) {
                    jobs.append(Job(version: proto.version, suite: suite.code, engine: engine))
                }
            }
        }
        return jobs
    }

    /// Runs the jobs at once (within the session's limits). With `listens`, the first TLS 1.3 OpenSSL job waits
    /// briefly after its handshake for certificate_required.
    func confirm(_ plan: [Job], session: ProbeSession, listens: Bool) async -> [Outcome] {
        guard !plan.isEmpty else { return [] }
        await environment.prepare()
        let listener = listens ? plan.firstIndex { $0.version == .tls13 && $0.engine.kind == .openssl } : nil
        return await withTaskGroup(of: Outcome.self) { group in
            for (index, job) in plan.enumerated() {
                group.addTask { await confirm(job, session: session, listens: index == listener) }
            }
            var all: [Outcome] = []
            for await item in group { all.append(item) }
            return all
        }
    }

    /// One confirming handshake, in the slots the elimination chains leave free; with `listens` it waits briefly
    /// after the handshake for certificate_required.
    func confirm(_ job: Job, session: ProbeSession, listens: Bool) async -> Outcome {
        var request = session.request(job.version, suites: [job.suite])
        if listens { request.listenAfterHandshake = min(session.options.deadlines.handshake, Self.listenAfterHandshake) }
        let outcome = await session.probe(request, purpose: "cross-check", engine: job.engine, priority: .background)
        return Outcome(version: job.version, suite: job.suite, engine: job.engine.kind, outcome: outcome)
    }

    /// Confirms each cell as it arrives on `cells` (an elimination's picks, while the elimination goes on) until
    /// the stream ends. The first TLS 1.3 cell OpenSSL confirms listens for certificate_required.
    func confirm(_ cells: AsyncStream<Pair>, session: ProbeSession) async -> [Outcome] {
        await withTaskGroup(of: Outcome.self) { group in
            var listened = false
            for await cell in cells {
                guard let engine = confirmer(version: cell.version, suite: cell.suite) else { continue }
                let listens = !listened && cell.version == .tls13 && engine.kind == .openssl
                listened = listened || listens
                let job = Job(version: cell.version, suite: cell.suite, engine: engine)
                group.addTask { await confirm(job, session: session, listens: listens) }
            }
            var all: [Outcome] = []
            for await item in group { all.append(item) }
            return all
        }
    }

    /// Folds confirmations into `result`: evidence on the cells, TLS 1.3 chains, and a finding for each disagreement.
    func fold(_ outcomes: [Outcome], into result: inout ScanResult, serverName: String?) {
        for item in outcomes.sorted(by: { ($0.version, $0.suite) < ($1.version, $1.suite) }) {
            guard let p = result.protocols.firstIndex(where: { $0.version == item.version }),
                let s = result.protocols[p].suites.firstIndex(where: { $0.code == item.suite })
            else { continue }
            let name = Catalog.shared.suite(code: item.suite)?.displayName ?? CodePointFormat.hex(item.suite)
            switch item.outcome {
            case .accepted(let negotiated) where negotiated.suite == item.suite && negotiated.version == item.version:
                result.protocols[p].suites[s].evidence.append(item.engine)
                if item.version == .tls13, !negotiated.certificates.isEmpty {
                    result.certificates.appendDistinct(
                        CertificateChain(
                            authentication: "TLS 1.3", der: negotiated.certificates,
                            seenWith: .tls13, sni: serverName))
                }
            case .accepted(let negotiated):
                result.findings.append(
                    Finding(
                        id: "engine-disagreement", severity: .error,
                        message:
                            "\(item.version) \(name): the wire engine saw the server choose it, but \(item.engine.rawValue) negotiated \(negotiated.version) \(CodePointFormat.hex(negotiated.suite)) instead.",
                        version: item.version))
            case .rejected(let rejection):
                result.findings.append(
                    Finding(
                        id: "engine-disagreement", severity: .error,
                        message:
                            "\(item.version) \(name): the server answered the wire engine's ClientHello with this suite, but a complete \(item.engine.rawValue) handshake failed: \(rejection). A real client would not get through.",
                        version: item.version))
            case .timedOut(let phase):
                result.findings.append(undecided(item, name: name, why: "timed out during \(phase.rawValue)"))
            case .failed(let failure):
                result.findings.append(undecided(item, name: name, why: "could not run: \(failure.message)"))
            }
        }
    }

    private func undecided(_ item: Outcome, name: String, why: String) -> Finding {
        Finding(
            id: "cross-check-undecided", severity: .warning,
            message: "\(item.version) \(name): the \(item.engine.rawValue) confirmation \(why).", version: item.version)
    }
}
