import TLSCatalog
import TLSModel

extension CloudFrontVerdict {
    /// The finding for a generation whose observed answer differs from the matrix's prediction.
    package static let observationDiffers = "observation-differs"
    /// An SSLv3 ServerHello that echoed extended_master_secret: the handshake of an s2n client fails.
    package static let sslv3ExtendedMasterSecret = "sslv3-extended-master-secret"

    /// One generation's verdict: what was observed when its own ClientHello was sent, beside what the matrix
    /// predicts. The verdict is the observation when there is a definitive one, else the prediction.
    package struct Generation: Sendable, Equatable {
        package var generation: CloudFrontGeneration
        package var profile: ClientProfile
        /// The s2n-tls policy this generation uses under the setting (nil for the documented client).
        package var s2nPolicy: String?
        /// The versions its hello offers under the setting.
        package var versions: [TLSVersion]
        package var compatible: Bool?
        /// True when ``compatible`` comes from the server's answer to this generation's own ClientHello.
        package var observed: Bool
        package var protocolVersion: TLSVersion?
        package var suite: UInt16?
        package var group: UInt16?
        package var causes: [Cause]
        /// What the matrix predicts (the single-profile verdict, before certificate causes).
        package var predicted: Prediction
        /// The answer to this generation's own hello, when one was sent for this setting.
        package var observation: HelloObservation?
        /// Set when the observed answer differs from the prediction: both, in words.
        package var difference: String?
        /// The libraries that completed a full handshake with the observed (version, suite) during the scan.
        package var confirmedBy: [EngineKind] = []

        /// The server took the predicted version and suite but another key-exchange group (the prediction follows
        /// the client's group order; a server may follow its own).
        package var differsOnlyInGroup: Bool {
            difference != nil && observed && compatible == true && predicted.compatible == true
                && predicted.protocolVersion == protocolVersion && predicted.suite == suite
        }
    }

    package struct Prediction: Sendable, Equatable {
        package var compatible: Bool?
        package var protocolVersion: TLSVersion?
        package var suite: UInt16?
        package var group: UInt16?
    }

    /// The verdict for every generation in `generations` (all by default): each from its observation and the
    /// matrix, with the certificate causes that generation applies. `compatible` is true only when every
    /// generation connects; the documented generation's choice fills the top-level protocol, suite and group.
    package static func evaluateGenerations(
        _ scan: ScanResult, originProtocols: [TLSVersion], chains: [ChainAnalysis], hostHeader: String?,
        generations: [CloudFrontGeneration] = CloudFrontGeneration.allCases, presentsClientCertificate: Bool = false
    ) -> CloudFrontVerdict {
        var results: [Generation] = []
        for generation in generations.sorted() {
            guard let profile = Catalog.shared.client(id: generation.profileID) else { continue }
            results.append(
                evaluate(
                    generation, profile: profile, scan: scan, originProtocols: originProtocols,
                    chains: chains, hostHeader: hostHeader, presentsClientCertificate: presentsClientCertificate))
        }
        guard !results.isEmpty else {
            return evaluate(scan, originProtocols: originProtocols)  // names the missing profile
        }
        let lead = results.first { $0.generation == .documented } ?? results[0]
        var causes = lead.causes
        for other in results where other.generation != lead.generation {
            for cause in other.causes where !causes.contains(where: { $0.id == cause.id && $0.message.hasSuffix(cause.message) }) {
                causes.append(Cause(id: cause.id, message: "\(other.generation.title): \(cause.message)", fix: cause.fix))
            }
        }
        let answers = results.map(\.compatible)
        let compatible: Bool? = answers.contains(false) ? false : (answers.contains(nil) ? nil : true)
        return CloudFrontVerdict(
            compatible: compatible, protocolVersion: lead.protocolVersion, suite: lead.suite,
            group: lead.group, causes: causes, originProtocols: originProtocols, generations: results)
    }

