import Foundation
import TLSCatalog
import TLSEngines
@testable import TLSScan
import TestSupport
import Testing

/// Names resolved by the scanner itself: each lookup has its own deadline, lookups run concurrently, and
/// `--all-ips` scans at most `--max-addresses` addresses per name (the program's runs: tlsmatrixCLITests/DNSTests).
/// The deadline is tested on the resolver with an injected slow lookup, since the only network path there
/// is getaddrinfo itself. Failing names are `*.invalid` (RFC 6761: never exists).
@Suite(.serialized) struct ResolverTests {
    static let missing = "nonexistent.invalid"

    // MARK: deadline and concurrency (the resolver, with an injected blocking lookup)

    @Test func testDNSDeadlineStopsWaitingForASlowLookup() async throws {
        // A lookup that does not answer until the test lets it go (at the latest after 120 s): the call must come
        // back with the deadline error while the lookup is still held. Proven by order, not by wall time, so a test
        // process whose cooperative threads are busy with other tests cannot make it fail or pass by accident.
        let gate = LookupGate()
        let slow: Resolver.Lookup = { _ in
            gate.wait(atMost: 120)
            return ["127.0.0.1"]
        }
        do {
            _ = try await Resolver.addresses(of: "slow.invalid", timeout: .milliseconds(300), lookup: slow)
            Issue.record("a lookup past its deadline must fail")
        } catch let failure as TLSMatrixError {
            #expect(failure.code == .nameResolutionTimedOut)
            #expect(failure.description == "cannot resolve host 'slow.invalid': no answer within 0.3 s (--dns-timeout)")
        }
        #expect(!gate.released, "the call waited for the lookup instead of its deadline")
        gate.release()

        let fast = try await Resolver.addresses(of: "fast.invalid", timeout: .seconds(5), lookup: { _ in ["127.0.0.9", "::1"] })
        #expect(fast == ["127.0.0.9", "::1"])
        do {
            _ = try await Resolver.addresses(
                of: "nx.invalid", timeout: .seconds(5),
                lookup: { host in throw TLSMatrixError(.nameNotResolved, "cannot resolve host '\(host)': NXDOMAIN") })
            Issue.record("a failing lookup must fail")
        } catch let failure as TLSMatrixError {
            #expect(failure.code == .nameNotResolved && failure.description.hasSuffix("NXDOMAIN"))
        }
        // the real getaddrinfo: localhost resolves, an .invalid name does not
        #expect(try await Resolver.addresses(of: "localhost", timeout: .seconds(10)).contains("127.0.0.1"))
        await #expect(throws: TLSMatrixError(.nameNotResolved)) { try await Resolver.addresses(of: Self.missing, timeout: .seconds(10)) }
    }

    /// 20 names looked up by a fleet: each lookup waits (at most 10 s) until 16 lookups are running at
    /// once, so one-at-a-time resolution could never get there; a name whose lookup hangs gets its own
    /// deadline failure and the others resolve.
    @Test func testDNSLookupsRunConcurrentlyEachWithItsDeadline() async throws {
        let barrier = Barrier(count: FleetScanner.lookupsInFlight)
        var options = ScanOptions()
        options.limits = ScanLimits(globalConcurrency: 4, perHostConcurrency: 4, delay: .zero)
        let fleet = FleetScanner(
            options: options, environment: SystemEnvironment(), targetsInFlight: 1,
            resolve: { host in
                try await Resolver.addresses(
                    of: host, timeout: host.hasPrefix("hang") ? .milliseconds(300) : .seconds(30),
                    lookup: { name in
                        if name.hasPrefix("hang") {
                            Thread.sleep(forTimeInterval: 60)
                            return ["127.0.0.1"]
                        }
                        return barrier.arriveAndWait(upTo: 10) ? ["127.0.0.1"] : []
                    })
            })
        let specs =
            (0..<20).map { TargetSpec(target: Target(host: "n\($0).invalid", port: 443)) }
            + [TargetSpec(target: Target(host: "hang.invalid", port: 443))]
        let resolved = await fleet.resolveAll(specs, allAddresses: false)
        #expect(resolved.count == 21)
        #expect(barrier.wasReached, "16 lookups never ran at the same time")
        for item in resolved.dropLast() {
            #expect(item.addresses == ["127.0.0.1"] && item.failure == nil, "\(item.spec.target): \(item.failure ?? "")")
        }
        #expect(resolved.last?.addresses.isEmpty == true)
        #expect(resolved.last?.failure == "cannot resolve host 'hang.invalid': no answer within 0.3 s (--dns-timeout)")
    }

