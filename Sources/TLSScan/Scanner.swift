@_exported import TLSModel
import TLSCatalog
import TLSModel

/// Enumerates what a TLS server accepts: versions, suites by elimination, preference, groups and certificates.
///
/// Cost: for each version, one handshake per accepted suite plus one refusal; one to learn the
/// preference order; for each group family, one per accepted group plus one.
package struct Scanner: Sendable {
    package let options: ScanOptions
    /// The engines, resolver and connects the program handed in.
    package let environment: any ScanEnvironment
    let engine: any HandshakeEngine

    /// - Parameters:
    ///   - environment: the machine's engines and resolver (`SystemEnvironment()` from TLSEngines).
    ///   - engine: the engine that enumerates; the environment's wire engine when nil.
    package init(options: ScanOptions = ScanOptions(), environment: any ScanEnvironment, engine: (any HandshakeEngine)? = nil) {
        self.options = options
        self.environment = environment
        self.engine = engine ?? environment.wire
    }

    /// Scans one target end to end. Never throws: every failure is part of the result.
    package func scan(_ target: Target) async -> ScanResult {
        await scan(target, address: nil)
    }

    /// Scans one target at a given address (nil: the first address its name resolves to).
    package func scan(_ target: Target, address given: String?) async -> ScanResult {
        let clock = ContinuousClock()
        let start = clock.now
        var result = ScanResult(target: target, reachability: .reachable)
        let address: String
        switch await self.address(of: target, given: given) {
        case .success(let found): address = found
        case .failure(let why): return unresolved(target, reason: why.reason)
        }
        result.address = address
        let serverName = serverName(for: target)
        result.serverName = serverName
        let endpoint = Endpoint(host: target.host, address: address, port: target.port)
        let session = await ProbeSession(
            engine: engine, environment: environment, endpoint: endpoint, options: options,
            serverName: serverName)
        await session.run(into: &result)
        result.elapsedSeconds = Self.seconds(clock.now - start)
        return result
    }

    /// Why a target's name gave no address to connect to.
    package struct Unresolved: Error, Sendable {
        package var reason: String
    }

    /// `given`, or the first address `target`'s name resolves to within the DNS timeout.
    package func address(of target: Target, given: String? = nil) async -> Result<String, Unresolved> {
        if let given { return .success(given) }
        do {
            guard let first = try await environment.addresses(of: target.host, timeout: options.dnsTimeout).first else {
                return .failure(Unresolved(reason: "host '\(target.host)' has no addresses"))
            }
            return .success(first)
        } catch {
            return .failure(Unresolved(reason: String(describing: error)))
        }
    }

    /// One TCP port, as CloudFront tries it: up to the connect attempts, each within the connect timeout; `counted`
    /// runs after every attempt (connection bookkeeping, the progress bar).
    package func checkPort(_ endpoint: Endpoint, counted: () async -> Void = {}) async -> PortCheck {
        var failure: String?
        for _ in 0..<max(1, options.connectAttempts) {
            failure = await environment.connect(to: endpoint, timeout: options.deadlines.connect)
            await counted()
            if failure == nil { break }
        }
        return PortCheck(port: endpoint.port, open: failure == nil, detail: failure)
    }

    /// The SNI a scan of `target` sends: `--sni` (or the list's sni=), else the host when it is a name.
    func serverName(for target: Target) -> String? {
        options.serverName ?? (IPAddressText.isLiteral(target.host) ? nil : target.host)
    }

    /// The result for a target whose name did not resolve: no probe was made; `reason` is the resolver's.
    package func unresolved(_ target: Target, reason: String) -> ScanResult {
        var result = ScanResult(target: target, reachability: .unresolved(reason))
        result.serverName = serverName(for: target)
        result.connectAttempts = 0
        return result
    }

    /// A duration in seconds.
    package static func seconds(_ duration: Duration) -> Double {
        let (s, atto) = duration.components
        return Double(s) + Double(atto) / 1e18
    }
}

extension Scanner {
    /// Enumerates with the wire engine (cross-checked), then with OpenSSL and GnuTLS alone, and merges:
    /// a library's sighting adds to a cell's evidence; a suite a library got but the wire engine missed is a finding.
    package func scanWithEveryEngine(_ target: Target, address: String? = nil) async -> ScanResult {
        var merged = await scan(target, address: address)
        guard merged.reachability.isReachable else { return merged }
        var libraryOptions = options
        libraryOptions.enumerateGroups = false
        libraryOptions.checkWithoutSNI = false
        libraryOptions.crossCheck = false
        libraryOptions.httpPort = nil
        libraryOptions.observeCloudFront = false
        for library in environment.libraries {
            let other = await Scanner(options: libraryOptions, environment: environment, engine: library)
                .scan(target, address: merged.address)
            merged.connections += other.connections
            merged.probes.accepted += other.probes.accepted
            merged.probes.rejected += other.probes.rejected
            merged.probes.timedOut += other.probes.timedOut
            merged.probes.failed += other.probes.failed
            merged.undecided += other.undecided
            for proto in other.protocols {
                guard let p = merged.protocols.firstIndex(where: { $0.version == proto.version }) else { continue }
                for suite in proto.suites {
                    if let s = merged.protocols[p].suites.firstIndex(where: { $0.code == suite.code }) {
                        if !merged.protocols[p].suites[s].evidence.contains(library.kind) {
                            merged.protocols[p].suites[s].evidence.append(library.kind)
                        }
                    } else {
                        let name = Catalog.shared.suite(code: suite.code)?.displayName ?? CodePointFormat.hex(suite.code)
                        merged.findings.append(
                            Finding(
                                id: "wire-missed", severity: .error,
                                message:
                                    "\(proto.version) \(name): \(library.kind.rawValue) completed a handshake with it, but the wire engine did not find it."
                            ))
                    }
                }
            }
        }
        return merged
    }
}
