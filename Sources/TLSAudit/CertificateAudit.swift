import Foundation
import TLSModel

/// Audits a certificate chain as a TLS server sent it: names, validity, trust, chain structure, keys and signatures.
///
/// Every problem becomes one ``Finding`` with a stable id (see ``Finding/ID``), explained in
/// words and with a fix. Each underlying cause maps to exactly one id: a chain that cannot be trusted only because
/// the leaf is self-signed, an intermediate is missing, or a certificate is outside its validity window reports
/// that cause, not also "untrusted". Trust is decided by swift-certificates' `Verifier` with the RFC 5280 policy
/// (no name check: names have their own findings) at the audit time `now`.
///
/// ```swift
/// let audit = CertificateAudit(trustRoots: try .system())
/// let report = await audit.audit(chain: derCertificates, originDomain: "origin.example.com", hostHeader: nil)
/// ```
package struct CertificateAudit: Sendable {
    package let trustRoots: TrustStore
    /// The time validity and trust are judged at.
    package let now: Date
    /// `expires-soon` is reported when a certificate has fewer days left than this.
    package let warnDays: Int
    /// Remembers trust decisions per chain, so a fleet serving one certificate verifies it once.
    package let trustCache: TrustCache?

    package init(trustRoots: TrustStore, now: Date = Date(), warnDays: Int = 30, trustCache: TrustCache? = nil) {
        self.trustRoots = trustRoots
        self.now = now
        self.warnDays = warnDays
        self.trustCache = trustCache
    }

    /// Audits one chain.
    /// - Parameters:
    ///   - der: The certificates in the order the server sent them (DER each).
    ///   - originDomain: The origin domain name the certificate must cover ("name-mismatch" otherwise).
    ///   - hostHeader: When the Host header is forwarded, its value: the certificate must cover it too
    ///     ("host-header-mismatch" otherwise). A port suffix is ignored; a Host header equal to the origin
    ///     domain is checked once, as the origin domain.
    /// - Returns: The decoded certificates, the findings, and the trust decision (nil with an empty trust store).
    package func audit(chain der: [[UInt8]], originDomain: String?, hostHeader: String?) async -> ChainReport {
        // Decoding, chain structure and the name/date/key checks are CPU work on data the server chose: they run
        // on a thread of their own, never on the cooperative pool that drives every other probe and the signal handler.
        let (prepared, structure) = await DedicatedThread.run(name: "tlsmatrix-audit") {
            prepare(der, originDomain: originDomain, hostHeader: hostHeader)
        }
        var report = prepared
        guard let structure else { return report }
        if trustRoots.isEmpty {
            report.findings.append(
                Finding(
                    id: ID.trustNotChecked, severity: .error,
                    message: "Trust was not checked: the trust store holds no roots.",
                    fix: "Install the system CA bundle (ca-certificates) or pass the roots to trust with --ca-file."))
            return report
        }
        let trust = await cachedTrust(structure)
        report.trusted = trust.trusted
        report.validatedPath = trust.path?.map { $0.info(at: now) }
        report.findings += trustFindings(structure, trust: trust)
        // Dates of the store's certificates used by the path (the sent ones were checked above).
        let unsent = (trust.path ?? []).filter { certificate in !structure.sent.contains { $0.parsed.der == certificate.der } }
        report.findings += validityFindings(unsent.map { ("Trust-store certificate \($0.subject.description)", $0) })
        return report
    }

    /// At most this many certificates of a chain are analysed (longer chains are cut, with a finding).
    package static let maxChainCertificates = 20
    /// At most this many bytes of certificates are analysed.
    package static let maxChainBytes = 128 * 1024

    /// Everything but trust: decoding (within the caps), structure, names, dates, keys and signature algorithms.
    private func prepare(_ der: [[UInt8]], originDomain: String?, hostHeader: String?) -> (ChainReport, ChainStructure?) {
        var report = ChainReport()
        guard !der.isEmpty else {
            report.findings.append(
                Finding(
                    id: ID.noCertificate, severity: .error,
                    message: "The server sent no certificate.",
                    fix: "Configure a certificate (and its intermediates) for this name on the server."))
            return (report, nil)
        }
        var analysed = 0
        var bytes = 0
        for certificate in der {
            guard analysed < Self.maxChainCertificates, bytes + certificate.count <= Self.maxChainBytes else { break }
            analysed += 1
            bytes += certificate.count
        }
        if analysed < der.count {
            let total = der.reduce(0) { $0 + $1.count }
            report.findings.append(
                Finding(
                    id: ID.chainTooLong, severity: .error,
                    message:
                        "The server sent \(der.count) certificates (\(total) bytes); only the first \(analysed) were analysed (limits: \(Self.maxChainCertificates) certificates, \(Self.maxChainBytes / 1024) KiB). Real chains have 2–4 certificates.",
                    fix: "Send only the leaf certificate and its intermediates."))
        }

        // Decode; an undecodable certificate is reported (and kept in the report by position) but left out of the analysis.
        var sent: [SentCertificate] = []
        for (position, bytes) in der.prefix(analysed).enumerated() {
            do {
                sent.append(SentCertificate(position: position, parsed: try ParsedCertificate(der: bytes)))
            } catch {
                report.undecodable.append(UndecodableCertificate(position: position, reason: "\(error)"))
                report.findings.append(
                    Finding(
                        id: ID.unparseableCertificate, severity: .error,
                        message:
                            "Certificate #\(position + 1) of \(der.count) as sent (\(bytes.count) bytes) could not be decoded: \(error).",
                        fix: "Send DER X.509 certificates; check the server's certificate file for corruption or a non-certificate block."))
            }
        }
        report.certificates = sent.map { $0.parsed.info(at: now, position: $0.position) }
        guard !sent.isEmpty else { return (report, nil) }

        let structure = ChainStructure(sent: sent)
        report.leafIndex = structure.leafIndex
        report.findings += structureFindings(structure)
        let leaf = structure.leaf.parsed
        report.findings += nameFindings(leaf: leaf, originDomain: originDomain, hostHeader: hostHeader)
        report.findings += validityFindings(structure)
        report.findings += keyAndSignatureFindings(structure)
        return (report, structure)
    }
}

/// A decoded certificate and where it was in the sent list.
struct SentCertificate: Sendable {
    /// 0-based position in the list as sent (counting undecodable ones).
    var position: Int
    var parsed: ParsedCertificate

    /// "#2 (CN=…)" — how messages name a certificate.
    var label: String { "#\(position + 1) (\(parsed.subject.description))" }
}
