import Foundation
import TLSCatalog
import TLSEngines
@testable import TLSScan
import TestSupport
import Testing

/// Target lists, shards, address consistency and many targets under shared limits.
struct TargetListTests {
    @Test func parsesLinesCommentsAndOptions() throws {
        let text = """
            # fleet
            origin.example.com
              origin.example.com:8443 sni=www.example.com host=www.example.com:443   # with options
            [::1]:9443
            192.0.2.10\tsni=api.example.com

            origin.example.com
            """
        let specs = try TargetList.parse(text, source: "fleet.txt")
        #expect(specs.map(\.target.description) == ["origin.example.com:443", "origin.example.com:8443", "[::1]:9443", "192.0.2.10:443"])
        #expect(specs[1].serverName == "www.example.com")
        #expect(specs[1].hostHeader == "www.example.com:443")
        #expect(specs[3].serverName == "api.example.com")
        #expect(specs[0].origin == "fleet.txt:2")
    }

    @Test(arguments: [
        ("", TLSMatrixError.Code.invalidTargetList, "fleet.txt: "), ("# only a comment\n\n", .invalidTargetList, "fleet.txt: "),
        ("a.example\nhost:abc\n", .invalidTarget, "fleet.txt:2: "), ("a.example sni=bad_name!\n", .invalidTarget, "fleet.txt:1: "),
        ("a.example color=red\n", .invalidTargetList, "fleet.txt:1: "), ("a.example sni=\n", .invalidTargetList, "fleet.txt:1: "),
        ("bad host!\n", .invalidTargetList, "fleet.txt:1: "), ("a\u{0}b\n", .invalidTargetList, "fleet.txt: "),
        ("h:0\n", .invalidTarget, "fleet.txt:1: "), ("h:65536\n", .invalidTarget, "fleet.txt:1: "),
    ])
    func rejectsBadLinesNamingTheLine(_ input: (String, TLSMatrixError.Code, String)) {
        #expect {
            _ = try TargetList.parse(input.0, source: "fleet.txt")
        } throws: { error in
            // the code says what is wrong; the reason starts with the line it is on
            (error as? TLSMatrixError)?.code == input.1 && (error as? TLSMatrixError)?.reason.hasPrefix(input.2) == true
        }
    }

    @Test func shardsSplitTheListDisjointlyAndCompletely() throws {
        let items = Array(0..<103)
        var union: [Int] = []
        for index in 1...7 {
            let part = try Shard.parse("\(index)/7").select(items)
            #expect(part.count == 14 || part.count == 15)
            union += part
        }
        #expect(union.sorted() == items)
        #expect(try Shard.parse("2/7").select(items) == Shard(index: 2, count: 7).select(items))
        for bad in ["0/3", "4/3", "1/0", "a/b", "1", "1/2/3", "-1/2", "1/10001"] {
            #expect(throws: TLSMatrixError(.invalidShard)) { try Shard.parse(bad) }
        }
    }

    /// Issue 16: a host's targets stay in one shard (per-host politeness holds across shards), hosts are dealt
    /// round-robin in order of first appearance, and the shards still cover the list exactly once.
    @Test func shardsKeepAHostsTargetsTogether() throws {
        let items = ["a:1", "b:1", "a:2", "c:1", "b:2", "d:1", "A:3", "e:1"]
        func host(_ item: String) -> String { String(item.split(separator: ":")[0]).lowercased() }
        let parts = (1...3).map { Shard(index: $0, count: 3).select(items, keptTogetherBy: host) }
        #expect(parts[0] == ["a:1", "a:2", "d:1", "A:3"])  // hosts a (1st) and d (4th)
        #expect(parts[1] == ["b:1", "b:2", "e:1"])  // hosts b (2nd) and e (5th)
        #expect(parts[2] == ["c:1"])  // host c (3rd)
        #expect(parts.flatMap { $0 }.sorted() == items.sorted())
        for part in parts { for other in parts where other != part { #expect(Set(part.map(host)).isDisjoint(with: other.map(host))) } }
    }

    /// `--shard auto[/N]` reads the scheduler's array index: Kubernetes and AWS Batch are 0-based and need N;
    /// Slurm's task ids start at SLURM_ARRAY_TASK_MIN and it exports the count.
    @Test func shardAutoReadsTheSchedulersArrayIndex() throws {
        #expect(try Shard.resolve("auto/4", environment: ["JOB_COMPLETION_INDEX": "0"]) == Shard(index: 1, count: 4))
        #expect(try Shard.resolve("auto/4", environment: ["AWS_BATCH_JOB_ARRAY_INDEX": "3"]) == Shard(index: 4, count: 4))
        #expect(
            try Shard.resolve(
                "auto",
                environment: [
                    "SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "5",
                    "SLURM_ARRAY_TASK_COUNT": "3",
                ]) == Shard(index: 3, count: 3))
        #expect(
            try Shard.resolve("auto/3", environment: ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "3"])
                == Shard(index: 1, count: 3))
        #expect(try Shard.resolve("2/5", environment: [:]) == Shard(index: 2, count: 5))
        let bad: [(String, [String: String], String)] = [
            ("auto", [:], "no array index in the environment"),
            ("auto", ["JOB_COMPLETION_INDEX": "1"], "does not export its size"),
            ("auto/2", ["AWS_BATCH_JOB_ARRAY_INDEX": "2"], "outside 0..<2"),
            ("auto/2", ["JOB_COMPLETION_INDEX": "x"], "is not an array index"),
            ("auto/4", ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "3"], "has 3 tasks"),
            ("auto/0", ["JOB_COMPLETION_INDEX": "0"], "N must be a number"),
        ]
        for (text, environment, reason) in bad {
            #expect { try Shard.resolve(text, environment: environment) } throws: { error in
                (error as? TLSMatrixError)?.code == .invalidShard && (error as? TLSMatrixError)?.reason.contains(reason) == true
            }
        }
    }
}

