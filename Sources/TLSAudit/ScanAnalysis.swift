import Foundation
import TLSCatalog
import TLSModel

/// What the user asked the analysis to judge against.
package struct AnalysisOptions: Sendable {
    /// CloudFront's OriginSslProtocols setting.
    package var originProtocols: [TLSVersion] = [.tls12]
    /// The forwarded Host header, when CloudFront forwards it.
    package var hostHeader: String?
    package var trustStore: TrustStore?
    package var warnDays = 30
    package var now = Date()
    /// A policy to check conformance against (`scan --policy`).
    package var policy: Policy?
    /// Shared by the analyses of one run: identical chains are verified once.
    package var trustCache: TrustCache?
    /// The client whose verdict decides the exit status (`--client`): not used by the analysis itself,
    /// recorded in the report so a saved scan is judged again the same way.
    package var client: String?
    /// The CloudFront generations the verdict is given for (`--cloudfront-generation`), all by default.
    package var cloudFrontGenerations: [CloudFrontGeneration] = CloudFrontGeneration.allCases
    /// CloudFront presents a client certificate to the origin (origin mutual TLS, `OriginMtlsConfig`): a request for
    /// one is then no 502 cause.
    package var presentsClientCertificate = false

    package init() {}
}

/// One client profile's simulated handshake against the scanned server.
package struct ClientSimulation: Sendable {
    package var client: ClientProfile
    /// What the client gets: the answer to its own ClientHello when that was observed definitively, else the
    /// prediction from the matrix.
    package var result: Result<HandshakeSimulation.Choice, HandshakeSimulation.Failure>
    /// The prediction from the matrix (the cross-check of an observed row).
    package var prediction: Result<HandshakeSimulation.Choice, HandshakeSimulation.Failure>
    /// What the server answered to the client's own ClientHello, when the scan sent it.
    package var observation: HelloObservation?
    /// How the observation and the prediction disagree, when they do.
    package var difference: String?
    /// What the client does about the certificate when that is not a plain yes or no (it fetches a missing
    /// intermediate itself).
    package var certificateNote: String?

    package init(
        client: ClientProfile, prediction: Result<HandshakeSimulation.Choice, HandshakeSimulation.Failure>,
        observation: HelloObservation? = nil
    ) {
        self.client = client
        self.prediction = prediction
        self.observation = observation
        let observed = observation.flatMap(HandshakeSimulation.observed)
        isObserved = observed != nil
        result = observed ?? prediction
        difference = observed.flatMap { Self.difference(observed: $0, predicted: prediction) }
    }

    /// The finding for a client whose own hello got another answer than the matrix predicts.
    package static let observationDiffers = "client-observation-differs"

    /// True when the row is what the client's own hello got (a definitive answer to it).
    package let isObserved: Bool

    /// Whether the only disagreement is the key exchange: the group, or a HelloRetryRequest (the matrix's group
    /// order and its key-share model are models).
    package var differsOnlyInGroup: Bool {
        guard difference != nil, case .success(let seen) = result, case .success(let guess) = prediction else { return false }
        return seen.version == guess.version && seen.suite == guess.suite
    }

    static func difference(
        observed: Result<HandshakeSimulation.Choice, HandshakeSimulation.Failure>,
        predicted: Result<HandshakeSimulation.Choice, HandshakeSimulation.Failure>
    ) -> String? {
        switch (observed, predicted) {
        case (.success(let seen), .success(let guess)):
            let groupsDiffer = seen.group != nil && guess.group != nil && seen.group != guess.group
            let retryDiffers =
                seen.version == .tls13 && guess.version == .tls13 && guess.helloRetry != nil && seen.helloRetry != guess.helloRetry
            guard seen.version != guess.version || seen.suite != guess.suite || groupsDiffer || retryDiffers else { return nil }
            func text(_ choice: HandshakeSimulation.Choice) -> String {
                CloudFrontVerdict.choiceText(true, choice.version, choice.suite, choice.group)
                    + (retryDiffers ? (choice.helloRetry == true ? " after a HelloRetryRequest" : " without a HelloRetryRequest") : "")
            }
            return "its own ClientHello got \(text(seen)); the matrix predicts \(text(guess))"
        case (.success(let seen), .failure(let failure)):
            guard failure.definitive else { return nil }
            return "its own ClientHello got \(CloudFrontVerdict.choiceText(true, seen.version, seen.suite, seen.group)); "
                + "the matrix predicts no connection"
        case (.failure(let refusal), .success(let guess)):
            let why: String
            if case .refused(let text) = refusal.reason { why = text } else { why = "refused" }
            return "its own ClientHello was refused (\(why)); the matrix predicts "
                + CloudFrontVerdict.choiceText(true, guess.version, guess.suite, guess.group)
        case (.failure, .failure):
            return nil
        }
    }
}

