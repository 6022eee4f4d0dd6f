import TLSCatalog
import TLSEngines

/// Enumerates what a TLS server accepts: versions, suites by elimination, preference, groups and certificates.
///
/// Cost: for each version, one handshake per accepted suite plus one refusal; one to learn the
/// preference order; for each group family, one per accepted group plus one.
public struct Scanner: Sendable {
    public let options: ScanOptions
    let engine: any HandshakeEngine

    public init(options: ScanOptions = ScanOptions(), engine: any HandshakeEngine = WireEngine()) {
        self.options = options
        self.engine = engine
    }

    /// Scans one target end to end. Never throws: every failure is part of the result.
    public func scan(_ target: Target) async -> ScanResult {
        let clock = ContinuousClock()
        let start = clock.now
        var result = ScanResult(target: target, reachability: .reachable)
        let addresses: [String]
        do {
            addresses = try await Resolver.addresses(of: target.host)
        } catch {
            result.reachability = .unresolved(String(describing: error))
            return result
        }
        guard let address = addresses.first else {
            result.reachability = .unresolved("host '\(target.host)' has no addresses")
            return result
        }
        result.address = address
        let serverName = options.serverName ?? (Resolver.isIPLiteral(target.host) ? nil : target.host)
        result.serverName = serverName
        let endpoint = Endpoint(host: target.host, address: address, port: target.port)
        let session = ProbeSession(engine: engine, endpoint: endpoint, options: options, serverName: serverName)
        await session.run(into: &result)
        result.elapsedSeconds = Self.seconds(clock.now - start)
        return result
    }

    static func seconds(_ duration: Duration) -> Double {
        let (s, atto) = duration.components
        return Double(s) + Double(atto) / 1e18
    }
}
