import ArgumentParser
import TLSReport
import Testing
@testable import tlsmatrix

/// `merge` reads each summary's shard as a Shard: parts, missing parts and bad `I/N` text.
struct MergeShardsTests {
    func summary(shard: String?) -> FleetSummary {
        FleetSummary(complete: true, interrupted: nil, shard: shard, targets: 1, scanned: 1, pending: [], results: [],
                     elapsedSeconds: 1, exitStatus: 0)
    }

    @Test func shardsAreJoinedInOrderAndMissingOnesNamed() throws {
        let merge = try MergeCommand.parse(["a.jsonl"])
        let merged = try merge.mergeSummaries([summary(shard: "10/10"), summary(shard: "2/10")], cutOff: [])
        #expect(merged.shards == ["2/10", "10/10"])
        #expect(merged.pending.count == 8 && merged.pending.first == "shard 1/10 (missing)")
        #expect(!merged.complete && merged.exitStatus == 3)
    }

    @Test func badShardsInSummariesAreInputErrors() throws {
        let merge = try MergeCommand.parse(["a.jsonl"])
        for bad in [[summary(shard: "x/2")], [summary(shard: "1/2"), summary(shard: "1/2")],
                    [summary(shard: "1/2"), summary(shard: "1/3")], [summary(shard: "1/2"), summary(shard: nil)]] {
            #expect(throws: ValidationError.self) { try merge.mergeSummaries(bad, cutOff: []) }
        }
    }
}
