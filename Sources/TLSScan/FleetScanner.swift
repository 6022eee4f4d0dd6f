import TLSEngines

/// Which engine enumerates.
public enum EngineChoice: String, Sendable, CaseIterable {
    /// The raw ClientHello engine, cross-checked by OpenSSL/GnuTLS unless turned off.
    case wire
    case openssl
    case gnutls
    /// Every engine enumerates alone, then the results are merged and compared.
    case all
}

/// The result for one line of a target list: one scan per address scanned.
public struct FleetEntry: Sendable {
    public var spec: TargetSpec
    /// Position in the (sharded) list, from 0.
    public var position: Int
    /// One scan, or one per address with `--all-ips`, with an `addresses-differ` finding when they disagree.
    public var scans: [ScanResult]
}

/// A target whose name resolved, with the addresses to scan.
public struct ResolvedTarget: Sendable {
    public var spec: TargetSpec
    public var addresses: [String]
}

/// Scans many targets with shared limits, handing each result over as soon as it is complete.
public struct FleetScanner: Sendable {
    public typealias Resolve = @Sendable (String) async throws -> [String]

    public let options: ScanOptions
    public let engine: EngineChoice
    /// Targets scanned at the same time.
    public let targetsInFlight: Int
    let resolve: Resolve

    /// `options.limits` must be set; it bounds probes across all targets.
    public init(options: ScanOptions, engine: EngineChoice = .wire, targetsInFlight: Int,
                resolve: @escaping Resolve = { try await Resolver.addresses(of: $0) }) {
        self.options = options
        self.engine = engine
        self.targetsInFlight = max(1, targetsInFlight)
        self.resolve = resolve
    }

    public struct ResolveError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Resolves every name before any probe, so a typo in line 400 stops the run before it starts.
    /// With `allAddresses` each target keeps every address, otherwise the first.
    public func resolveAll(_ specs: [TargetSpec], allAddresses: Bool) async throws(ResolveError) -> [ResolvedTarget] {
        var cache: [String: [String]] = [:]
        var resolved: [ResolvedTarget] = []
        for spec in specs {
            let host = spec.target.host
            var addresses = cache[host]
            if addresses == nil {
                do {
                    addresses = try await resolve(host)
                } catch {
                    throw ResolveError(description: "\(spec.origin.isEmpty ? "" : spec.origin + ": ")\(error)")
                }
                cache[host] = addresses
            }
            guard let all = addresses, let first = all.first else {
                throw ResolveError(description: "\(spec.origin.isEmpty ? "" : spec.origin + ": ")host '\(host)' has no addresses")
            }
            resolved.append(ResolvedTarget(spec: spec, addresses: allAddresses ? all : [first]))
        }
        return resolved
    }

    /// Scans every target, at most `targetsInFlight` at a time, and calls `deliver` once per target
    /// as soon as all of its addresses are done (in completion order).
    public func run(_ targets: [ResolvedTarget], deliver: @escaping @Sendable (FleetEntry) async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            var next = 0
            func startNext() {
                guard next < targets.count else { return }
                let position = next
                let item = targets[position]
                next += 1
                group.addTask {
                    let entry = await scanEntry(item, position: position)
                    await deliver(entry)
                }
            }
            for _ in 0..<min(targetsInFlight, targets.count) { startNext() }
            while await group.next() != nil { startNext() }
        }
    }

    func scanEntry(_ item: ResolvedTarget, position: Int) async -> FleetEntry {
        var scanOptions = options
        if let name = item.spec.serverName { scanOptions.serverName = name }
        let scanner: Scanner
        switch engine {
        case .openssl: scanner = Scanner(options: scanOptions, engine: OpenSSLEngine())
        case .gnutls: scanner = Scanner(options: scanOptions, engine: GnuTLSEngine())
        case .wire, .all: scanner = Scanner(options: scanOptions)
        }
        var byIndex: [Int: ScanResult] = [:]
        await withTaskGroup(of: (Int, ScanResult).self) { group in
            for (index, address) in item.addresses.enumerated() {
                group.addTask {
                    (index, engine == .all ? await scanner.scanWithEveryEngine(item.spec.target, address: address)
                        : await scanner.scan(item.spec.target, address: address))
                }
            }
            for await (index, scan) in group { byIndex[index] = scan }
        }
        var scans = item.addresses.indices.compactMap { byIndex[$0] }  // in the resolver's order
        AddressConsistency.annotate(&scans)
        return FleetEntry(spec: item.spec, position: position, scans: scans)
    }
}