    // MARK: the address cap

    @Test func testDNSAllIPsAddressCap() async throws {
        let forty = (1...40).map { "127.0.0.\($0)" }
        var options = ScanOptions()
        options.limits = ScanLimits(globalConcurrency: 8, perHostConcurrency: 4, delay: .zero)
        options.httpPort = nil
        let fleet = FleetScanner(options: options, environment: SystemEnvironment(), targetsInFlight: 1, resolve: { _ in forty })
        let spec = TargetSpec(target: Target(host: "many.invalid", port: 443))
        let capped = await fleet.resolveAll([spec], allAddresses: true)
        #expect(capped[0].addresses == Array(forty.prefix(16)), "the default cap is 16")
        #expect(capped[0].skipped == Array(forty.dropFirst(16)))
        let one = await fleet.resolveAll([spec], allAddresses: false)
        #expect(one[0].addresses == ["127.0.0.1"] && one[0].skipped.isEmpty, "without --all-ips only the first is used, nothing is skipped")

        // the finding, on real (refused) connections to loopback
        let listener = try SilentListener()
        let port = listener.port
        listener.stop()
        let three = FleetScanner(
            options: options, environment: SystemEnvironment(), targetsInFlight: 1,
            resolve: { _ in ["127.0.0.1", "127.0.0.2", "127.0.0.3"] })
        let target = TargetSpec(target: Target(host: "three.invalid", port: port))
        let resolved = await three.resolveAll([target], allAddresses: true, maxAddresses: 2)
        #expect(resolved[0].addresses == ["127.0.0.1", "127.0.0.2"] && resolved[0].skipped == ["127.0.0.3"])
        let entry = await three.scanEntry(resolved[0], position: 0)
        #expect(entry.scans.map(\.address) == ["127.0.0.1", "127.0.0.2"])
        for scan in entry.scans {
            let finding = try #require(scan.findings.first { $0.id == "addresses-skipped" })
            #expect(finding.message == "three.invalid has 3 addresses; --max-addresses 2 scanned the first 2 and skipped 1: 127.0.0.3.")
        }
    }
}

/// Lets threads wait until `count` of them have arrived (or a time limit passes).
final class Barrier: @unchecked Sendable {
    private let condition = NSCondition()
    private let count: Int
    private var arrived = 0
    private(set) var wasReached = false

    init(count: Int) {
        self.count = count
    }

    /// True when `count` threads were waiting here together within `seconds`.
    func arriveAndWait(upTo seconds: Double) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        arrived += 1
        if arrived >= count {
            wasReached = true
            condition.broadcast()
        }
        let deadline = Date().addingTimeInterval(seconds)
        while !wasReached, condition.wait(until: deadline) {}
        return wasReached
    }
}

/// Holds a lookup thread until released (or a time limit passes).
final class LookupGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var open = false

    var released: Bool {
        condition.lock()
        defer { condition.unlock() }
        return open
    }

    func release() {
        condition.lock()
        open = true
        condition.broadcast()
        condition.unlock()
    }

    func wait(atMost seconds: TimeInterval) {
        let limit = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        while !open, condition.wait(until: limit) {}
        open = true
        condition.unlock()
    }
}
