import TLSCatalog

/// One scan of one endpoint with one engine: the probes, their budget, and the elimination logic.
struct ProbeSession: Sendable {
    let engine: any HandshakeEngine
    /// The machine's engines, capabilities and connects.
    let environment: any ScanEnvironment
    let endpoint: Endpoint
    let options: ScanOptions
    let serverName: String?
    let gate: ProbeGate
    /// The run-wide bound on probes in flight, when several targets are scanned at once.
    let globalGate: ProbeGate?
    let ledger = ProbeLedger()

    init(engine: any HandshakeEngine, environment: any ScanEnvironment, endpoint: Endpoint, options: ScanOptions,
         serverName: String?) async {
        self.environment = environment
        self.engine = engine
        self.endpoint = endpoint
        self.options = options
        self.serverName = serverName
        if let limits = options.limits {
            gate = await limits.gate(for: endpoint.address)
            globalGate = limits.global
        } else {
            gate = ProbeGate(limit: options.perHostConcurrency, delay: options.delay)
            globalGate = nil
        }
    }

    /// Runs one probe within the host's (and the run's) concurrency bound and records it.
    func probe(_ request: ProbeRequest, purpose: String, engine override: (any HandshakeEngine)? = nil) async -> ProbeOutcome {
        let engine = override ?? self.engine
        return await gated(engine: engine.kind, version: request.version, purpose: purpose) {
            (await engine.probe(request, to: endpoint, deadlines: options.deadlines), ())
        }.outcome
    }

    /// One connection within the host's (and the run's) concurrency bound, recorded in the ledger and reported to
    /// the observer: every probe of the session goes through here, whatever it sends.
    func gated<Extra: Sendable>(engine: EngineKind, version: TLSVersion, purpose: String,
                                _ connection: () async -> (ProbeOutcome, Extra)) async -> (outcome: ProbeOutcome, extra: Extra) {
        await gate.acquire()
        await globalGate?.acquire()
        let (outcome, extra) = await connection()
        await globalGate?.release()
        await gate.release()
        await ledger.record(outcome, engine: engine, version: version, purpose: purpose)
        await options.observer?.probeFinished()
        return (outcome, extra)
    }

    func request(_ version: TLSVersion, suites: [UInt16], groups: [UInt16]? = nil) -> ProbeRequest {
        ProbeRequest(
            version: version, suites: suites, groups: groups ?? SuiteOrder.groups(for: version),
            signatureSchemes: SuiteOrder.signatureSchemes, serverName: serverName,
            wantsKeyExchange: version != .tls13)
    }

    func run(into result: inout ScanResult) async {
        let plan = ScanPlan(checks: options.checks, originProtocols: options.originProtocols)
        result.checks = plan.checks
        let versions = options.versions.sorted()
        let tlsVersions = versions.filter { $0 != .sslv2 }
        // every version, or (--checks cloudfront alone) the ones CloudFront may use
        let probed = plan.allVersions ? tlsVersions : tlsVersions.filter(plan.cloudFrontVersions.contains)
        var opened: [TLSVersion: ProbeOutcome] = [:]
        // The first probe doubles as the reachability check: a dead or silent port costs one timeout, not one per probe.
        if let opener = probed.contains(.tls12) ? .tls12 : probed.last {
            let offer = request(opener, suites: candidates(for: opener))
            var outcome = await probe(offer, purpose: "version")
            // Like CloudFront, try the TCP connection up to `connectAttempts` times before calling the origin dead.
            var attempt = 1
            while attempt < options.connectAttempts, Self.isConnectFailure(outcome) {
                attempt += 1
                outcome = await probe(offer, purpose: "version (connect attempt \(attempt))")
            }
            if let unreachable = Self.reachability(after: outcome, version: opener, deadlines: options.deadlines) {
                result.reachability = unreachable
                result.connectAttempts = attempt
                if plan.cloudFront { await checkHTTPPort(into: &result) }
                await finish(&result)
                return
            }
            opened[opener] = outcome
        }
        let firstOutcomes = opened
        if plan.enumeratesSuites {
            await enumerate(plan, versions: versions, first: firstOutcomes, into: &result)
        } else {
            await sample(plan, versions: versions, probed: probed, first: firstOutcomes, into: &result)
        }
        if plan.cloudFront, options.observeCloudFront {
            result.observations = await observeCloudFront()
        }
        if plan.cloudFront { await checkHTTPPort(into: &result) }
        await finish(&result)
    }

