import Foundation
import TLSCatalog
import TLSModel

/// Would CloudFront complete a handshake with this origin, with what, and if not, why and what to change.
package struct CloudFrontVerdict: Sendable, Equatable {
    /// nil when the scan did not decide enough to say.
    package var compatible: Bool?
    package var protocolVersion: TLSVersion?
    package var suite: UInt16?
    package var group: UInt16?
    package var causes: [Cause]
    /// The OriginSslProtocols setting the verdict is for.
    package var originProtocols: [TLSVersion]
    /// One verdict per generation of CloudFront's origin client (``CloudFrontGeneration``); empty for a verdict
    /// about a single client profile.
    package var generations: [Generation] = []
    /// False when the scan did not run the cloudfront check (`--checks` without it): no verdict, and not undecided.
    package var tested = true

    /// The verdict of a scan that did not run the cloudfront check.
    package static func notTested(_ scan: ScanResult, originProtocols: [TLSVersion]) -> CloudFrontVerdict {
        var verdict = CloudFrontVerdict(
            compatible: nil,
            causes: [
                Cause(
                    id: "not-tested",
                    message:
                        "The CloudFront verdict was not tested: the scan ran --checks \(ScanCheck.describe(scan.checks).replacingOccurrences(of: ", ", with: ","))).",
                    fix: "Scan with --checks cloudfront (or all) for the verdict.")
            ], originProtocols: originProtocols)
        verdict.tested = false
        return verdict
    }

    /// The verdict over every generation evaluated.
    package var status: Status {
        guard !generations.isEmpty else {
            switch compatible {
            case true?: return .compatible
            case false?: return .notCompatible
            case nil: return .undecided
            }
        }
        return Status(generations.map(\.compatible))
    }

    package enum Status: String, Sendable, Codable {
        /// Every generation connects.
        case compatible
        /// No generation connects.
        case notCompatible = "not-compatible"
        /// Some generations connect and some do not.
        case dependsOnGeneration = "depends-on-generation"
        /// A generation's answer is not known and the others do not settle it.
        case undecided

        init(_ answers: [Bool?]) {
            let yes = answers.contains(true), no = answers.contains(false), unknown = answers.contains(nil)
            if yes && no {
                self = .dependsOnGeneration
            } else if unknown {
                self = .undecided
            } else if yes {
                self = .compatible
            } else {
                self = .notCompatible
            }
        }
    }

    package init(
        compatible: Bool?, protocolVersion: TLSVersion? = nil, suite: UInt16? = nil, group: UInt16? = nil,
        causes: [Cause], originProtocols: [TLSVersion], generations: [Generation] = []
    ) {
        self.compatible = compatible
        self.protocolVersion = protocolVersion
        self.suite = suite
        self.group = group
        self.causes = causes
        self.originProtocols = originProtocols
        self.generations = generations
    }

    /// Evaluates a scan against CloudFront's origin client profile under an OriginSslProtocols setting.
    package static func evaluate(
        _ scan: ScanResult, originProtocols: [TLSVersion] = [.tls12],
        profile: ClientProfile? = Catalog.shared.client(id: ClientProfile.ID.cloudFrontOrigin)
    ) -> CloudFrontVerdict {
        var verdict = CloudFrontVerdict(compatible: nil, causes: [], originProtocols: originProtocols)
        guard let profile else {
            verdict.causes.append(
                Cause(
                    id: "profile-missing", message: "The CloudFront client profile is not in the catalog.",
                    fix: "Reinstall tlsmatrix."))
            return verdict
        }
        if let cause = undecidedCause(scan.reachability) {
            verdict.causes.append(cause)  // compatible stays nil: the origin was never asked
            return verdict
        }
        guard scan.reachability.isReachable else {
            verdict.compatible = false
            if case .noTLSAnswer(let why) = scan.reachability, scan.reachability.answersPlainHTTP {
                verdict.causes.append(
                    Cause(
                        id: "plain-http-on-https-port",
                        message:
                            "The origin's HTTPS port \(scan.target.port) answers plain HTTP (\(why)); CloudFront's TLS handshake fails there (502).",
                        fix:
                            "Enable TLS on port \(scan.target.port), or, if the origin serves only HTTP, set the origin's Protocol Policy to HTTP Only with its HTTP port (traffic to the origin is then unencrypted)."
                    ))
                return verdict
            }
            let timedOut = scan.reachability.isTimeout
            verdict.causes.append(
                Cause(
                    id: "origin-not-responding",
                    message: "CloudFront could not connect: \(scan.reachability.explanation)."
                        + (timedOut
                            ? " A timeout is what CloudFront hits too: viewers get 504 Gateway Timeout (after the origin's connection attempts and timeout), not 502."
                            : ""),
                    fix:
                        "Make the origin listen for HTTPS on port \(scan.target.port) and allow CloudFront's address ranges through firewalls and security groups."
                ))
            return verdict
        }
        let simulation = HandshakeSimulation.negotiate(
            client: profile, allowedVersions: profile.versions(forOriginProtocols: originProtocols), server: scan)
        switch simulation {
        case .success(let choice):
            verdict.compatible = true
            verdict.protocolVersion = choice.version
            verdict.suite = choice.suite
            verdict.group = choice.group
        case .failure(let failure):
            verdict.compatible = failure.definitive ? false : nil
            verdict.causes.append(cause(for: failure, originProtocols: originProtocols, scan: scan, profile: profile))
        }
        return verdict
    }

    /// The cause for a scan that never reached the origin: its name did not resolve here (CloudFront's
    /// 502 DNS error, NonS3OriginDnsError; not definitive, this resolver is not CloudFront's), or a
    /// problem of the scanning machine.
    static func undecidedCause(_ reachability: Reachability) -> Cause? {
        switch reachability {
        case .unresolved(let why):
            return Cause(
                id: "origin-dns-failure",
                message:
                    "The origin domain name did not resolve (\(why)); CloudFront would return 502 with a DNS error (NonS3OriginDnsError).",
                fix:
                    "Create the DNS record (A/AAAA or CNAME) for the origin domain, or check the origin domain name in the origin settings."
            )
        case .localError(let why):
            return Cause(
                id: "scan-incomplete", message: "The scan could not decide: \(why).",
                fix: "Fix the problem on the machine running tlsmatrix and scan again; the origin was not contacted.")
        default:
            return nil
        }
    }

    static func cause(
        for failure: HandshakeSimulation.Failure, originProtocols: [TLSVersion], scan: ScanResult,
        profile: ClientProfile
    ) -> Cause {
        let offered = profile.versions(forOriginProtocols: originProtocols).map(\.cloudFrontName).joined(separator: ", ")
        let serverVersions = scan.protocols.filter { $0.supported == true && $0.version != .sslv2 }.map(\.version)
        switch failure.reason {
        case .noCommonProtocol:
            let shown = serverVersions.isEmpty ? "none" : serverVersions.map(\.rawValue).joined(separator: ", ")
            var fix = "Enable TLS 1.2 on the origin"
            if let usable = serverVersions.filter({ profile.versions.contains($0) }).last {
                fix += ", or set the origin's Minimum Origin SSL Protocol (OriginSslProtocols) to include \(usable.cloudFrontName)"
            }
            if serverVersions == [.tls13], !profile.supports(.tls13) {
                fix += "; this CloudFront client stops at TLS 1.2, so a TLS 1.3-only origin is not reachable with it"
            }
            return Cause(
                id: "no-common-protocol",
                message: "CloudFront offers \(offered) to the origin; the origin accepts \(shown).",
                fix: fix + ".")
        case .noCommonCipher(let version):
            let names = profile.suites.compactMap { Catalog.shared.suite(code: $0)?.displayName }
            return Cause(
                id: "no-common-cipher",
                message:
                    "With \(version.rawValue) the origin accepts none of the \(profile.suites.count) cipher suites this CloudFront client offers to origins.",
                fix:
                    "Enable at least one of CloudFront's origin ciphers, preferably ECDHE-RSA-AES128-GCM-SHA256 or ECDHE-ECDSA-AES128-GCM-SHA256 (full list: \(names.joined(separator: ", ")))."
            )
        case .noCommonGroup(let version):
            let names = profile.groups.compactMap { Catalog.shared.group(code: $0)?.name }
            return Cause(
                id: "no-common-curve",
                message:
                    "With \(version.rawValue) the origin's ECDHE suites need a curve CloudFront does not offer (it offers \(names.joined(separator: ", "))).",
                fix: "Enable prime256v1 (P-256) or X25519 for ECDHE on the origin.")
        case .undecided(let why):
            return Cause(
                id: "scan-incomplete", message: "The scan could not decide: \(why).",
                fix: "Re-run the scan with longer timeouts (--timeout) or check that the origin is stable.")
        case .certificate(let why):
            return Cause(
                id: "certificate-refused", message: "The certificate would be refused: \(why).",
                fix: "Serve a certificate for the origin's name from a publicly trusted CA, leaf first, with its intermediates.")
        case .refused(let why):
            return Cause(
                id: "cloudfront-hello-refused", message: "The origin refused this CloudFront client's own ClientHello: \(why).",
                fix: "Check the origin's TLS settings and logs for why it refuses this ClientHello.")
        }
    }
}
