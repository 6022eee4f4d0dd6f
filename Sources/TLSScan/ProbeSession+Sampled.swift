import TLSCatalog

/// The probes of a scan that does not enumerate suites (`--checks` without `suites`): each version is decided by
/// one handshake offering everything (plus one with CloudFront's suites when the server picked another), the
/// certificate chains of the key types the offer can select, and nothing else.
extension ProbeSession {
    func sample(
        _ plan: ScanPlan, versions: [TLSVersion], probed: [TLSVersion], first: [TLSVersion: ProbeOutcome],
        into result: inout ScanResult
    ) async {
        var found: [TLSVersion: ProtocolResult] = [:]
        var chains: [CertificateChain] = []
        await withTaskGroup(of: (ProtocolResult, [CertificateChain]).self) { group in
            for version in probed {
                group.addTask { await sampleVersion(version, plan: plan, first: first[version]) }
            }
            if plan.allVersions, versions.contains(.sslv2), engine.kind == .wire {
                group.addTask { (await detectSSLv2(), []) }
            }
            for await (protocolResult, seen) in group {
                found[protocolResult.version] = protocolResult
                for chain in seen { chains.appendDistinct(chain) }
            }
        }
        if plan.cloudFrontOnly {
            // A generation that finds none of its versions: learn which other versions CloudFront could use, so the
            // verdict can name what the origin accepts and the setting that would connect (as a full scan does).
            let noCommonVersion = plan.generationVersions.contains { allowed in
                !allowed.isEmpty && allowed.allSatisfy { found[$0]?.supported == false }
            }
            if noCommonVersion {
                let extra = versions.filter { $0 != .sslv2 && found[$0] == nil && ScanPlan.cloudFrontKnownVersions.contains($0) }
                await withTaskGroup(of: (ProtocolResult, [CertificateChain]).self) { group in
                    for version in extra {
                        group.addTask { await sampleVersion(version, plan: plan, first: nil) }
                    }
                    for await (protocolResult, seen) in group {
                        found[protocolResult.version] = protocolResult
                        for chain in seen { chains.appendDistinct(chain) }
                    }
                }
            }
        }
        result.protocols = versions.map { found[$0] ?? .notTested($0) }
        if plan.certificates || plan.cloudFront {
            await fetchOtherKeyTypes(plan, protocols: &result.protocols, chains: &chains)
        }
        if plan.groups, options.enumerateGroups {
            result.groups = await enumerateGroups(result.protocols)
        }
        if plan.certificates, options.checkWithoutSNI, serverName != nil, let variant = await certificateWithoutSNI(result.protocols) {
            chains.appendDistinct(variant)
        }
        result.certificates = Self.distinct(chains)
        guard plan.certificates || plan.cloudFront, engine.kind == .wire else { return }
        var confirm: Set<CrossCheck.Pair> = []
        // TLS 1.3 sends its chain encrypted: with no chain from an older version, one library handshake reads it
        // (and listens for certificate_required, like the full scan's cross-check).
        let tls13 = result.protocolResult(.tls13).flatMap { $0.supported == true ? $0.suites.first : nil }
        if let tls13, !result.certificates.contains(where: { $0.sni == serverName }) {
            confirm.insert(CrossCheck.Pair(version: .tls13, suite: tls13.code))
        }
        // An origin that asks for a client certificate: one library handshake (without one) per version it asked
        // with, and the listening TLS 1.3 one, say whether it is required — what CloudFront's 502 depends on.
        let requested = await ledger.certificateRequestedWith
        if !requested.isEmpty {
            for proto in result.protocols where requested.contains(proto.version) && proto.version < .tls13 {
                if let suite = proto.suites.first { confirm.insert(CrossCheck.Pair(version: proto.version, suite: suite.code)) }
            }
            if let tls13 { confirm.insert(CrossCheck.Pair(version: .tls13, suite: tls13.code)) }
        }
        if !confirm.isEmpty {
            await CrossCheck(environment: environment).run(session: self, into: &result, only: confirm)
        }
    }