    static func evaluate(
        _ generation: CloudFrontGeneration, profile: ClientProfile, scan: ScanResult,
        originProtocols: [TLSVersion], chains: [ChainAnalysis], hostHeader: String?,
        presentsClientCertificate: Bool = false
    ) -> Generation {
        let versions = profile.versions(forOriginProtocols: originProtocols)
        let predicted = evaluate(scan, originProtocols: originProtocols, profile: profile)
        var verdict = predicted
        let observation = scan.observations.first { $0.client == profile.id && $0.versions == versions }
        var observed = false
        var difference: String?
        // A matrix of sampled versions (--checks without suites) lists only the suites a few handshakes negotiated:
        // its prediction is no measurement to compare an observation with.
        let enumerated = scan.protocols.filter { versions.contains($0.version) }.allSatisfy { $0.coverage == .enumerated }
        if scan.reachability.isReachable, let observation {
            let prediction = choiceText(predicted.compatible, predicted.protocolVersion, predicted.suite, predicted.group)
            switch observation.result {
            case .accepted:
                observed = true
                verdict.compatible = true
                verdict.protocolVersion = observation.protocolVersion
                verdict.suite = observation.suite
                verdict.group = observation.group
                verdict.causes = []
                let seen = choiceText(true, observation.protocolVersion, observation.suite, observation.group)
                if enumerated,
                    predicted.compatible != true || predicted.protocolVersion != observation.protocolVersion
                        || predicted.suite != observation.suite
                        || (predicted.group != nil && observation.group != nil && predicted.group != observation.group)
                {
                    difference = "its own ClientHello got \(seen); the matrix predicts \(prediction)"
                }
                if observation.protocolVersion == .sslv3, observation.extendedMasterSecret == true {
                    // RFC 7627 defines extended_master_secret for TLS 1.0 and later only; s2n-tls offers it on every new
                    // connection and follows the echo (Data/sources/reference/s2n-client-rules.md §1)
                    verdict.compatible = false
                    verdict.causes = [
                        Cause(
                            id: Self.sslv3ExtendedMasterSecret,
                            message:
                                "The origin answered \(generation.title)'s own ClientHello with SSLv3 and echoed extended_master_secret, which RFC 7627 defines only for TLS 1.0 and later: s2n-tls then derives its keys the RFC 7627 way and the handshake fails (tlslite-ng's own key calculation aborts on it).",
                            fix:
                                "Enable TLS 1.0 or later on the origin and set OriginSSLProtocols to match, or make the server stop echoing extended_master_secret in SSLv3 handshakes."
                        )
                    ]
                }
            case .rejected:
                observed = true
                verdict.compatible = false
                verdict.protocolVersion = nil
                verdict.suite = nil
                verdict.group = nil
                if predicted.compatible != false {
                    if enumerated {
                        difference =
                            "its own ClientHello was refused (\(observation.reason ?? "refused")); the matrix predicts \(prediction)"
                    }
                    verdict.causes = [refusalCause(observation, generation: generation, prediction: prediction)]
                }
            case .timedOut, .failed:
                if predicted.compatible == true {
                    verdict.compatible = nil
                    verdict.causes = [refusalCause(observation, generation: generation, prediction: prediction)]
                }
            }
        }
        if scan.reachability.isReachable {
            verdict.addCertificateCauses(
                from: chains, sni: scan.serverName, hostHeader: hostHeader,
                judgesChainOrder: generation.isDocumented, leafMustBeFirst: !generation.isDocumented)
            // with origin mutual TLS (OriginMtlsConfig) CloudFront answers the request with its certificate
            if !presentsClientCertificate, let request = scan.findings.first(where: { $0.id == Finding.ID.clientCertificateRequested }) {
                addClientCertificateCause(request, required: scan.clientCertificate?.required, generation: generation, to: &verdict)
            }
        }
        return Generation(
            generation: generation, profile: profile, s2nPolicy: profile.s2nPolicy(forOriginProtocols: originProtocols),
            versions: versions, compatible: verdict.compatible, observed: observed,
            protocolVersion: verdict.protocolVersion, suite: verdict.suite, group: verdict.group, causes: verdict.causes,
            predicted: Prediction(
                compatible: predicted.compatible, protocolVersion: predicted.protocolVersion,
                suite: predicted.suite, group: predicted.group),
            observation: observation, difference: difference,
            confirmedBy: observed ? confirmations(scan, verdict.protocolVersion, verdict.suite) : [])
    }

    static let mtlsFix =
        "Stop requesting client certificates on the origin, or configure origin mutual TLS on the CloudFront origin (OriginMtlsConfig: a client certificate with the clientAuth extended key usage, imported into ACM in us-east-1)."

