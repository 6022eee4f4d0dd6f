import TLSCatalog
import TLSModel

/// Which engine enumerates.
package enum EngineChoice: String, Sendable, CaseIterable {
    /// The raw ClientHello engine, cross-checked by OpenSSL/GnuTLS unless turned off.
    case wire
    case openssl
    case gnutls
    /// Every engine enumerates alone, then the results are merged and compared.
    case all
}

/// The result for one line of a target list: one scan per address scanned.
package struct FleetEntry: Sendable {
    package var spec: TargetSpec
    /// Position in the (sharded) list, from 0.
    package var position: Int
    /// One scan, or one per address with `--all-ips`, with an `addresses-differ` finding when they disagree.
    package var scans: [ScanResult]
}

/// A target after name resolution: the addresses to scan, or why its name did not resolve.
package struct ResolvedTarget: Sendable {
    package var spec: TargetSpec
    /// The first address, or with `--all-ips` every address up to the cap; empty when unresolved.
    package var addresses: [String]
    /// Why the name did not resolve (the resolver's reason, or its deadline); nil when it did.
    package var failure: String?
    /// Addresses beyond `--max-addresses`, not scanned.
    package var skipped: [String]

    package init(spec: TargetSpec, addresses: [String], failure: String? = nil, skipped: [String] = []) {
        self.spec = spec
        self.addresses = addresses
        self.failure = failure
        self.skipped = skipped
    }
}

/// Scans many targets with shared limits, handing each result over as soon as it is complete.
package struct FleetScanner: Sendable {
    package typealias Resolve = @Sendable (String) async throws -> [String]

    package let options: ScanOptions
    /// The engines and resolver the program hands in.
    package let environment: any ScanEnvironment
    package let engine: EngineChoice
    /// Targets scanned at the same time.
    package let targetsInFlight: Int
    let resolve: Resolve

    /// Names looked up at the same time.
    package static let lookupsInFlight = 16
    /// Addresses scanned per name with `--all-ips` unless told otherwise.
    package static let defaultMaxAddresses = 16

    /// `options.limits` must be set; it bounds probes across all targets. `resolve` defaults to the
    /// system resolver with `options.dnsTimeout` per name.
    package init(
        options: ScanOptions, environment: any ScanEnvironment, engine: EngineChoice = .wire, targetsInFlight: Int,
        resolve: Resolve? = nil
    ) {
        self.options = options
        self.environment = environment
        self.engine = engine
        self.targetsInFlight = max(1, targetsInFlight)
        let timeout = options.dnsTimeout
        self.resolve = resolve ?? { try await environment.addresses(of: $0, timeout: timeout) }
    }

    /// Resolves every distinct name, `lookupsInFlight` at a time, each within its deadline. A name that
    /// does not resolve becomes that target's result (nothing else stops). With `allAddresses` each
    /// target keeps up to `maxAddresses` addresses (the rest are listed as skipped), otherwise the first.
    package func resolveAll(
        _ specs: [TargetSpec], allAddresses: Bool,
        maxAddresses: Int = FleetScanner.defaultMaxAddresses
    ) async -> [ResolvedTarget] {
        var hosts: [String] = []
        for host in specs.map(\.target.host) where !hosts.contains(host) { hosts.append(host) }
        let resolve = self.resolve
        var answers: [String: Result<[String], TLSMatrixError>] = [:]
        await withTaskGroup(of: (String, Result<[String], TLSMatrixError>).self) { group in
            var next = 0
            func startNext() {
                guard next < hosts.count else { return }
                let host = hosts[next]
                next += 1
                group.addTask {
                    do {
                        let addresses = try await resolve(host)
                        guard !addresses.isEmpty else {
                            return (host, .failure(TLSMatrixError(.nameNotResolved, "host '\(host)' has no addresses")))
                        }
                        return (host, .success(addresses))
                    } catch let failure as TLSMatrixError {
                        return (host, .failure(failure))
                    } catch {
                        return (host, .failure(TLSMatrixError(.nameNotResolved, "cannot resolve host '\(host)': \(error)")))
                    }
                }
            }
            for _ in 0..<min(Self.lookupsInFlight, hosts.count) { startNext() }
            while let (host, answer) = await group.next() {
                answers[host] = answer
                startNext()
            }
        }
        let cap = max(1, maxAddresses)
        return specs.map { spec in
            switch answers[spec.target.host] {
            case .success(let all)?:
                guard allAddresses else { return ResolvedTarget(spec: spec, addresses: [all[0]]) }
                return ResolvedTarget(spec: spec, addresses: Array(all.prefix(cap)), skipped: Array(all.dropFirst(cap)))
            case .failure(let failure)?:
                return ResolvedTarget(spec: spec, addresses: [], failure: failure.description)
            case nil:
                return ResolvedTarget(spec: spec, addresses: [], failure: "host '\(spec.target.host)' was not looked up")
            }
        }
    }

    /// Scans every target, at most `targetsInFlight` at a time, and calls `deliver` once per target
    /// as soon as all of its addresses are done (in completion order).
    package func run(_ targets: [ResolvedTarget], deliver: @escaping @Sendable (FleetEntry) async -> Void) async {
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
        let library = environment.libraries.first { $0.kind.rawValue == engine.rawValue }
        let scanner = Scanner(options: scanOptions, environment: environment, engine: library)
        if let failure = item.failure {
            return FleetEntry(spec: item.spec, position: position, scans: [scanner.unresolved(item.spec.target, reason: failure)])
        }
        var byIndex: [Int: ScanResult] = [:]
        await withTaskGroup(of: (Int, ScanResult).self) { group in
            for (index, address) in item.addresses.enumerated() {
                group.addTask {
                    (
                        index,
                        engine == .all
                            ? await scanner.scanWithEveryEngine(item.spec.target, address: address)
                            : await scanner.scan(item.spec.target, address: address)
                    )
                }
            }
            for await (index, scan) in group { byIndex[index] = scan }
        }
        var scans = item.addresses.indices.compactMap { byIndex[$0] }  // in the resolver's order
        AddressConsistency.annotate(&scans)
        if !item.skipped.isEmpty {
            let total = item.addresses.count + item.skipped.count
            let shown = item.skipped.prefix(10).joined(separator: ", ") + (item.skipped.count > 10 ? ", …" : "")
            let finding = Finding(
                id: "addresses-skipped", severity: .warning,
                message:
                    "\(item.spec.target.host) has \(total) addresses; --max-addresses \(item.addresses.count) scanned the first \(item.addresses.count) and skipped \(item.skipped.count): \(shown)."
            )
            for index in scans.indices { scans[index].findings.append(finding) }
        }
        return FleetEntry(spec: item.spec, position: position, scans: scans)
    }
}