    /// One version decided by one handshake offering every candidate; with the CloudFront check, a second one
    /// offering CloudFront's suites when the server picked a suite CloudFront does not offer.
    func sampleVersion(_ version: TLSVersion, plan: ScanPlan, first: ProbeOutcome?) async -> (ProtocolResult, [CertificateChain]) {
        let candidates = candidates(for: version)
        var result = ProtocolResult(version: version, supported: nil)
        result.coverage = .sampled
        if candidates.isEmpty {
            result.complete = false
            result.note = "not tested: \(engine.kind.rawValue) cannot offer \(version) on this machine"
            return (result, [])
        }
        var chains: [CertificateChain] = []
        // the lists a full scan would eliminate, offered in turn until one is accepted (a version refused outright
        // needs only the first)
        let parts = offerLists(for: version)
        var ends: [ProbeOutcome] = []
        for (index, part) in parts.enumerated() {
            let outcome =
                index == 0
                ? await opening(version, candidates: part, first: first)
                : await probe(request(version, suites: part), purpose: "version (list \(index + 1) of \(parts.count))")
            ends.append(outcome)
            if case .rejected = outcome, !Self.refusesVersion(outcome) { continue }
            break
        }
        if let accepted = ends.first(where: { $0.negotiated != nil }) {
            record(accepted, version: version, into: &result, chains: &chains)
        } else if let undecided = ends.first(where: { !$0.isDefinitive }) {
            record(undecided, version: version, into: &result, chains: &chains)
        } else if let shaped = await confirmRefusal(version, candidates: candidates, ends: ends, chains: &chains),
            let pick = shaped.suites.first
        {
            result.supported = true
            result.suites = [pick]
            result.note = "sampled with a plain ClientHello: the origin refused larger ones"
        } else if let first = ends.first {
            record(first, version: version, into: &result, chains: &chains)
        }
        let cloudFront = candidates.filter(ScanPlan.cloudFrontSuites.contains)
        if plan.cloudFront, result.supported == true, !cloudFront.isEmpty,
            !result.suites.contains(where: { ScanPlan.cloudFrontSuites.contains($0.code) })
        {
            let outcome = await probe(request(version, suites: cloudFront), purpose: "CloudFront suites")
            if case .rejected = outcome {
                result.note = "sampled: none of CloudFront's \(cloudFront.count) suites for \(version) is accepted; other suites not tested"
            } else {
                record(outcome, version: version, into: &result, chains: &chains)
            }
        }
        return (result, chains)
    }

    /// Folds one sampled handshake into `result`: an accepted suite (and its chain), a refusal, or an undecided probe.
    func record(_ outcome: ProbeOutcome, version: TLSVersion, into result: inout ProtocolResult, chains: inout [CertificateChain]) {
        switch outcome {
        case .accepted(let negotiated):
            result.supported = true
            if !result.suites.contains(where: { $0.code == negotiated.suite }) {
                result.suites.append(
                    SuiteResult(
                        code: negotiated.suite, evidence: [engine.kind],
                        group: negotiated.group, dhBits: negotiated.dhBits))
            }
            result.note = "sampled: only the suites listed were negotiated; the others were not tested"
            if !negotiated.certificates.isEmpty {
                let auth = Catalog.shared.suite(code: negotiated.suite)?.authentication.rawValue ?? "unknown"
                chains.appendDistinct(
                    CertificateChain(authentication: auth, der: negotiated.certificates, seenWith: version, sni: serverName))
            }
        case .rejected(let rejection):
            if result.supported == nil {
                result.supported = false
                result.note = "refused: \(rejection)"
            }
        case .timedOut(let phase):
            if result.supported == nil {
                result.complete = false
                result.note = "not decided: a probe timed out during \(phase.rawValue)"
            }
        case .failed(let failure):
            if result.supported == nil {
                result.complete = false
                result.note = "not decided: \(failure.message)"
            }
        }
    }

    /// The RSA and ECDSA chains: at the newest version with a chain in clear, one handshake per key type not seen
    /// yet, offering that key type's suites (CloudFront's only, with the CloudFront check alone).
    /// With the CloudFront check alone, only at a version CloudFront uses under the setting: a chain it can never
    /// be sent does not change the verdict.
    func fetchOtherKeyTypes(_ plan: ScanPlan, protocols: inout [ProtocolResult], chains: inout [CertificateChain]) async {
        let usable = plan.cloudFrontOnly ? plan.cloudFrontVersions : Set(TLSVersion.allCases)
        guard
            let index = protocols.indices.filter({
                protocols[$0].version >= .sslv3 && protocols[$0].version <= .tls12 && protocols[$0].supported == true
                    && usable.contains(protocols[$0].version)
            }).max(by: { protocols[$0].version < protocols[$1].version })
        else { return }
        let version = protocols[index].version
        let offer = plan.certificates ? candidates(for: version) : candidates(for: version).filter(ScanPlan.cloudFrontSuites.contains)
        for auth in [CipherSuite.Authentication.ecdsa, .rsa] {
            guard !chains.contains(where: { $0.sni == serverName && $0.authentication == auth.rawValue }) else { continue }
            let suites = Self.parts(of: offer.filter { Catalog.shared.suite(code: $0)?.authentication == auth })[0]
            guard !suites.isEmpty else { continue }
            let outcome = await probe(request(version, suites: suites), purpose: "certificate (\(auth.rawValue))")
            if case .accepted = outcome {
                record(outcome, version: version, into: &protocols[index], chains: &chains)
            }
        }
    }
}