    /// The full matrix: every version's suites by elimination, groups, certificates, the cross-check.
    func enumerate(_ plan: ScanPlan, versions: [TLSVersion], first firstOutcomes: [TLSVersion: ProbeOutcome],
                   into result: inout ScanResult) async {
        let tlsVersions = versions.filter { $0 != .sslv2 }
        var chains: [CertificateChain] = []
        var protocols: [ProtocolResult] = []
        await withTaskGroup(of: (ProtocolResult, [CertificateChain]).self) { group in
            for version in tlsVersions {
                group.addTask { await enumerateSuites(version, first: firstOutcomes[version]) }
            }
            if versions.contains(.sslv2), engine.kind == .wire {
                group.addTask { (await detectSSLv2(), []) }
            }
            for await (protocolResult, seen) in group {
                protocols.append(protocolResult)
                for chain in seen { chains.appendDistinct(chain) }
            }
        }
        result.protocols = protocols.sorted { $0.version < $1.version }
        if plan.groups, options.enumerateGroups {
            result.groups = await enumerateGroups(result.protocols)
        }
        if plan.certificates, options.checkWithoutSNI, serverName != nil, let variant = await certificateWithoutSNI(result.protocols) {
            chains.appendDistinct(variant)
        }
        result.certificates = Self.distinct(chains)
        if options.crossCheck, engine.kind == .wire {
            await CrossCheck(environment: environment).run(session: self, into: &result)
        }
    }

    static func isConnectFailure(_ outcome: ProbeOutcome) -> Bool {
        switch outcome {
        case .timedOut(.connect): true
        case .failed(let failure): failure.stage == .connect
        default: false
        }
    }

    /// One TCP connect to the HTTP port (CloudFront uses it for HTTP-only and match-viewer origins).
    func checkHTTPPort(into result: inout ScanResult) async {
        guard let port = options.httpPort else { return }
        let http = Endpoint(host: endpoint.host, address: endpoint.address, port: port)
        result.httpPort = await Scanner(options: options, environment: environment, engine: engine)
            .checkPort(http) { await ledger.countConnection() }
    }

    /// Fetches the chain once more without SNI, from the newest version whose chain is readable in clear.
    func certificateWithoutSNI(_ protocols: [ProtocolResult]) async -> CertificateChain? {
        guard let (version, suites) = Self.offerInClear(protocols) else { return nil }
        return await chain(version, suites: suites, serverName: nil, purpose: "certificate without SNI").chain
    }

    /// The newest version up to TLS 1.2 that `protocols` found supported, with its accepted suites: a handshake
    /// whose certificate chain travels in clear.
    static func offerInClear(_ protocols: [ProtocolResult]) -> (TLSVersion, [UInt16])? {
        guard let found = protocols.filter({ $0.version >= .sslv3 && $0.version <= .tls12 && $0.supported == true && !$0.suites.isEmpty })
            .max(by: { $0.version < $1.version })
        else { return nil }
        return (found.version, found.suites.map(\.code))
    }

    /// One handshake offering `suites` with `version` and `serverName` as SNI (nil: none), with `engine` (the
    /// session's by default): the chain the server sends for that name, and how the handshake ended.
    func chain(_ version: TLSVersion, suites: [UInt16], serverName: String?, engine override: (any HandshakeEngine)? = nil,
               purpose: String) async -> (chain: CertificateChain?, outcome: ProbeOutcome) {
        var offer = request(version, suites: suites)
        offer.serverName = serverName
        let outcome = await probe(offer, purpose: purpose, engine: override)
        guard case .accepted(let negotiated) = outcome, !negotiated.certificates.isEmpty else { return (nil, outcome) }
        let auth = Catalog.shared.suite(code: negotiated.suite)?.authentication.rawValue ?? "unknown"
        return (CertificateChain(authentication: auth, der: negotiated.certificates, seenWith: version, sni: serverName), outcome)
    }

