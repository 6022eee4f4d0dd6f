import TLSCatalog
import TLSModel

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

    init(
        engine: any HandshakeEngine, environment: any ScanEnvironment, endpoint: Endpoint, options: ScanOptions,
        serverName: String?
    ) async {
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
    func probe(
        _ request: ProbeRequest, purpose: String, engine override: (any HandshakeEngine)? = nil,
        priority: ProbeGate.Priority = .chain, settles: Bool = true
    ) async -> ProbeOutcome {
        let engine = override ?? self.engine
        return await gated(engine: engine.kind, version: request.version, purpose: purpose, priority: priority, settles: settles) {
            (await engine.probe(request, to: endpoint, deadlines: options.deadlines), ())
        }.outcome
    }

    /// One probe within the host's (and the run's) concurrency bound, recorded in the ledger and reported to the
    /// observer: every probe of the session goes through here, whatever it sends. A reset, a bare close or a
    /// handshake timeout is no answer: the probe is tried again with backoff until ``ProbeConfirmation`` settles
    /// it, each attempt a connection of its own; the host's gate hears about every fault and slows down.
    /// `settles: false` leaves the settled outcome out of the ledger's undecided probes: the caller settles it
    /// (the first probe's connect attempts, of which only the last one's answer counts).
    func gated<Extra: Sendable>(
        engine: EngineKind, version: TLSVersion, purpose: String, priority: ProbeGate.Priority = .chain,
        settles: Bool = true,
        _ connection: () async -> (ProbeOutcome, Extra)
    ) async -> (outcome: ProbeOutcome, extra: Extra) {
        var attempts: [ProbeOutcome] = []
        while true {
            await gate.acquire(priority)
            await globalGate?.acquire(priority)
            let started = ContinuousClock.now
            let (outcome, extra) = await connection()
            await globalGate?.release()
            await gate.release()
            await gate.report(fault: ProbeConfirmation.isFault(outcome))
            attempts.append(outcome)
            let step = ProbeConfirmation.next(after: attempts, base: options.retryBackoff)
            if ProbeTrace.enabled {
                ProbeTrace.write(
                    "\(endpoint.address):\(endpoint.port) \(engine.rawValue) \(version.rawValue) \(purpose)"
                        + " attempt \(attempts.count): \(ProbeTrace.describe(outcome))\(step.isRetry ? " → retry" : "")")
            }
            await ledger.attempt(outcome, started: started, retried: step.isRetry)
            switch step {
            case .final(let settled):
                if settles { await ledger.settle(settled, engine: engine, version: version, purpose: purpose) }
                await options.observer?.probeFinished()
                return (settled, extra)
            case .retry(let pause):
                if pause > .zero { try? await Task.sleep(for: pause) }
            }
        }
    }

    func request(_ version: TLSVersion, suites: [UInt16], groups: [UInt16]? = nil) -> ProbeRequest {
        ProbeRequest(
            version: version, suites: suites, groups: groups ?? SuiteOrder.groups(for: version),
            signatureSchemes: SuiteOrder.signatureSchemes, serverName: serverName,
            wantsKeyExchange: version != .tls13)
    }

    func run(into result: inout ScanResult) async {
        // the libraries' tables (what OpenSSL and GnuTLS can offer) are made before the first probe: made later,
        // under a file-descriptor limit the scan itself reached, their contexts could not be created
        await environment.prepare()
        let plan = ScanPlan(checks: options.checks, originProtocols: options.originProtocols)
        result.checks = plan.checks
        let versions = options.versions.sorted()
        let tlsVersions = versions.filter { $0 != .sslv2 }
        // every version, or (--checks cloudfront alone) the ones CloudFront may use
        let probed = plan.allVersions ? tlsVersions : tlsVersions.filter(plan.cloudFrontVersions.contains)
        var opened: [TLSVersion: ProbeOutcome] = [:]
        // The first probe doubles as the reachability check: a dead or silent port costs one timeout, not one per probe.
        if let opener = probed.contains(.tls12) ? .tls12 : probed.last {
            let offer = request(opener, suites: firstOffer(for: opener))
            var purpose = "version"
            var outcome = await probe(offer, purpose: purpose, settles: false)
            // Like CloudFront, try the TCP connection up to `connectAttempts` times before calling the origin dead;
            // only the last attempt's answer counts (a connect that failed and then worked leaves nothing undecided).
            var attempt = 1
            while attempt < options.connectAttempts, Self.isConnectFailure(outcome) {
                attempt += 1
                purpose = "version (connect attempt \(attempt))"
                outcome = await probe(offer, purpose: purpose, settles: false)
            }
            await ledger.settle(outcome, engine: engine.kind, version: opener, purpose: purpose)
            result.connectAttempts = attempt
            if let unreachable = Self.reachability(after: outcome, version: opener, deadlines: options.deadlines) {
                result.reachability = unreachable
                if plan.cloudFront { result.httpPort = await httpPortCheck() }
                await finish(&result)
                return
            }
            opened[opener] = outcome
        }
        let firstOutcomes = opened
        // The generation hellos and the HTTP port need nothing from the matrix: they run beside it.
        async let observations = plan.cloudFront && options.observeCloudFront ? observeCloudFront() : []
        async let clientObservations = plan.checks.contains(.simulation) && options.observeClients ? observeClients() : []
        async let httpPort = plan.cloudFront ? httpPortCheck() : nil
        if plan.enumeratesSuites {
            await enumerate(plan, versions: versions, first: firstOutcomes, into: &result)
        } else {
            await sample(plan, versions: versions, probed: probed, first: firstOutcomes, into: &result)
        }
        result.observations = await observations + clientObservations
        result.httpPort = await httpPort
        await finish(&result)
    }

    /// What one task of the full scan found.
    enum Piece: Sendable {
        case suites(ProtocolResult, [CertificateChain])
        case confirmed([CrossCheck.Outcome])
        case groups(GroupResult)
    }

    /// The full matrix: every version's suites by elimination, groups, certificates, the cross-check. Work starts
    /// as soon as what it needs is known: a version's cross-check and its group enumeration as soon as its suites
    /// are, while the other versions are still being eliminated.
    func enumerate(
        _ plan: ScanPlan, versions: [TLSVersion], first firstOutcomes: [TLSVersion: ProbeOutcome],
        into result: inout ScanResult
    ) async {
        let tlsVersions = versions.filter { $0 != .sslv2 }
        var chains: [CertificateChain] = []
        var protocols: [ProtocolResult] = []
        var confirmations: [CrossCheck.Outcome] = []
        var groups: [GroupResult] = []
        let crossCheck = options.crossCheck && engine.kind == .wire ? CrossCheck(environment: environment) : nil
        let wantsGroups = plan.groups && options.enumerateGroups
        // Each accepted cell is confirmed as soon as an elimination finds it, in the slots the chains leave free.
        let (cells, sink) = AsyncStream.makeStream(of: CrossCheck.Pair.self)
        if crossCheck != nil { await ledger.watchCells(sink) }
        await withTaskGroup(of: Piece.self) { group in
            if let crossCheck {
                group.addTask { .confirmed(await crossCheck.confirm(cells, session: self)) }
            }
            var eliminating = tlsVersions.count + (versions.contains(.sslv2) && engine.kind == .wire ? 1 : 0)
            if eliminating == 0 { sink.finish() }
            for version in tlsVersions {
                group.addTask {
                    let (found, seen) = await enumerateSuites(version, first: firstOutcomes[version])
                    return .suites(found, seen)
                }
            }
            if versions.contains(.sslv2), engine.kind == .wire {
                group.addTask { .suites(await detectSSLv2(), []) }
            }
            var groupsStarted: Set<TLSVersion> = []
            for await piece in group {
                switch piece {
                case .suites(let found, let seen):
                    protocols.append(found)
                    for chain in seen { chains.appendDistinct(chain) }
                    eliminating -= 1
                    if eliminating == 0 {
                        await ledger.watchCells(nil)
                        sink.finish()
                    }
                    if wantsGroups {
                        let pending = Set(tlsVersions).subtracting(protocols.map(\.version))
                        for (version, suites) in Self.groupJobs(protocols, pending: pending) where !groupsStarted.contains(version) {
                            groupsStarted.insert(version)
                            group.addTask { .groups(await eliminateGroups(version, suites: suites)) }
                        }
                    }
                case .confirmed(let outcomes):
                    confirmations += outcomes
                case .groups(let found):
                    groups.append(found)
                }
            }
        }
        result.protocols = protocols.sorted { $0.version < $1.version }
        result.groups = groups.sorted { $0.version > $1.version }
        if plan.certificates, options.checkWithoutSNI, serverName != nil, let variant = await certificateWithoutSNI(result.protocols) {
            chains.appendDistinct(variant)
        }
        result.certificates = Self.distinct(chains)
        crossCheck?.fold(confirmations, into: &result, serverName: serverName)
    }

    static func isConnectFailure(_ outcome: ProbeOutcome) -> Bool {
        switch outcome {
        case .timedOut(.connect): true
        case .failed(let failure): failure.stage == .connect
        default: false
        }
    }

    /// One TCP connect to the HTTP port (CloudFront uses it for HTTP-only and match-viewer origins); nil without one.
    func httpPortCheck() async -> PortCheck? {
        guard let port = options.httpPort else { return nil }
        let http = Endpoint(host: endpoint.host, address: endpoint.address, port: port)
        return await Scanner(options: options, environment: environment, engine: engine)
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
        guard
            let found = protocols.filter({ $0.version >= .sslv3 && $0.version <= .tls12 && $0.supported == true && !$0.suites.isEmpty })
                .max(by: { $0.version < $1.version })
        else { return nil }
        return (found.version, found.suites.map(\.code))
    }

    /// One handshake offering `suites` with `version` and `serverName` as SNI (nil: none), with `engine` (the
    /// session's by default): the chain the server sends for that name, and how the handshake ended.
    func chain(
        _ version: TLSVersion, suites: [UInt16], serverName: String?, engine override: (any HandshakeEngine)? = nil,
        purpose: String
    ) async -> (chain: CertificateChain?, outcome: ProbeOutcome) {
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
        result.findings += await ledger.findings
        await recordNetwork(&result)
        let requested = await ledger.certificateRequestedWith
        if !requested.isEmpty {
            let inClear = requested.filter { $0 < .tls13 }.sorted()
            // The cross-check's library handshakes send no certificate: refused ones say it is required.
            let refused = inClear.filter { version in
                result.findings.contains { $0.id == "engine-disagreement" && $0.version == version }
            }
            let completed = inClear.filter { version in
                result.protocolResult(version)?.suites.contains { $0.evidence.contains { $0 != .wire } } == true
            }
            var how = inClear.map(\.rawValue).joined(separator: ", ")
            if !how.isEmpty {
                how = "a CertificateRequest with " + how
                if !refused.isEmpty {
                    how += "; required: a library handshake without one failed with " + refused.map(\.rawValue).joined(separator: ", ")
                } else if !completed.isEmpty {
                    how +=
                        "; optional: library handshakes without one completed (s2n-tls clients answer it with an empty"
                        + " Certificate and connect; AWS documents that CloudFront drops a connection whose origin asks)"
                }
            }
            if requested.contains(.tls13) {
                how += (how.isEmpty ? "" : "; ") + "a certificate_required alert after a TLS 1.3 handshake without one"
            }
            let required: Bool? = requested.contains(.tls13) || !refused.isEmpty ? true : (completed.isEmpty ? nil : false)
            result.clientCertificate = ClientCertificateRequest(versions: requested.sorted(), required: required)
            result.findings.append(
                Finding(
                    id: Finding.ID.clientCertificateRequested, severity: .warning,
                    message: "The origin asks for a client certificate (\(how))."))
        }
    }

    /// The faults this scan retried through, the host's throttling, and the critical path; a throttling host is a
    /// finding of its own ("origin-throttled").
    func recordNetwork(_ result: inout ScanResult) async {
        let backoffs = await gate.backoffs
        let resets = await ledger.resets
        let timeouts = await ledger.handshakeTimeouts
        var throttle: NetworkConditions.Throttle?
        if backoffs > 0, resets + timeouts > 0 {
            let configured = await gate.configured
            let lowest = await gate.lowestLimit
            let longest = Int((Scanner.seconds(await gate.longestDelay) * 1000).rounded())
            throttle = NetworkConditions.Throttle(
                backoffs: backoffs, configuredConcurrency: configured.limit, lowestConcurrency: lowest,
                longestDelayMilliseconds: longest)
            var what: [String] = []
            if resets > 0 { what.append("\(resets) reset\(resets == 1 ? "" : "s")") }
            if timeouts > 0 { what.append("\(timeouts) handshake timeout\(timeouts == 1 ? "" : "s")") }
            result.findings.append(
                Finding(
                    id: Finding.ID.originThrottled, severity: .warning,
                    message: "The origin throttled the scan: \(what.joined(separator: " and ")) in \(result.connections) connections;"
                        + " per-host concurrency lowered to \(lowest) (from \(configured.limit)) and the delay between connections"
                        + " raised to \(longest) ms. Faulty answers were retried, never read as refusals."))
        }
        let median = await ledger.medianConnectionSeconds
        result.network = NetworkConditions(
            retries: await ledger.retries, resets: resets, handshakeTimeouts: timeouts, throttled: throttle,
            criticalPathRounds: await ledger.criticalPathRounds,
            medianConnectionMilliseconds: median.map { ($0 * 10_000).rounded() / 10 })
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

    /// Offers every remaining candidate, records the server's pick, removes it, and repeats until refused. The
    /// candidates go out in lists of at most ``maxSuitesPerHello`` (real servers refuse longer ones), each
    /// eliminated on its own and at the same time as the others once the version is not refused outright.
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
        let parts = offerLists(for: version)
        var chains: [CertificateChain] = []
        let opening = await opening(version, candidates: parts[0], first: first)
        var lead = ProtocolResult(version: version, supported: nil)
        let leadEnd = await eliminate(
            version, pool: parts[0], opening: opening, into: &lead, chains: &chains,
            partitions: min(2, options.perHostConcurrency))
        var pieces: [(result: ProtocolResult, end: ProbeOutcome)] = [(lead, leadEnd)]
        // A version refused outright (protocol_version, another version) has no suite in the other lists either.
        if parts.count > 1, !(lead.suites.isEmpty && lead.complete && Self.refusesVersion(leadEnd)) {
            let rest = await withTaskGroup(of: (Int, ProtocolResult, [CertificateChain], ProbeOutcome).self) { group in
                for index in parts.indices.dropFirst() {
                    group.addTask {
                        var piece = ProtocolResult(version: version, supported: nil)
                        var seen: [CertificateChain] = []
                        let outcome = await probe(
                            request(version, suites: parts[index]), purpose: "suites (list \(index + 1) of \(parts.count))")
                        let end = await eliminate(
                            version, pool: parts[index], opening: outcome, into: &piece, chains: &seen,
                            partitions: min(2, options.perHostConcurrency))
                        return (index, piece, seen, end)
                    }
                }
                var all: [(Int, ProtocolResult, [CertificateChain], ProbeOutcome)] = []
                for await item in group { all.append(item) }
                return all.sorted { $0.0 < $1.0 }
            }
            for (_, piece, seen, end) in rest {
                pieces.append((piece, end))
                for chain in seen { chains.appendDistinct(chain) }
            }
        }
        for piece in pieces {
            result.suites += piece.result.suites
            if !piece.result.complete {
                result.complete = false
                result.note = result.note ?? piece.result.note
            }
        }
        if result.suites.isEmpty, result.complete {
            let ends = pieces.map(\.end)
            if let shaped = await confirmRefusal(version, candidates: candidates, ends: ends, chains: &chains) {
                result = shaped
            } else {
                result.supported = false
                result.note =
                    "refused: \(Self.rejection(leadEnd) ?? "connection closed")"
                    + (parts.count > 1 && !Self.refusesVersion(leadEnd)
                        ? " (every one of \(parts.count) lists of at most \(Self.maxSuitesPerHello) suites)" : "")
            }
        }
        if result.complete, result.supported == nil {
            result.supported = !result.suites.isEmpty
        }
        if !result.suites.isEmpty { result.supported = true }
        if result.suites.count >= 2 {
            // A server that follows the client's order picks its suites in the order they were offered;
            // picks out of that order prove server order without another probe.
            let offered = parts.flatMap { $0 }
            let positions = result.suites.map { suite in offered.firstIndex(of: suite.code) ?? 0 }
            let checked = pieces.compactMap(\.result.serverPreference)
            if positions != positions.sorted() || checked.contains(true) {
                result.serverPreference = true
            } else if let clientOrder = checked.first {
                result.serverPreference = clientOrder
            } else {
                result.serverPreference = await detectPreference(version, found: result.suites.map(\.code))
            }
        }
        let lists = pieces.map(\.result.suites).filter { !$0.isEmpty }
        if result.serverPreference == true, lists.count > 1, result.suites.count == lists.reduce(0, { $0 + $1.count }) {
            // Each list's picks are in the server's order; across lists they were never offered together.
            let (merged, settled) = await mergeServerOrder(version, lists: lists)
            result.suites = merged
            if !settled {
                result.note = (result.note.map { $0 + "; " } ?? "") + "the server's order across suite lists is not settled"
            }
        }
        return (result, chains)
    }

    /// The answer to offering `candidates` for `version`: the reachability probe's when it was that version's.
    func opening(_ version: TLSVersion, candidates: [UInt16], first: ProbeOutcome?) async -> ProbeOutcome {
        if let first { return first }
        return await probe(request(version, suites: candidates), purpose: "version")
    }

    /// The most suites one probe offers (see ``ProbeRequest/maxSuitesPerHello``).
    static let maxSuitesPerHello = ProbeRequest.maxSuitesPerHello

    /// `candidates` in order, cut into the fewest lists of at most `limit`, of even sizes.
    static func parts(of candidates: [UInt16], limit: Int = maxSuitesPerHello) -> [[UInt16]] {
        guard !candidates.isEmpty else { return [[]] }
        let count = ProbeRequest.lists(for: candidates.count, limit: limit)
        let (size, extra) = candidates.count.quotientAndRemainder(dividingBy: count)
        var parts: [[UInt16]] = []
        var start = 0
        for index in 0..<count {
            let end = start + size + (index < extra ? 1 : 0)
            parts.append(Array(candidates[start..<end]))
            start = end
        }
        return parts
    }

    /// The first list of suites offered for `version`: the reachability probe's offer.
    func firstOffer(for version: TLSVersion) -> [UInt16] {
        offerLists(for: version)[0]
    }

    /// This session's engine's candidates for `version` cut into lists (``offerLists(_:limit:)``); the wire
    /// engine's, the same for every scan, are cut once.
    func offerLists(for version: TLSVersion) -> [[UInt16]] {
        if engine.kind == .wire, let lists = Self.wireOfferLists[version] { return lists }
        return Self.offerLists(candidates(for: version))
    }

    private static let wireOfferLists: [TLSVersion: [[UInt16]]] = Dictionary(
        uniqueKeysWithValues: TLSVersion.allCases.map {
            ($0, offerLists(SuiteOrder.candidates(for: $0)))
        })

    /// Suites every list-cut offer puts in its first list: CloudFront's and the ones deployed almost everywhere
    /// (AES-CBC, 3DES, RC4). A server that does not speak the version then says so at once (protocol_version or
    /// its own version) instead of refusing a first list of suites the version cannot use.
    static let anchorSuites: Set<UInt16> = ScanPlan.cloudFrontSuites.union(plainSuites).union([0x0004, 0x0005])

    /// `candidates` cut into lists (``parts(of:limit:)``) with the ``anchorSuites`` moved into the first one, at its
    /// end; the first list's own tail moves on to make room.
    static func offerLists(_ candidates: [UInt16], limit: Int = maxSuitesPerHello) -> [[UInt16]] {
        let parts = parts(of: candidates, limit: limit)
        guard parts.count > 1 else { return parts }
        let later = parts.dropFirst().flatMap { $0 }
        let moved = later.filter(anchorSuites.contains)
        guard !moved.isEmpty else { return parts }
        var first = parts[0]
        var rest = later.filter { !anchorSuites.contains($0) }
        let overflow = max(0, first.count + moved.count - limit)
        if overflow > 0 {
            // keep the first list's anchors; push its last other suites on
            var pushed: [UInt16] = []
            var index = first.count - 1
            while pushed.count < overflow, index >= 0 {
                if !anchorSuites.contains(first[index]) { pushed.insert(first.remove(at: index), at: 0) }
                index -= 1
            }
            rest = pushed + rest
        }
        return [first + moved] + (rest.isEmpty ? [] : Self.parts(of: rest, limit: limit))
    }

    /// True when the refusal is about the version itself, not the suites offered with it.
    static func refusesVersion(_ outcome: ProbeOutcome) -> Bool {
        guard case .rejected(let rejection) = outcome else { return false }
        switch rejection {
        case .alert(let alert): return alert.code == 70  // protocol_version
        case .otherVersion: return true
        default: return false
        }
    }

    /// Refusals that may be about the ClientHello's shape (its size, its lists) rather than what it offers.
    static func mayBeShapeRefusal(_ outcome: ProbeOutcome) -> Bool {
        guard case .rejected(let rejection) = outcome else { return false }
        switch rejection {
        case .closed: return true
        case .alert(let alert):
            // decode_error, illegal_parameter, record_overflow, internal_error, unexpected_message
            return [50, 47, 22, 80, 10].contains(alert.code)
        default: return false
        }
    }

    static func rejection(_ outcome: ProbeOutcome) -> String? {
        if case .rejected(let rejection) = outcome { return rejection.description }
        return nil
    }

    /// Elimination over `pool`, starting from the server's answer to offering all of it: record the pick,
    /// remove it, offer the rest, until the server refuses. Returns the outcome that ended it; a timeout
    /// or failure marks the result incomplete.
    /// Offers `pool` less each pick until the server refuses: the suites it accepts from `pool`. With `partitions`
    /// above 1, the first two picks' order is checked at once (the probe ``detectPreference(_:found:)`` would make
    /// later); when the server follows the client's order, the order of the rest does not matter and it is cut into
    /// partitions eliminated in parallel (``eliminateApart(_:pool:remaining:partitions:into:chains:shape:)``).
    func eliminate(
        _ version: TLSVersion, pool: [UInt16], opening: ProbeOutcome,
        into result: inout ProtocolResult, chains: inout [CertificateChain],
        shape: (@Sendable (TLSVersion, [UInt16]) -> ProbeRequest)? = nil, partitions: Int = 1
    ) async -> ProbeOutcome {
        var remaining = pool
        var outcome = opening
        var splits = false
        while true {
            switch outcome {
            case .accepted(let negotiated):
                guard remaining.contains(negotiated.suite) else {
                    // engines report an unoffered pick as a protocol violation; never loop on one that slips through
                    result.complete = false
                    result.note = "not decided: the server chose \(CodePointFormat.hex(negotiated.suite)), which was not offered"
                    return outcome
                }
                result.suites.append(
                    SuiteResult(
                        code: negotiated.suite, evidence: [engine.kind],
                        group: negotiated.group, dhBits: negotiated.dhBits))
                await ledger.found(version, suite: negotiated.suite)
                if !negotiated.certificates.isEmpty {
                    let auth = Catalog.shared.suite(code: negotiated.suite)?.authentication.rawValue ?? "unknown"
                    chains.appendDistinct(
                        CertificateChain(authentication: auth, der: negotiated.certificates, seenWith: version, sni: serverName))
                }
                remaining.removeAll { $0 == negotiated.suite }
                guard !remaining.isEmpty else { return outcome }
                let count = min(partitions, remaining.count / Self.partitionSize)
                if splits, count > 1 {
                    return await eliminateApart(
                        version, pool: pool, remaining: remaining, partitions: count,
                        into: &result, chains: &chains, shape: shape)
                }
                let next = shape?(version, remaining) ?? request(version, suites: remaining)
                if count > 1, result.suites.count == 2, result.serverPreference == nil {
                    // the order check and the next elimination step at once: one round, not two
                    async let following = probe(next, purpose: "suites")
                    result.serverPreference = await prefers(version, result.suites[0].code, over: result.suites[1].code)
                    splits = result.serverPreference == false
                    outcome = await following
                    continue
                }
                outcome = await probe(next, purpose: "suites")
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

    /// The fewest candidates per partition: smaller ones cost more closing refusals than they save rounds.
    static let partitionSize = 8

    /// Eliminates `remaining` (what is left of `pool` on a server that follows the client's order) in `partitions`
    /// interleaved slices at once, each to its own refusal, and puts the picks in `pool`'s order: the order such a
    /// server picks them in. The accepted set does not depend on the order, so nothing is lost if the server's
    /// order is less strict than two picks showed; each slice costs one refusal more than one chain would.
    func eliminateApart(
        _ version: TLSVersion, pool: [UInt16], remaining: [UInt16], partitions: Int,
        into result: inout ProtocolResult, chains: inout [CertificateChain],
        shape: (@Sendable (TLSVersion, [UInt16]) -> ProbeRequest)?
    ) async -> ProbeOutcome {
        let slices = (0..<partitions).map { start in stride(from: start, to: remaining.count, by: partitions).map { remaining[$0] } }
        let pieces = await withTaskGroup(of: (Int, ProtocolResult, [CertificateChain], ProbeOutcome).self) { group in
            for (index, slice) in slices.enumerated() {
                group.addTask {
                    var piece = ProtocolResult(version: version, supported: nil)
                    var seen: [CertificateChain] = []
                    let opening = await probe(
                        shape?(version, slice) ?? request(version, suites: slice),
                        purpose: "suites (partition \(index + 1) of \(partitions))")
                    let end = await eliminate(version, pool: slice, opening: opening, into: &piece, chains: &seen, shape: shape)
                    return (index, piece, seen, end)
                }
            }
            var all: [(Int, ProtocolResult, [CertificateChain], ProbeOutcome)] = []
            for await item in group { all.append(item) }
            return all.sorted { $0.0 < $1.0 }
        }
        var end: ProbeOutcome?
        for (_, piece, seen, pieceEnd) in pieces {
            result.suites += piece.suites
            for chain in seen { chains.appendDistinct(chain) }
            if !piece.complete {
                result.complete = false
                result.note = result.note ?? piece.note
                end = end ?? pieceEnd
            }
        }
        let position = Dictionary(pool.enumerated().map { ($1, $0) }, uniquingKeysWith: min)
        result.suites.sort { position[$0.code, default: pool.count] < position[$1.code, default: pool.count] }
        return end ?? pieces.last?.3 ?? .rejected(.closed)
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
                    chains.appendDistinct(
                        CertificateChain(authentication: auth, der: negotiated.certificates, seenWith: version, sni: serverName))
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

    /// The group enumerations `protocols` allow: TLS 1.3 with its suites, and the newest of TLS 1.0–1.2 with ECDHE
    /// suites — once no newer one of them is `pending` (still being enumerated).
    static func groupJobs(_ protocols: [ProtocolResult], pending: Set<TLSVersion>) -> [(TLSVersion, [UInt16])] {
        var jobs: [(TLSVersion, [UInt16])] = []
        if let tls13 = protocols.first(where: { $0.version == .tls13 && $0.supported == true }) {
            jobs.append((.tls13, tls13.suites.map(\.code)))
        }
        // SSLv3 hellos carry no extensions, so the server cannot be told which curves to use.
        for version in [TLSVersion.tls12, .tls11, .tls10] {
            if pending.contains(version) { break }
            guard let candidate = protocols.first(where: { $0.version == version }) else { continue }
            let ecdhe = candidate.suites.map(\.code).filter {
                Catalog.shared.suite(code: $0)?.keyExchange.isEllipticCurveDH ?? false
            }
            if !ecdhe.isEmpty {
                jobs.append((version, ecdhe))
                break
            }
        }
        return jobs
    }

    func enumerateGroups(_ protocols: [ProtocolResult]) async -> [GroupResult] {
        let plan = Self.groupJobs(protocols, pending: [])
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
        guard version == .tls13 else {
            // picks out of the offered order show the server's own order (free); picks in our order say nothing, so
            // the first two are offered the other way round (one probe): a server that keeps its pick follows its
            // own order, one that follows ours is client order
            let offered = SuiteOrder.groups(for: version)
            let positions = found.map { offered.firstIndex(of: $0) ?? 0 }
            var serverPreference: Bool? = positions != positions.sorted() ? true : nil
            if serverPreference == nil, found.count >= 2 {
                let outcome = await probe(request(version, suites: suites, groups: [found[1], found[0]]), purpose: "group preference")
                if case .accepted(let negotiated) = outcome {
                    if negotiated.group == found[0] { serverPreference = true }
                    if negotiated.group == found[1] { serverPreference = false }
                }
            }
            return GroupResult(version: version, groups: found, complete: complete, serverPreference: serverPreference)
        }
        let order = found.count >= 2 && engine.kind == .wire ? await tls13GroupOrder(found[0], found[1], suites: suites) : nil
        if order?.serverPreference == true, let preferred = order?.preferred, preferred != found[0] {
            found.swapAt(0, 1)
        }
        return GroupResult(version: version, groups: found, complete: complete, serverPreference: order?.serverPreference)
    }

    /// TLS 1.3 picks depend on the key shares a hello carries (most servers take an acceptable share before their
    /// own order), so the elimination's order says little. Two offers of the first two groups, one each way round
    /// and without key shares, leave the choice to the server alone (it names it in a HelloRetryRequest): the same
    /// group both times is its own order, the first offered both times is the client's. nil when they do not tell.
    func tls13GroupOrder(_ first: UInt16, _ second: UInt16, suites: [UInt16]) async -> (serverPreference: Bool, preferred: UInt16)? {
        var picks: [UInt16] = []
        for offer in [[first, second], [second, first]] {
            var shareless = request(.tls13, suites: suites, groups: offer)
            shareless.keyShareGroups = []
            guard case .accepted(let negotiated) = await probe(shareless, purpose: "group preference"),
                let group = negotiated.group, offer.contains(group)
            else { return nil }
            picks.append(group)
        }
        if picks[0] == picks[1] { return (true, picks[0]) }
        if picks == [first, second] { return (false, first) }
        return nil
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
