import Foundation
import SwiftASN1
@_spi(FixedExpiryValidationTime) @_spi(DisableValidityCheck) import X509

/// Trust: can a path be built from the leaf, through the sent certificates, to a root of the trust store?
extension CertificateAudit {
    /// What the verifier concluded.
    struct TrustEvaluation: Sendable {
        var trusted: Bool
        /// Leaf … root, when trusted.
        var path: [ParsedCertificate]?
        /// swift-certificates' explanation when not trusted.
        var reasons: [String]
    }

    /// `evaluateTrust`, remembered per chain (as sent) when a cache is shared by the run.
    func cachedTrust(_ chain: ChainStructure) async -> TrustEvaluation {
        guard let trustCache else { return await evaluateTrust(chain) }
        let key = chain.sent.map(\.parsed.der)
        if let known = trustCache.lookup(key) { return known }
        let evaluation = await evaluateTrust(chain)
        trustCache.store(key, evaluation)
        return evaluation
    }

    /// Runs swift-certificates' `Verifier` with `RFC5280Policy` only (names are checked separately) at `now`.
    /// When that fails it tries again without the validity-window check, so an expired or not-yet-valid chain
    /// that is otherwise sound counts as trusted (its dates have their own findings).
    func evaluateTrust(_ chain: ChainStructure) async -> TrustEvaluation {
        // swift-certificates refuses some certificates (RSA keys under 2048 bits, unknown key types). Start the
        // verifier at the first certificate on the path it can use; the ones before it were already checked to be
        // signed by their successor when the path was built.
        var skipped: [ParsedCertificate] = []
        var start: Certificate?
        for certificate in chain.pathCertificates {
            if let x509 = certificate.parsed.x509 { start = x509; break }
            skipped.append(certificate.parsed)
        }
        guard let start else {
            return TrustEvaluation(trusted: false, path: nil, reasons: [
                "swift-certificates cannot use \(skipped.last?.subject.description ?? "the certificate") (unsupported key type or an RSA key under 2048 bits), so no path could be verified"])
        }
        let intermediates = CertificateStore(chain.sent.compactMap(\.parsed.x509).filter { $0 != start })

        var result = await validate(start, intermediates: intermediates, at: now)
        if result.chain == nil {
            // Dates have their own findings: if the only obstacle is a validity window, the path still counts.
            let undated = await validate(start, intermediates: intermediates, at: nil)
            if undated.chain != nil { result = undated }
        }
        guard let path = result.chain else {
            return TrustEvaluation(trusted: false, path: nil, reasons: result.reasons)
        }
        let parsed = path.compactMap { certificate -> ParsedCertificate? in
            if let sent = chain.sent.first(where: { $0.parsed.x509 == certificate }) { return sent.parsed }
            var serializer = DER.Serializer()
            guard (try? serializer.serialize(certificate)) != nil else { return nil }
            return try? ParsedCertificate(der: serializer.serializedBytes)
        }
        return TrustEvaluation(trusted: true, path: skipped + parsed, reasons: [])
    }

    /// One verifier run: the validated chain, or the verifier's reasons.
    private func validate(_ leaf: Certificate, intermediates: CertificateStore,
                          at time: Date?) async -> (chain: [Certificate]?, reasons: [String]) {
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
        guard let pattern = try? NSRegularExpression(
            pattern: #"Certificate\(version: .*?subject: "([^"]*)".*?extensions: \[.*?\]\)"#) else { return reason }
        let range = NSRange(reason.startIndex..., in: reason)
        return pattern.stringByReplacingMatches(in: reason, range: range, withTemplate: "\"$1\"")
    }

    func trustFindings(_ chain: ChainStructure, trust: TrustEvaluation) -> [CertificateFinding] {
        guard !trust.trusted else { return [] }
        // One cause, one id: a self-signed leaf is reported as such.
        if chain.leaf.parsed.isSelfSigned { return [] }
        let top = chain.top
        let storeName = "the trust store (\(trustRoots.count) root\(trustRoots.count == 1 ? "" : "s"))"
        // Only a leaf whose issuer is absent is a missing intermediate; an intermediate whose issuer is
        // unknown points at a root the store lacks (or a private CA), which is a trust problem.
        if chain.path.count == 1, !top.parsed.isSelfSigned, !trustRoots.subjects.contains(top.parsed.issuer) {
            let what = chain.path.count == 1
                ? "The server sent only the leaf certificate \(top.label); its issuer \(top.parsed.issuer.description)"
                : "The chain stops at \(top.label); its issuer \(top.parsed.issuer.description)"
            return [CertificateFinding(
                id: ID.missingIntermediate, severity: .error,
                message: "\(what) is neither sent nor a root in \(storeName). CloudFront drops the connection when the intermediate certificate is missing.",
                fix: "Send the full chain: the leaf followed by the intermediate certificate(s) your CA provides (the \"fullchain\" file), in that order.")]
        }
        let cause: String
        if top.parsed.isSelfSigned {
            cause = "the chain ends at the self-signed certificate \(top.label), which is not in \(storeName)"
        } else if !trustRoots.subjects.contains(top.parsed.issuer) {
            cause = "the chain ends at \(top.label), whose issuer \(top.parsed.issuer.description) is not a root in \(storeName)"
        } else {
            cause = "no path from \(chain.leaf.label) to a root in \(storeName) could be verified"
        }
        let detail = trust.reasons.isEmpty ? "" : " Verifier: " + trust.reasons.prefix(3).joined(separator: "; ") + "."
        return [CertificateFinding(
            id: ID.untrusted, severity: .error,
            message: "The certificate is not trusted: \(cause).\(detail) CloudFront only accepts origin certificates from CAs on Mozilla's list.",
            fix: "Use a certificate from a publicly trusted CA (Mozilla's list) and send its intermediates; for a private CA, pass its root with --ca-file to check the chain itself.")]
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

/// Trust decisions of one run (one trust store, one audit time), keyed by the chain as sent.
public final class TrustCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [[[UInt8]]: CertificateAudit.TrustEvaluation] = [:]

    public init() {}

    func lookup(_ key: [[UInt8]]) -> CertificateAudit.TrustEvaluation? {
        lock.lock()
        defer { lock.unlock() }
        return entries[key]
    }

    func store(_ key: [[UInt8]], _ evaluation: CertificateAudit.TrustEvaluation) {
        lock.lock()
        defer { lock.unlock() }
        if entries.count > 10_000 { entries.removeAll() }  // bounded: a fleet of distinct certificates must not grow without end
        entries[key] = evaluation
    }
}