    private func finish(_ result: inout ScanResult) async {
        result.connections = await ledger.connections
        result.probes = await ledger.counts
        result.undecided = await ledger.undecided
        let requested = await ledger.certificateRequestedWith
        if !requested.isEmpty {
            let inClear = requested.filter { $0 < .tls13 }.sorted()
            var how = inClear.map(\.rawValue).joined(separator: ", ")
            if !how.isEmpty {
                how = "a CertificateRequest with " + how
                // The cross-check's library handshakes send no certificate: refused ones say it is required.
                let refused = inClear.filter { version in
                    result.findings.contains { $0.id == "engine-disagreement" && $0.message.hasPrefix("\(version.rawValue) ") }
                }
                let completed = inClear.filter { version in
                    result.protocolResult(version)?.suites.contains { $0.evidence.contains { $0 != .wire } } == true
                }
                if !refused.isEmpty {
                    how += "; required: a library handshake without one failed with " + refused.map(\.rawValue).joined(separator: ", ")
                } else if !completed.isEmpty {
                    how += "; optional: library handshakes without one completed"
                }
            }
            if requested.contains(.tls13) {
                how += (how.isEmpty ? "" : "; ") + "a certificate_required alert after a TLS 1.3 handshake without one"
            }
            result.findings.append(Finding(
                id: Finding.ID.clientCertificateRequested, severity: .warning,
                message: "The origin asks for a client certificate (\(how))."))
        }
    }

    static func reachability(after outcome: ProbeOutcome, version: TLSVersion, deadlines: Deadlines) -> Reachability? {
        switch outcome {
        case .timedOut(.connect):
            return .connectTimeout
        case .timedOut(.handshake):
            return .noTLSAnswer("\(Reachability.noAnswer) \(version) ClientHello within \(deadlines.handshake)")
        case .failed(let failure) where failure.stage == .connect:
            return .refused(failure.message)
        case .failed(let failure) where failure.stage == .localSystem:
            // the origin was never asked: no verdict about it, and no point in probing further
            return .localError(failure.message)
        case .failed(let failure) where failure.stage == .notTLS:
            return .noTLSAnswer(failure.message)
        default:
            return nil
        }
    }

    // MARK: Suites by elimination

    /// Offers every remaining candidate, records the server's pick, removes it, and repeats until refused.
    func enumerateSuites(_ version: TLSVersion, first: ProbeOutcome?) async -> (ProtocolResult, [CertificateChain]) {
        let candidates = candidates(for: version)
        var result = ProtocolResult(version: version, supported: nil)
        if candidates.isEmpty {
            result.complete = false
            result.note = "not tested: \(engine.kind.rawValue) cannot offer \(version) on this machine"
            return (result, [])
        }
        if engine.kind == .gnutls {
            return await probeIndividually(version, suites: candidates)
        }
        var chains: [CertificateChain] = []
        let opening = await opening(version, candidates: candidates, first: first)
        var end = await eliminate(version, pool: candidates, opening: opening, into: &result, chains: &chains)
        if result.suites.isEmpty, engine.kind == .wire, candidates.count > Self.chunkSize, Self.isBareClose(end) {
            // A bare close (no alert) on a long offer may be a server or middlebox that cannot take a large
            // ClientHello rather than a refusal of the version: offer the candidates in smaller lists.
            result.note = nil
            var start = 0
            while start < candidates.count {
                let chunk = Array(candidates[start..<min(start + Self.chunkSize, candidates.count)])
                start += Self.chunkSize
                let outcome = await probe(request(version, suites: chunk), purpose: "suites (chunk)")
                end = await eliminate(version, pool: chunk, opening: outcome, into: &result, chains: &chains)
                if !result.complete { break }
            }
            if !result.suites.isEmpty {
                result.note = "offered in lists of \(Self.chunkSize) suites: the server closed the connection on the full list"
            } else if result.complete {
                result.note = "refused: \(Self.rejection(end) ?? "connection closed"), also when offered in lists of \(Self.chunkSize) suites"
            }
        }
        if result.complete, result.supported == nil {
            result.supported = !result.suites.isEmpty
        }
        if !result.suites.isEmpty { result.supported = true }
        if result.suites.count >= 2 {
            // A server that follows the client's order picks its suites in the order they were offered;
            // picks out of that order prove server order without another probe.
            let positions = result.suites.map { suite in candidates.firstIndex(of: suite.code) ?? 0 }
            if positions != positions.sorted() {
                result.serverPreference = true
            } else {
                result.serverPreference = await detectPreference(version, found: result.suites.map(\.code))
            }
        }
        return (result, chains)
    }

