import TLSModel
/// The result of auditing one certificate chain.
package struct ChainReport: Sendable, Equatable {
    /// The certificates that could be decoded, in the order the server sent them; each knows its `position`
    /// in the list as sent.
    package var certificates: [CertificateInfo]
    /// The sent certificates that could not be decoded, by position.
    package var undecodable: [UndecodableCertificate] = []
    /// Every problem found, each with a stable id (see ``Finding/ID``).
    package var findings: [Finding]
    /// Whether a path to a root in the trust store exists and every link of it was verified; nil when trust is
    /// unknown: not evaluated (no usable certificate, an empty trust store) or a link that could not be checked.
    package var trusted: Bool?
    /// The path the verifier built, leaf first and ending at the trusted root, when `trusted` is true.
    package var validatedPath: [CertificateInfo]?
    /// Which of `certificates` is the end-entity certificate: normally 0, but the audit recognises a leaf sent
    /// in the wrong place. nil when there is no certificate.
    package var leafIndex: Int?

    package init(
        certificates: [CertificateInfo] = [], findings: [Finding] = [], trusted: Bool? = nil,
        validatedPath: [CertificateInfo]? = nil, leafIndex: Int? = nil
    ) {
        self.certificates = certificates
        self.leafIndex = leafIndex
        self.findings = findings
        self.trusted = trusted
        self.validatedPath = validatedPath
    }

    /// How reports name the trust decision: "trusted", "NOT TRUSTED", "trust unknown" (a link could not be
    /// verified) or "trust not checked".
    package var trustLabel: String {
        switch trusted {
        case true?: "trusted"
        case false?: "NOT TRUSTED"
        case nil: findingIDs.contains(Finding.ID.unverifiable) ? "trust unknown" : "trust not checked"
        }
    }

    /// The set of finding ids, handy for verdicts and tests.
    package var findingIDs: Set<String> { Set(findings.map(\.id)) }

    /// The end-entity certificate, wherever it was sent.
    package var leaf: CertificateInfo? { leafIndex.map { certificates[$0] } }

    /// The most severe finding's severity, nil when there are no findings.
    package var worstSeverity: Severity? { findings.map(\.severity).max() }
}

/// A sent certificate that could not be decoded: where it was and why.
package struct UndecodableCertificate: Sendable, Equatable {
    /// 0-based position in the list as sent.
    package var position: Int
    package var reason: String

    package init(position: Int, reason: String) {
        self.position = position
        self.reason = reason
    }
}
