import TLSCatalog

/// How to scan: what to send, how fast, and how politely.
public struct ScanOptions: Sendable {
    /// SNI to send; nil means the target host when it is a name, none for IP literals.
    public var serverName: String?
    public var deadlines = Deadlines()
    /// How long to wait for a name's DNS answer (getaddrinfo); the name is unresolved after that.
    public var dnsTimeout: Duration = ScanDefaults.dnsTimeout
    /// Probes in flight at once against one host.
    public var perHostConcurrency = ScanOptions.defaultPerHostConcurrency
    /// Six, as browsers open to one host: a 20 ms path scans a wide origin in 1.8 s instead of 2.5 s with four
    /// (docs/performance.md), and no origin that serves a browser sees more from tlsmatrix.
    public static let defaultPerHostConcurrency = 6
    /// Pause between the starts of two probes to the same host.
    public var delay: Duration = .zero
    /// The pause before the first retry of a probe whose connection was reset, closed bare or timed out; it doubles
    /// with each further retry (see ``ProbeConfirmation``).
    public var retryBackoff: Duration = ProbeConfirmation.baseBackoff
    /// Versions to enumerate (SSLv2 is detection only).
    public var versions: [TLSVersion] = TLSVersion.allCases
    /// Enumerate key-exchange groups.
    public var enumerateGroups = true
    /// TCP connection attempts before the origin counts as not responding (CloudFront's default is 3).
    public var connectAttempts = 3
    /// The origin's HTTP port, checked for reachability (CloudFront's default is 80); nil skips the check.
    public var httpPort: Int? = nil
    /// Confirm every accepted (version, suite) with a complete OpenSSL or GnuTLS handshake.
    public var crossCheck = true
    /// Also fetch the certificate without SNI, to see what SNI-less clients get.
    public var checkWithoutSNI = true
    /// Send each CloudFront generation's own ClientHello (one connection each) so its verdict is observed, not
    /// only predicted from the matrix.
    public var observeCloudFront = true
    /// With the simulation, send each client profile's own ClientHello (one connection per distinct hello), so
    /// its row is what the server answered, with the prediction from the matrix as a cross-check.
    public var observeClients = true
    /// What to test (`--checks`): every check by default. ``ScanPlan`` adds what a check needs (simulation needs
    /// suites and groups; suites, groups and certificates need the protocol versions).
    public var checks: Set<ScanCheck> = ScanCheck.all
    /// The origin's OriginSslProtocols setting the CloudFront hellos are built for.
    public var originProtocols: [TLSVersion] = [.tls12]
    /// Limits shared with other scans of the same run; nil gives this scan its own per-host gate.
    public var limits: ScanLimits?
    /// Told about every finished probe.
    public var observer: (any ScanObserver)?

    public init() {}
}
