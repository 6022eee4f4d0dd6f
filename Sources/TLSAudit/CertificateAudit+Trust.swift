import Foundation
import SwiftASN1
@_spi(FixedExpiryValidationTime) @_spi(DisableValidityCheck) import X509
import TLSModel

/// Trust: can a path be built from the leaf, through the sent certificates, to a root of the trust store?
extension CertificateAudit {
    /// What the trust evaluation concluded.
    struct TrustEvaluation: Sendable {
        /// true: a path to a root was built and every link of it verified; false: no such path exists;
        /// nil: unknown — a link or a property of the path could not be checked (never read as verified).
        var trusted: Bool?
        /// Leaf … root, when trusted.
        var path: [ParsedCertificate]?
        /// Why the chain is not trusted, or what could not be checked.
        var reasons: [String]

        static func unknown(_ reason: String) -> TrustEvaluation { TrustEvaluation(trusted: nil, path: nil, reasons: [reason]) }
        static func untrusted(_ reasons: [String]) -> TrustEvaluation { TrustEvaluation(trusted: false, path: nil, reasons: reasons) }
    }

    /// `evaluateTrust`, remembered per chain (as sent, keyed by its SHA-256) when a cache is shared by the run.
    func cachedTrust(_ chain: ChainStructure) async -> TrustEvaluation {
        guard let trustCache else { return await evaluateTrust(chain) }
        let key = ChainDigest.of(chain.sent.map(\.parsed.der))
        if let known = trustCache.lookup(key) { return known }
        let evaluation = await evaluateTrust(chain)
        trustCache.store(key, evaluation)
        return evaluation
    }

    /// Decides trust. "Cannot verify" is never "verified":
    /// 1. every link between the sent certificates on the path must have a signature tlsmatrix verified;
    /// 2. every issuer on the path must be a CA allowed to sign certificates (basicConstraints cA, keyUsage
    ///    keyCertSign when present, pathLenConstraint);
    /// 3. certificates swift-certificates cannot represent (RSA under 2048 bits, brainpool/secp256k1 keys …)
    ///    are checked here; the verifier (swift-certificates' `Verifier`, `RFC5280Policy`, no name check: names
    ///    have their own findings) starts at the first one it can use and builds the rest of the path to a root.
    ///    When the verifier fails only on the validity window, the path still counts (dates have their own findings).
    func evaluateTrust(_ chain: ChainStructure) async -> TrustEvaluation {
        let certificates = chain.pathCertificates
        for (index, link) in chain.links.enumerated() {
            if case .uncheckable(let why) = link {
                return .unknown(
                    "the signature on \(certificates[index].label) by \(certificates[index + 1].label) cannot be verified: \(why)")
            }
        }
        for (index, issuer) in certificates.enumerated().dropFirst() {
            // A self-signed certificate at the top is a would-be trust anchor (old v1 roots have no
            // basicConstraints): the verifier decides whether the store holds it.
            if index == certificates.count - 1, issuer.parsed.isSelfSigned { continue }
            if let problem = Self.issuerProblem(issuer, intermediatesBelow: index - 1) { return .untrusted([problem]) }
        }

        let skipped = Array(certificates.prefix { $0.parsed.x509 == nil })
        for certificate in skipped where !certificate.parsed.unknownCriticalExtensions.isEmpty {
            return .unknown(
                "\(certificate.label) has critical extension(s) \(certificate.parsed.unknownCriticalExtensions.joined(separator: ", ")) that tlsmatrix cannot process"
            )
        }
        if !skipped.isEmpty, let constrained = certificates.dropFirst().first(where: { $0.parsed.hasNameConstraints }) {
            return .unknown(
                "the name constraints of \(constrained.label) cannot be applied to \(skipped[0].label), which swift-certificates cannot decode (\(skipped[0].parsed.key.type) \(skipped[0].parsed.key.curve ?? "\(skipped[0].parsed.key.bits)-bit") key)"
            )
        }
        guard let start = certificates.first(where: { $0.parsed.x509 != nil })?.parsed.x509 else {
            return trustToStore(from: certificates)
        }
        let intermediates = CertificateStore(chain.sent.compactMap(\.parsed.x509).filter { $0 != start })

        var result = await validate(start, intermediates: intermediates, at: now)
        if result.chain == nil {
            // Dates have their own findings: if the only obstacle is a validity window, the path still counts.
            let undated = await validate(start, intermediates: intermediates, at: nil)
            if undated.chain != nil { result = undated }
        }
        guard let path = result.chain else {
            // The verifier cannot check a signature algorithm it does not know: say so rather than "untrusted".
            if let top = certificates.last, !top.parsed.isSelfSigned, trustRoots.subjects.contains(top.parsed.issuer),
                SignatureAlgorithms.x509(top.parsed.signatureAlgorithmOID) == nil
            {
                return .unknown(
                    "the signature on \(top.label) by the root \(top.parsed.issuer.description) cannot be verified: its signature algorithm \(top.parsed.signatureAlgorithmName) is not one tlsmatrix can verify"
                )
            }
            return .untrusted(result.reasons)
        }
        let parsed = path.compactMap { certificate -> ParsedCertificate? in
            if let sent = chain.sent.first(where: { $0.parsed.x509 == certificate }) { return sent.parsed }
            var serializer = DER.Serializer()
            guard (try? serializer.serialize(certificate)) != nil else { return nil }
            return try? ParsedCertificate(der: serializer.serializedBytes)
        }
        return TrustEvaluation(trusted: true, path: skipped.map(\.parsed) + parsed, reasons: [])
    }

