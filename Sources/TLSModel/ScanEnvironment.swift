import TLSCatalog

/// What the enumerator needs from the machine it runs on: the engines, what they can offer, name resolution and
/// plain TCP connects. TLSScan knows only this protocol; the program hands it the real one (TLSEngines'
/// `SystemEnvironment`: the wire engine, OpenSSL, GnuTLS, the system resolver), so the enumerator links no sockets
/// or C libraries itself and a test can hand it engines of its own.
public protocol ScanEnvironment: Sendable {
    /// The raw ClientHello prober: the default engine of a scan.
    var wire: any HandshakeEngine { get }
    /// The real TLS libraries that confirm what the wire engine found, in the order they are asked.
    var libraries: [any HandshakeEngine] { get }
    /// Whether `engine` can put `suite` in a ClientHello for `version` on this machine.
    func canOffer(_ engine: EngineKind, version: TLSVersion, suite: UInt16) -> Bool
    /// Learns what the libraries can offer (once per process), before they are asked to confirm anything.
    func prepare() async
    /// Every address of `host`, IPv4 first (an IP literal is its own address), or an error saying why not,
    /// within `timeout`.
    func addresses(of host: String, timeout: Duration) async throws -> [String]
    /// One TCP connect (nothing sent): nil when it connected, else why not.
    func connect(to endpoint: Endpoint, timeout: Duration) async -> String?
}

/// Defaults shared by the enumerator and the resolver.
public enum ScanDefaults {
    /// How long a name's DNS answer is waited for unless the user says otherwise.
    public static let dnsTimeout: Duration = .seconds(10)
}

/// Why a name has no address to scan: the resolver's reason (a complete sentence naming the host).
public struct ResolutionFailure: Error, Sendable, CustomStringConvertible {
    public let description: String
    /// No answer within the deadline (rather than an answer that the name has no address).
    public let timedOut: Bool

    public init(description: String, timedOut: Bool = false) {
        self.description = description
        self.timedOut = timedOut
    }
}