    /// The answer to offering every candidate for `version`: the reachability probe's when it was that version's.
    func opening(_ version: TLSVersion, candidates: [UInt16], first: ProbeOutcome?) async -> ProbeOutcome {
        if let first { return first }
        return await probe(request(version, suites: candidates), purpose: "version")
    }

    /// Suites offered at once when a server closes on the full list (sslscan and nmap use similar sizes).
    static let chunkSize = 64

    static func isBareClose(_ outcome: ProbeOutcome) -> Bool {
        if case .rejected(let rejection) = outcome { return rejection == .closed || rejection == .reset }
        return false
    }

    static func rejection(_ outcome: ProbeOutcome) -> String? {
        if case .rejected(let rejection) = outcome { return rejection.description }
        return nil
    }

    /// Elimination over `pool`, starting from the server's answer to offering all of it: record the pick,
    /// remove it, offer the rest, until the server refuses. Returns the outcome that ended it; a timeout
    /// or failure marks the result incomplete.
    func eliminate(_ version: TLSVersion, pool: [UInt16], opening: ProbeOutcome,
                   into result: inout ProtocolResult, chains: inout [CertificateChain]) async -> ProbeOutcome {
        var remaining = pool
        var outcome = opening
        while true {
            switch outcome {
            case .accepted(let negotiated):
                guard remaining.contains(negotiated.suite) else {
                    // engines report an unoffered pick as a protocol violation; never loop on one that slips through
                    result.complete = false
                    result.note = "not decided: the server chose \(CodePointFormat.hex(negotiated.suite)), which was not offered"
                    return outcome
                }
                result.suites.append(SuiteResult(code: negotiated.suite, evidence: [engine.kind],
                                                 group: negotiated.group, dhBits: negotiated.dhBits))
                if !negotiated.certificates.isEmpty {
                    let auth = Catalog.shared.suite(code: negotiated.suite)?.authentication.rawValue ?? "unknown"
                    chains.appendDistinct(CertificateChain(authentication: auth, der: negotiated.certificates, seenWith: version, sni: serverName))
                }
                remaining.removeAll { $0 == negotiated.suite }
                guard !remaining.isEmpty else { return outcome }
                outcome = await probe(request(version, suites: remaining), purpose: "suites")
            case .rejected(let rejection):
                if result.suites.isEmpty { result.note = "refused: \(rejection)" }
                return outcome
            case .timedOut(let phase):
                result.complete = false
                result.note = "not decided: a probe timed out during \(phase.rawValue)"
                return outcome
            case .failed(let failure):
                result.complete = false
                result.note = "not decided: \(failure.message)"
                return outcome
            }
        }
    }

    /// The suites this session's engine can put in a ClientHello for `version`.
    func candidates(for version: TLSVersion) -> [UInt16] {
        let all = SuiteOrder.candidates(for: version)
        guard engine.kind != .wire else { return all }
        return all.filter { environment.canOffer(engine.kind, version: version, suite: $0) }
    }

    /// One handshake per suite, for a library that cannot offer an exact suite list (GnuTLS enables
    /// suites by algorithm, so elimination cannot remove a single suite from its offer).
    func probeIndividually(_ version: TLSVersion, suites: [UInt16]) async -> (ProtocolResult, [CertificateChain]) {
        var result = ProtocolResult(version: version, supported: nil)
        var chains: [CertificateChain] = []
        var refusals = 0
        for code in suites {
            let outcome = await probe(request(version, suites: [code]), purpose: "suite")
            switch outcome {
            case .accepted(let negotiated) where negotiated.suite == code:
                result.suites.append(SuiteResult(code: code, evidence: [engine.kind], group: negotiated.group, dhBits: negotiated.dhBits))
                if !negotiated.certificates.isEmpty {
                    let auth = Catalog.shared.suite(code: code)?.authentication.rawValue ?? "unknown"
                    chains.appendDistinct(CertificateChain(authentication: auth, der: negotiated.certificates, seenWith: version, sni: serverName))
                }
            case .rejected:
                refusals += 1
            default:
                result.complete = false
            }
        }
        result.supported = result.suites.isEmpty ? (result.complete ? false : nil) : true
        if result.suites.isEmpty, refusals > 0 { result.note = "refused every suite \(engine.kind.rawValue) can offer" }
        return (result, chains)
    }

