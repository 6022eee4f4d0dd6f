import TLSCatalog

/// The real machine: the wire engine, OpenSSL and GnuTLS as linked here, the system resolver and NIO's TCP
/// connects. What the program hands to the enumerator (see ``ScanEnvironment``).
package struct SystemEnvironment: ScanEnvironment {
    package init() {}

    package var wire: any HandshakeEngine { WireEngine() }

    package var helloObserver: (any HelloObserver)? { WireEngine() }

    package var libraries: [any HandshakeEngine] { [OpenSSLEngine(), GnuTLSEngine()] }

    package func canOffer(_ engine: EngineKind, version: TLSVersion, suite: UInt16) -> Bool {
        EngineCapabilities.canOffer(engine, version: version, suite: suite)
    }

    package func prepare() async { await EngineCapabilities.warmUp() }

    package func addresses(of host: String, timeout: Duration) async throws -> [String] {
        try await Resolver.addresses(of: host, timeout: timeout)
    }

    package func connect(to endpoint: Endpoint, timeout: Duration) async -> String? {
        switch await TCPTransport().connectOnly(to: endpoint, timeout: timeout) {
        case nil: nil
        case .timedOut?: "TCP connect timed out"
        case .connectFailed(let why)?: why
        case .localError(let why)?: why
        default: "TCP connect failed"
        }
    }
}