    /// An origin that asks for a client certificate. The documented client follows AWS's word: CloudFront drops the
    /// request (502). The s2n generations do what s2n-tls does: its clients default to optional client
    /// authentication and answer a request with an empty Certificate, so an optional request connects and a required
    /// one fails (Data/sources/reference/s2n-client-rules.md §3); unknown whether required: undecided.
    static func addClientCertificateCause(
        _ request: Finding, required: Bool?, generation: CloudFrontGeneration,
        to verdict: inout CloudFrontVerdict
    ) {
        if generation.isDocumented {
            verdict.causes.append(
                Cause(
                    id: Finding.ID.clientCertificateRequested,
                    message: request.message
                        + " Without origin mutual TLS, CloudFront drops the request when the origin asks for a client certificate (502).",
                    fix: mtlsFix))
            verdict.compatible = false
            return
        }
        switch required {
        case true?:
            verdict.causes.append(
                Cause(
                    id: Finding.ID.clientCertificateRequested,
                    message: request.message
                        + " s2n-tls answers with an empty Certificate, and the origin requires one: the handshake fails (502).",
                    fix: mtlsFix))
            verdict.compatible = false
        case nil:
            verdict.causes.append(
                Cause(
                    id: Finding.ID.clientCertificateRequested,
                    message: request.message
                        + " s2n-tls answers with an empty Certificate; whether the origin then goes on is not known (no handshake without a certificate was made).",
                    fix: "Re-run with the cross-check (it makes that handshake); " + mtlsFix))
            if verdict.compatible == true { verdict.compatible = nil }
        case false?:
            break  // connects with an empty Certificate; the scan's finding stays as the warning
        }
    }

    /// Which libraries completed a handshake with `version` and `suite` in the scan's cross-check.
    static func confirmations(_ scan: ScanResult, _ version: TLSVersion?, _ suite: UInt16?) -> [EngineKind] {
        guard let version, let suite,
            let result = scan.protocolResult(version)?.suites.first(where: { $0.code == suite })
        else { return [] }
        return result.evidence.filter { $0 != .wire }
    }

    /// Why CloudFront's own hello failed where the matrix says it would work.
    static func refusalCause(_ observation: HelloObservation, generation: CloudFrontGeneration, prediction: String) -> Cause {
        let size = "\(observation.helloBytes)-byte"
        switch observation.result {
        case .rejected where observation.silent, .timedOut:
            let how =
                observation.result == .timedOut
                ? "did not answer (\(observation.reason ?? "timed out"))" : "closed the connection without an alert"
            return Cause(
                id: "hello-intolerance",
                message:
                    "The origin \(how) when sent \(generation.title)'s own \(size) ClientHello, although the scan predicts \(prediction).",
                fix: "Fix the origin or the device in front of it (load balancer, firewall, IDS) so it answers large ClientHellos"
                    + " and ones carrying supported_versions and post-quantum key shares; CloudFront returns 502 (or 504 on a timeout) otherwise."
            )
        case .rejected:
            return Cause(
                id: "cloudfront-hello-refused",
                message:
                    "The origin refused \(generation.title)'s own ClientHello (\(observation.reason ?? "refused")), although the scan predicts \(prediction).",
                fix:
                    "Check the origin's TLS settings against this client's offer (tlsmatrix clients show \(generation.profileID)); the origin chooses differently when the full hello is sent."
            )
        case .failed, .accepted:
            return Cause(
                id: "scan-incomplete",
                message: "\(generation.title)'s own ClientHello got no usable answer: \(observation.reason ?? "unknown").",
                fix: "Re-run the scan; if it persists, the origin breaks the protocol for this client.")
        }
    }

    static func choiceText(_ compatible: Bool?, _ version: TLSVersion?, _ suite: UInt16?, _ group: UInt16?) -> String {
        switch compatible {
        case false?: return "no connection"
        case nil: return "an undecided answer"
        case true?:
            var parts: [String] = []
            if let version { parts.append(version.rawValue) }
            if let suite { parts.append(Catalog.shared.suite(code: suite)?.iana ?? CodePointFormat.hex(suite)) }
            if let group { parts.append(Catalog.shared.group(code: group)?.name ?? CodePointFormat.hex(group)) }
            return parts.isEmpty ? "a connection" : parts.joined(separator: " ")
        }
    }
}