    /// Why `issuer` may not issue certificates on this path, if it may not (RFC 5280 §4.2.1.3, §4.2.1.9).
    static func issuerProblem(_ issuer: SentCertificate, intermediatesBelow: Int) -> String? {
        let certificate = issuer.parsed
        if !certificate.isCA {
            return
                "\(issuer.label) signed the certificate below it but is not a CA (basicConstraints cA is not set): an end-entity certificate cannot issue certificates"
        }
        if certificate.keyUsageAllowsCertSign == false {
            return "\(issuer.label) signed the certificate below it but its keyUsage does not allow keyCertSign"
        }
        if let limit = certificate.maxPathLength, intermediatesBelow > limit {
            return
                "\(issuer.label) allows at most \(limit) intermediate certificate\(limit == 1 ? "" : "s") below it (pathLenConstraint), the chain has \(intermediatesBelow)"
        }
        return nil
    }

    /// No certificate of the sent path is usable by swift-certificates: check the top's link to a store root here.
    private func trustToStore(from certificates: [SentCertificate]) -> TrustEvaluation {
        guard let top = certificates.last else { return .untrusted(["no certificate"]) }
        if top.parsed.isSelfSigned {
            return .untrusted(["the chain ends at the self-signed certificate \(top.label), which is not in the trust store"])
        }
        var uncheckable: String?
        for root in trustRoots.roots where root.subject == top.parsed.issuer {
            var serializer = DER.Serializer()
            guard (try? serializer.serialize(root)) != nil,
                let parsedRoot = try? ParsedCertificate(der: serializer.serializedBytes)
            else { continue }
            switch top.parsed.signatureCheck(by: parsedRoot) {
            case .valid:
                let intermediates = certificates.count - 1
                if let limit = parsedRoot.maxPathLength, intermediates > limit {
                    return .untrusted([
                        "the root \(parsedRoot.subject.description) allows at most \(limit) intermediate certificate(s) below it"
                    ])
                }
                if parsedRoot.hasNameConstraints {
                    return .unknown(
                        "the name constraints of the root \(parsedRoot.subject.description) cannot be applied to certificates swift-certificates cannot decode"
                    )
                }
                return TrustEvaluation(trusted: true, path: certificates.map(\.parsed) + [parsedRoot], reasons: [])
            case .uncheckable(let why):
                uncheckable = "the signature on \(top.label) by the root \(parsedRoot.subject.description) cannot be verified: \(why)"
            case .invalid:
                continue
            }
        }
        if let uncheckable { return .unknown(uncheckable) }
        return .untrusted([
            "the chain ends at \(top.label), whose issuer \(top.parsed.issuer.description) is not a root in the trust store (or did not sign it)"
        ])
    }

    /// One verifier run: the validated chain, or the verifier's reasons.
    private func validate(
        _ leaf: Certificate, intermediates: CertificateStore,
        at time: Date?
    ) async -> (chain: [Certificate]?, reasons: [String]) {
        let policy = time.map { RFC5280Policy(fixedExpiryValidationTime: $0) } ?? .withValidityCheckDisabled()
        var verifier = Verifier(rootCertificates: trustRoots.certificateStore) { policy }
        let log = DiagnosticLog()
        let result = await verifier.validate(leaf: leaf, intermediates: intermediates) { log.record($0) }
        switch result {
        case .validCertificate(let chain):
            return (Array(chain), [])
        case .couldNotValidate(let failures):
            var reasons = failures.map { Self.shorten("\($0.policyFailureReason)") }
            if reasons.isEmpty { reasons = log.explanations }
            var seen = Set<String>()
            return (nil, reasons.filter { seen.insert($0).inserted })
        }
    }

