import TLSCatalog

/// What the enumerator needs from the machine it runs on: the engines, what they can offer, name resolution and
/// plain TCP connects. TLSScan knows only this protocol; the program hands it the real one (TLSEngines'
/// `SystemEnvironment`: the wire engine, OpenSSL, GnuTLS, the system resolver), so the enumerator links no sockets
/// or C libraries itself and a test can hand it engines of its own.
package protocol ScanEnvironment: Sendable {
    /// The raw ClientHello prober: the default engine of a scan.
    var wire: any HandshakeEngine { get }
    /// Sends named clients' own hellos (the observed CloudFront verdicts); nil when none can be sent here.
    var helloObserver: (any HelloObserver)? { get }
    /// The real TLS libraries that confirm what the wire engine found, in the order they are asked.
    var libraries: [any HandshakeEngine] { get }
    /// Whether `engine` can put `suite` in a ClientHello for `version` on this machine.
    func canOffer(_ engine: EngineKind, version: TLSVersion, suite: UInt16) -> Bool
    /// Learns what the libraries can offer (once per process), before they are asked to confirm anything.
    func prepare() async
    /// Every address of `host`, IPv4 first (an IP literal is its own address), within `timeout`; otherwise a
    /// ``TLSMatrixError`` saying why not (``TLSMatrixError/Code/nameNotResolved``, or
    /// ``TLSMatrixError/Code/nameResolutionTimedOut`` when no answer came in time).
    func addresses(of host: String, timeout: Duration) async throws -> [String]
    /// One TCP connect (nothing sent): nil when it connected, else why not.
    func connect(to endpoint: Endpoint, timeout: Duration) async -> String?
}

/// Defaults shared by the enumerator and the resolver.
package enum ScanDefaults {
    /// How long a name's DNS answer is waited for unless the user says otherwise.
    package static let dnsTimeout: Duration = .seconds(10)
}