    /// Offers the first two suites found in reverse order: a server that keeps its pick follows its own order.
    func detectPreference(_ version: TLSVersion, found: [UInt16]) async -> Bool? {
        let first = found[0]
        let second = found[1]
        let outcome = await probe(request(version, suites: [second, first]), purpose: "preference")
        guard case .accepted(let negotiated) = outcome else { return nil }
        if negotiated.suite == first { return true }
        if negotiated.suite == second { return false }
        return nil
    }

    func detectSSLv2() async -> ProtocolResult {
        var result = ProtocolResult(version: .sslv2, supported: nil)
        let outcome = await probe(request(.sslv2, suites: []), purpose: "version")
        switch outcome {
        case .accepted(let negotiated):
            result.supported = true
            let kinds = negotiated.sslv2CipherKinds.map { "0x" + String($0, radix: 16, uppercase: true) }
            result.note = "SSL 2.0 cipher kinds: " + kinds.joined(separator: ", ")
        case .rejected(let rejection):
            result.supported = false
            result.note = "refused: \(rejection)"
        case .timedOut(let phase):
            result.complete = false
            result.note = "not decided: timed out during \(phase.rawValue)"
        case .failed(let failure):
            result.complete = false
            result.note = "not decided: \(failure.message)"
        }
        return result
    }

    // MARK: Groups

    func enumerateGroups(_ protocols: [ProtocolResult]) async -> [GroupResult] {
        var jobs: [(TLSVersion, [UInt16])] = []
        if let tls13 = protocols.first(where: { $0.version == .tls13 && $0.supported == true }) {
            jobs.append((.tls13, tls13.suites.map(\.code)))
        }
        // SSLv3 hellos carry no extensions, so the server cannot be told which curves to use.
        let ecdheVersions = protocols.filter { $0.version >= .tls10 && $0.version <= .tls12 }.reversed()
        for candidate in ecdheVersions {
            let ecdhe = candidate.suites.map(\.code).filter {
                Catalog.shared.suite(code: $0)?.keyExchange.isEllipticCurveDH ?? false
            }
            if !ecdhe.isEmpty {
                jobs.append((candidate.version, ecdhe))
                break
            }
        }
        let plan = jobs
        return await withTaskGroup(of: GroupResult.self) { group in
            for (version, suites) in plan {
                group.addTask { await eliminateGroups(version, suites: suites) }
            }
            var results: [GroupResult] = []
            for await item in group { results.append(item) }
            return results.sorted { $0.version > $1.version }
        }
    }

    /// Offers every remaining group with suites the server accepts; removes each group it picks.
    func eliminateGroups(_ version: TLSVersion, suites: [UInt16]) async -> GroupResult {
        var remaining = SuiteOrder.groups(for: version)
        var found: [UInt16] = []
        var complete = true
        while !remaining.isEmpty {
            let outcome = await probe(request(version, suites: suites, groups: remaining), purpose: "groups")
            guard case .accepted(let negotiated) = outcome else {
                complete = outcome.isDefinitive
                break
            }
            guard let chosen = negotiated.group, remaining.contains(chosen) else {
                complete = false
                break
            }
            found.append(chosen)
            remaining.removeAll { $0 == chosen }
        }
        return GroupResult(version: version, groups: found, complete: complete)
    }

    /// One chain per distinct (chain, SNI) pair, newest version first.
    static func distinct(_ chains: [CertificateChain]) -> [CertificateChain] {
        var out: [CertificateChain] = []
        for chain in chains.sorted(by: { $0.seenWith > $1.seenWith }) {
            out.appendDistinct(chain)
        }
        return out
    }
}