struct AddressConsistencyTests {
    func scan(_ address: String, suites: [UInt16], tls13: Bool? = true, leaf: [UInt8] = [1, 2, 3]) -> ScanResult {
        var result = ScanResult(target: Target(host: "origin.example.com", port: 443), reachability: .reachable)
        result.address = address
        var tls12 = ProtocolResult(version: .tls12, supported: !suites.isEmpty)
        tls12.suites = suites.map { SuiteResult(code: $0, evidence: [.wire]) }
        var v13 = ProtocolResult(version: .tls13, supported: tls13)
        if tls13 == nil { v13.complete = false }
        result.protocols = [tls12, v13]
        result.certificates = [CertificateChain(authentication: "RSA", der: [leaf], seenWith: .tls12, sni: nil)]
        return result
    }

    @Test func identicalAddressesAgree() {
        #expect(AddressConsistency.differences([scan("192.0.2.1", suites: [0xC02F]), scan("192.0.2.2", suites: [0xC02F])]).isEmpty)
    }

    @Test func namesEveryDifference() {
        var scans = [scan("192.0.2.1", suites: [0xC02F, 0xC030]), scan("192.0.2.2", suites: [0xC02F], tls13: false, leaf: [9])]
        let notes = AddressConsistency.differences(scans)
        #expect(notes.count == 3, "\(notes)")
        #expect(notes.contains { $0.contains("only 192.0.2.1 accepts") && $0.contains("ECDHE-RSA-AES256-GCM-SHA384") })
        #expect(notes.contains { $0.contains("192.0.2.1 accepts TLSv1.3 but 192.0.2.2 refuses it") })
        #expect(notes.contains { $0.contains("different certificates") })
        AddressConsistency.annotate(&scans)
        #expect(scans.allSatisfy { $0.findings.contains { $0.id == "addresses-differ" } })
    }

    @Test func undecidedIsNotADifferenceButUnreachableIs() {
        #expect(
            AddressConsistency.differences([scan("192.0.2.1", suites: [0xC02F]), scan("192.0.2.2", suites: [0xC02F], tls13: nil)]).isEmpty)
        var dead = ScanResult(target: Target(host: "origin.example.com", port: 443), reachability: .connectTimeout)
        dead.address = "192.0.2.3"
        let notes = AddressConsistency.differences([scan("192.0.2.1", suites: [0xC02F]), dead])
        #expect(notes == ["192.0.2.3: origin not responding: TCP connect timed out"])
    }
}