    /// The verifier prints whole certificates; keep only their subjects.
    static func shorten(_ reason: String) -> String {
        guard
            let pattern = try? NSRegularExpression(
                pattern: #"Certificate\(version: .*?subject: "([^"]*)".*?extensions: \[.*?\]\)"#)
        else { return reason }
        let range = NSRange(reason.startIndex..., in: reason)
        return pattern.stringByReplacingMatches(in: reason, range: range, withTemplate: "\"$1\"")
    }

    func trustFindings(_ chain: ChainStructure, trust: TrustEvaluation) -> [Finding] {
        guard trust.trusted != true else { return [] }
        if trust.trusted == nil {
            return [
                Finding(
                    id: ID.unverifiable, severity: .error,
                    message:
                        "Trust is unknown: \(trust.reasons.joined(separator: "; ")). tlsmatrix does not treat a link it cannot verify as verified; CloudFront rejects an origin chain it cannot verify.",
                    fix:
                        "Use a certificate chain with RSA (2048 bits or more) or ECDSA P-256/P-384 keys and SHA-256/384/512 signatures from a CA on Mozilla's list."
                )
            ]
        }
        // One cause, one id: a self-signed leaf is reported as such.
        if chain.leaf.parsed.isSelfSigned { return [] }
        let top = chain.top
        let storeName = "the trust store (\(trustRoots.count) root\(trustRoots.count == 1 ? "" : "s"))"
        // Only a leaf whose issuer is absent is a missing intermediate; an intermediate whose issuer is
        // unknown points at a root the store lacks (or a private CA), which is a trust problem.
        if chain.path.count == 1, !top.parsed.isSelfSigned, !trustRoots.subjects.contains(top.parsed.issuer) {
            return [
                Finding(
                    id: ID.missingIntermediate, severity: .error,
                    message:
                        "The server sent only the leaf certificate \(top.label); its issuer \(top.parsed.issuer.description) is neither sent nor a root in \(storeName). CloudFront drops the connection when the intermediate certificate is missing.",
                    fix:
                        "Send the full chain: the leaf followed by the intermediate certificate(s) your CA provides (the \"fullchain\" file), in that order."
                )
            ]
        }
        let cause: String
        if top.parsed.isSelfSigned {
            cause = "the chain ends at the self-signed certificate \(top.label), which is not in \(storeName)"
        } else if !trustRoots.subjects.contains(top.parsed.issuer) {
            cause = "the chain ends at \(top.label), whose issuer \(top.parsed.issuer.description) is not a root in \(storeName)"
        } else {
            cause = "no path from \(chain.leaf.label) to a root in \(storeName) could be verified"
        }
        let detail = trust.reasons.isEmpty ? "" : " Reason: " + trust.reasons.prefix(3).joined(separator: "; ") + "."
        return [
            Finding(
                id: ID.untrusted, severity: .error,
                message:
                    "The certificate is not trusted: \(cause).\(detail) CloudFront only accepts origin certificates from CAs on Mozilla's list.",
                fix:
                    "Use a certificate from a publicly trusted CA (Mozilla's list) and send its intermediates; for a private CA, pass its root with --ca-file to check the chain itself."
            )
        ]
    }
}

/// Collects the verifier's diagnostics (it reports through a synchronous callback during one validation).
private final class DiagnosticLog: @unchecked Sendable {
    private let lock = NSLock()
    private var diagnostics: [VerificationDiagnostic] = []

    /// Keeps the diagnostic; its text (costly: it describes whole certificates) is made only when asked for.
    func record(_ diagnostic: VerificationDiagnostic) {
        lock.lock()
        diagnostics.append(diagnostic)
        lock.unlock()
    }

    /// The diagnostics that say why something was rejected, without the search-progress chatter.
    var explanations: [String] {
        lock.lock()
        defer { lock.unlock() }
        let chatter = ["Searching", "Found", "Candidate issuer is already in", "Could not validate leaf"]
        let telling = diagnostics.map(\.description).filter { line in !chatter.contains { line.hasPrefix($0) } }
        return telling.suffix(3).map(CertificateAudit.shorten)
    }
}

/// Trust decisions of one run (one trust store, one audit time), keyed by the SHA-256 of the chain as sent.
package final class TrustCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [[UInt8]: CertificateAudit.TrustEvaluation] = [:]

    package init() {}

    func lookup(_ key: [UInt8]) -> CertificateAudit.TrustEvaluation? {
        lock.lock()
        defer { lock.unlock() }
        return entries[key]
    }

    func store(_ key: [UInt8], _ evaluation: CertificateAudit.TrustEvaluation) {
        lock.lock()
        defer { lock.unlock() }
        if entries.count > 10_000 { entries.removeAll() }  // bounded: a fleet of distinct certificates must not grow without end
        entries[key] = evaluation
    }
}