/// One certificate chain as served, with its audit.
package struct ChainAnalysis: Sendable {
    package var chain: CertificateChain
    package var report: ChainReport
}

/// Observations plus everything derived from them offline: certificate audits and the CloudFront verdict.
package struct ScanAnalysis: Sendable {
    package var scan: ScanResult
    package var chains: [ChainAnalysis]
    package var cloudfront: CloudFrontVerdict
    /// The name certificates are checked against: the SNI sent, else the host.
    package var originDomain: String
    /// What each known client profile would negotiate with this server.
    package var simulations: [ClientSimulation]
    package var grade: Grade
    /// The weaknesses that follow from the accepted suites (empty when the scan did not enumerate suites or did not
    /// reach the origin).
    package var vulnerabilities: [DerivedVulnerability]
    /// Conformance to the requested policy, if one was given.
    package var policy: PolicyConformance?
    /// Where the trust store's roots came from and how many there are (empty sources: trust was not checked).
    package var trustStore: [TrustStore.Source]
    /// What the scan was judged with.
    package var options: AnalysisOptions

    package static func analyze(_ observed: ScanResult, options: AnalysisOptions) async -> ScanAnalysis {
        var scan = observed
        let domain = scan.serverName ?? scan.target.host
        let audit = CertificateAudit(
            trustRoots: options.trustStore ?? .empty(), now: options.now, warnDays: options.warnDays,
            trustCache: options.trustCache)
        var chains: [ChainAnalysis] = []
        for chain in scan.certificates {
            let report = await audit.audit(chain: chain.der, originDomain: domain, hostHeader: options.hostHeader)
            chains.append(ChainAnalysis(chain: chain, report: report))
        }
        let verdict =
            !scan.checks.contains(.cloudfront)
            ? CloudFrontVerdict.notTested(scan, originProtocols: options.originProtocols)
            : CloudFrontVerdict.evaluateGenerations(
                scan, originProtocols: options.originProtocols, chains: chains, hostHeader: options.hostHeader,
                generations: options.cloudFrontGenerations, presentsClientCertificate: options.presentsClientCertificate)
        // Derived, so replaced rather than added to: a saved report analysed again gets the same list.
        scan.findings.removeAll { $0.id == CloudFrontVerdict.observationDiffers }
        for generation in verdict.generations {
            guard let difference = generation.difference else { continue }
            scan.findings.append(
                Finding(
                    id: CloudFrontVerdict.observationDiffers, severity: generation.differsOnlyInGroup ? .info : .warning,
                    message: "\(generation.generation.title): \(difference)."))
        }
        // Simulations and the grade need the whole matrix: a scan that did not measure it gets neither.
        // A profile whose own hello was sent gets what the server answered; the matrix's prediction is kept as a
        // cross-check (a matrix of sampled versions predicts nothing worth comparing).
        let enumerated = scan.protocols.allSatisfy { $0.coverage == .enumerated || $0.coverage == .notTested }
        let simulations: [ClientSimulation] =
            !scan.checks.contains(.simulation)
            ? []
            : Catalog.shared.clients.map { client in
                var simulation = ClientSimulation(
                    client: client, prediction: HandshakeSimulation.negotiate(client: client, server: scan),
                    observation: scan.reachability.isReachable ? Self.observation(of: client, in: scan) : nil)
                simulation.judgeCertificate(chains: chains, sni: scan.serverName)
                return simulation
            }
        scan.findings.removeAll { $0.id == ClientSimulation.observationDiffers }
        for simulation in simulations where enumerated {
            guard let difference = simulation.difference else { continue }
            scan.findings.append(
                Finding(
                    id: ClientSimulation.observationDiffers, severity: simulation.differsOnlyInGroup ? .info : .warning,
                    message: "\(simulation.client.name) (\(simulation.client.id)): \(difference)."))
        }
        let grade = Grade.withheld(scan) ?? Grade.rate(scan, chains: chains)
        let conformance = options.policy.map { PolicyConformance.check(scan, against: $0) }
        return ScanAnalysis(
            scan: scan, chains: chains, cloudfront: verdict, originDomain: domain,
            simulations: simulations, grade: grade,
            vulnerabilities: scan.checks.contains(.suites) && scan.reachability.isReachable ? DerivedVulnerability.judge(scan) : [],
            policy: conformance,
            trustStore: audit.trustRoots.sources, options: options)
    }
}

