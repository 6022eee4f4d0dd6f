/// The result of auditing one certificate chain.
public struct ChainReport: Sendable, Equatable {
    /// The certificates that could be decoded, in the order the server sent them.
    public var certificates: [CertificateInfo]
    /// Every problem found, each with a stable id (see ``CertificateFinding/ID``).
    public var findings: [CertificateFinding]
    /// Whether a path to a root in the trust store exists; nil when trust was not evaluated
    /// (no usable certificate, or an empty trust store).
    public var trusted: Bool?
    /// The path the verifier built, leaf first and ending at the trusted root, when `trusted` is true.
    public var validatedPath: [CertificateInfo]?
    /// Which of `certificates` is the end-entity certificate: normally 0, but the audit recognises a leaf sent
    /// in the wrong place. nil when there is no certificate.
    public var leafIndex: Int?

    public init(certificates: [CertificateInfo] = [], findings: [CertificateFinding] = [], trusted: Bool? = nil,
                validatedPath: [CertificateInfo]? = nil, leafIndex: Int? = nil) {
        self.certificates = certificates
        self.leafIndex = leafIndex
        self.findings = findings
        self.trusted = trusted
        self.validatedPath = validatedPath
    }

    /// The set of finding ids, handy for verdicts and tests.
    public var findingIDs: Set<String> { Set(findings.map(\.id)) }

    /// The end-entity certificate, wherever it was sent.
    public var leaf: CertificateInfo? { leafIndex.map { certificates[$0] } }

    /// The most severe finding's severity, nil when there are no findings.
    public var worstSeverity: CertificateFinding.Severity? { findings.map(\.severity).max() }
}
