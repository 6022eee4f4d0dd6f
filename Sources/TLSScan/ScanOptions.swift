import TLSCatalog

/// How to scan: what to send, how fast, and how politely.
package struct ScanOptions: Sendable {
    /// SNI to send; nil means the target host when it is a name, none for IP literals.
    package var serverName: String?
    package var deadlines = Deadlines()
    /// How long to wait for a name's DNS answer (getaddrinfo); the name is unresolved after that.
    package var dnsTimeout: Duration = ScanDefaults.dnsTimeout
    /// Probes in flight at once against one host.
    package var perHostConcurrency = ScanOptions.defaultPerHostConcurrency
    /// Six, as browsers open to one host: a 20 ms path scans a wide origin in 1.8 s instead of 2.5 s with four
    /// (docs/performance.md), and no origin that serves a browser sees more from tlsmatrix.
    package static let defaultPerHostConcurrency = 6
    /// Pause between the starts of two probes to the same host.
    package var delay: Duration = .zero
    /// The pause before the first retry of a probe whose connection was reset, closed bare or timed out; it doubles
    /// with each further retry (see ``ProbeConfirmation``).
    package var retryBackoff: Duration = ProbeConfirmation.baseBackoff
    /// Versions to enumerate (SSLv2 is detection only).
    package var versions: [TLSVersion] = TLSVersion.allCases
    /// Enumerate key-exchange groups.
    package var enumerateGroups = true
    /// TCP connection attempts before the origin counts as not responding (CloudFront's default is 3).
    package var connectAttempts = 3
    /// The origin's HTTP port, checked for reachability (CloudFront's default is 80); nil skips the check.
    package var httpPort: Int? = nil
    /// Confirm every accepted (version, suite) with a complete OpenSSL or GnuTLS handshake.
    package var crossCheck = true
    /// Also fetch the certificate without SNI, to see what SNI-less clients get.
    package var checkWithoutSNI = true
    /// Send each CloudFront generation's own ClientHello (one connection each) so its verdict is observed, not
    /// only predicted from the matrix.
    package var observeCloudFront = true
    /// With the simulation, send each client profile's own ClientHello (one connection per distinct hello), so
    /// its row is what the server answered, with the prediction from the matrix as a cross-check.
    package var observeClients = true
    /// What to test (`--checks`): every check by default. ``ScanPlan`` adds what a check needs (simulation needs
    /// suites and groups; suites, groups and certificates need the protocol versions).
    package var checks: Set<ScanCheck> = ScanCheck.all
    /// The origin's OriginSslProtocols setting the CloudFront hellos are built for.
    package var originProtocols: [TLSVersion] = [.tls12]
    /// Limits shared with other scans of the same run; nil gives this scan its own per-host gate.
    package var limits: ScanLimits?
    /// Told about every finished probe.
    package var observer: (any ScanObserver)?

    package init() {}
}