/// Real origins on loopback; a relay on 127.0.0.2 makes one server (or another) appear as a second address.
@Suite(.serialized) struct FleetScannerTests {
    func options(global: Int, perHost: Int) -> ScanOptions {
        var options = ScanOptions()
        options.httpPort = nil
        options.crossCheck = false
        options.enumerateGroups = false
        options.limits = ScanLimits(globalConcurrency: global, perHostConcurrency: perHost, delay: .zero)
        return options
    }

    func accepted(_ scan: ScanResult) -> [String: Set<UInt16>] {
        var map: [String: Set<UInt16>] = [:]
        for proto in scan.protocols where !proto.suites.isEmpty { map[proto.version.rawValue] = Set(proto.suites.map(\.code)) }
        return map
    }

    @Test func manyTargetsStayWithinTheGlobalBoundAndAreExact() async throws {
        let expected = try ExpectedOrigins.load()
        let kinds = ["openssl-modern", "gnutls-legacy", "openssl-ecdsa-x25519"]
        let origins = try await TestOrigin.start(kinds)
        defer { origins.forEach { $0.stop() } }
        let options = options(global: 2, perHost: 4)
        let fleet = FleetScanner(options: options, environment: SystemEnvironment(), targetsInFlight: 3)
        let specs = origins.map { TargetSpec(target: Target(host: "127.0.0.1", port: $0.port)) }
        let resolved = await fleet.resolveAll(specs, allAddresses: false)
        let collected = Collected()
        await fleet.run(resolved) { await collected.add($0) }
        let entries = await collected.entries
        #expect(entries.count == 3)
        for (index, origin) in origins.enumerated() {
            let entry = try #require(entries.first { $0.position == index })
            var want: [String: Set<UInt16>] = [:]
            for (name, codes) in try #require(expected[origin.kind]).protocols {
                want[try #require(TLSVersion(name: name)).rawValue] = Set(codes)
            }
            #expect(accepted(entry.scans[0]) == want, "\(origin.kind)")
        }
        let peak = await options.limits?.peakInFlight() ?? 0
        #expect(peak >= 1 && peak <= 2, "peak \(peak)")
    }

    @Test func allAddressesAgreeOrDiffer() async throws {
        let modern = try await TestOrigin.start("openssl-modern")
        defer { modern.stop() }
        let legacy = try await TestOrigin.start("gnutls-legacy")
        defer { legacy.stop() }
        let spec = TargetSpec(target: Target(host: "fleet.test", port: modern.port), serverName: "localhost")
        let fleet = FleetScanner(
            options: options(global: 8, perHost: 4), environment: SystemEnvironment(), targetsInFlight: 2,
            resolve: { _ in ["127.0.0.1", "127.0.0.2"] })
        let resolved = await fleet.resolveAll([spec], allAddresses: true)
        #expect(resolved[0].addresses == ["127.0.0.1", "127.0.0.2"])

        let same = try await OffPool.run { try Relay.start(listen: "127.0.0.2", port: modern.port, to: modern.port) }
        let agree = await fleet.scanEntry(resolved[0], position: 0)
        same.stop()
        #expect(agree.scans.map(\.address) == ["127.0.0.1", "127.0.0.2"])
        #expect(agree.scans.allSatisfy { $0.reachability.isReachable })
        #expect(accepted(agree.scans[0]) == accepted(agree.scans[1]))
        #expect(agree.scans.allSatisfy { !$0.findings.contains { $0.id == "addresses-differ" } })

        let other = try await OffPool.run { try Relay.start(listen: "127.0.0.2", port: modern.port, to: legacy.port) }
        let differ = await fleet.scanEntry(resolved[0], position: 0)
        other.stop()
        let finding = try #require(differ.scans[0].findings.first { $0.id == "addresses-differ" })
        #expect(finding.message.contains("127.0.0.1 accepts TLSv1.2 but 127.0.0.2 refuses it"), "\(finding.message)")
        #expect(finding.message.contains("127.0.0.2 accepts TLSv1.0 but 127.0.0.1 refuses it"), "\(finding.message)")

        let down = await fleet.scanEntry(resolved[0], position: 0)  // nothing listens on 127.0.0.2 now
        #expect(down.scans[1].reachability != .reachable)
        #expect(down.scans[0].findings.contains { $0.id == "addresses-differ" && $0.message.contains("127.0.0.2: origin not responding") })
    }
}

actor Collected {
    var entries: [FleetEntry] = []
    func add(_ entry: FleetEntry) { entries.append(entry) }
}