extension ScanAnalysis {
    /// The answer to `client`'s own hello offering all its versions (a CloudFront generation's hello offers only
    /// what the OriginSslProtocols setting allows, so it is its verdict's, not its simulation row's).
    static func observation(of client: ClientProfile, in scan: ScanResult) -> HelloObservation? {
        scan.observations.first { $0.client == client.id && Set($0.versions) == Set(client.versions) }
    }
}

extension CloudFrontVerdict {
    /// Adds the certificate causes CloudFront documents (502 for names, dates, self-signed, untrusted and
    /// chain order; a dropped connection for a missing intermediate), from the chain CloudFront would get.
    /// `judgesChainOrder`: the documented client names a chain in the wrong order as a cause; s2n builds the path
    /// from the leaf whatever the order of the rest, so its generations do not.
    mutating func addCertificateCauses(
        from chains: [ChainAnalysis], sni: String?, hostHeader: String?,
        judgesChainOrder: Bool = true, leafMustBeFirst: Bool = false
    ) {
        let served = chains.filter { $0.chain.sni == sni }
        guard !served.isEmpty else { return }
        var relevant = served
        if let suite, let auth = Catalog.shared.suite(code: suite)?.authentication.rawValue {
            let matching = served.filter { $0.chain.authentication == auth }
            if !matching.isEmpty { relevant = matching }
        }
        let nameID = hostHeader == nil ? Finding.ID.nameMismatch : Finding.ID.hostHeaderMismatch
        let mapping: [(finding: String, cause: String)] = [
            (nameID, nameID),
            (Finding.ID.expired, "expired"),
            (Finding.ID.notYetValid, "not-yet-valid"),
            (Finding.ID.selfSigned, "self-signed"),
            (Finding.ID.untrusted, "untrusted"),
            (Finding.ID.wrongChainOrder, "wrong-chain-order"),
            (Finding.ID.missingIntermediate, "incomplete-chain"),
            (Finding.ID.noCertificate, "no-certificate"),
        ]
        // Trust that could not be decided: CloudFront rejects what it cannot verify, so the verdict is never
        // "compatible" — but tlsmatrix cannot say CloudFront would fail either.
        let undecided: [(finding: String, cause: String)] = [
            (Finding.ID.unverifiable, "unverifiable-chain"),
            (Finding.ID.trustNotChecked, "trust-not-checked"),
        ]
        for (findingID, causeID) in undecided {
            for analysis in relevant {
                guard let finding = analysis.report.findings.first(where: { $0.id == findingID }),
                    !causes.contains(where: { $0.id == causeID })
                else { continue }
                causes.append(Cause(id: causeID, message: finding.message, fix: finding.fix ?? ""))
                if compatible == true { compatible = nil }
            }
        }
        var added = false
        for (findingID, causeID) in mapping where judgesChainOrder || causeID != "wrong-chain-order" {
            for analysis in relevant {
                guard let finding = analysis.report.findings.first(where: { $0.id == findingID }) else { continue }
                guard !causes.contains(where: { $0.id == causeID }) else { continue }
                let keyNote = relevant.count > 1 ? " (\(analysis.chain.authentication) certificate)" : ""
                causes.append(
                    Cause(
                        id: causeID, message: finding.message + keyNote,
                        fix: finding.fix ?? "Replace the certificate with one issued by a public CA for the origin's name."))
                added = true
            }
        }
        // s2n-tls takes the first certificate sent as the leaf (s2n_x509_validator_read_cert_chain): the host name
        // and the key are checked against it, whatever follows (Data/sources/reference/s2n-client-rules.md §2)
        if leafMustBeFirst, !causes.contains(where: { $0.id == Self.leafNotFirst }) {
            for analysis in relevant {
                guard let index = analysis.report.leafIndex, index != 0, let first = analysis.report.certificates.first,
                    let leaf = analysis.report.leaf
                else { continue }
                causes.append(
                    Cause(
                        id: Self.leafNotFirst,
                        message:
                            "The origin sends \(first.commonName ?? first.subject) first and its leaf certificate \(leaf.commonName ?? leaf.subject) at position \(index + 1): s2n-tls takes the first certificate as the leaf and checks the host name and key against it, so the handshake fails (502).",
                        fix:
                            "Send the leaf certificate first, then its intermediates (for nginx and Apache: the leaf at the top of the certificate file)."
                    ))
                added = true
                break
            }
        }
        if added { compatible = false }
    }

    /// The cause of a chain whose first certificate is not the leaf (s2n-tls's rule).
    package static let leafNotFirst = "leaf-not-first"
}
