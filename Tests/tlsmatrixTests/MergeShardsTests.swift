import ArgumentParser
import Foundation
import TLSCatalog
import TLSModel
import TLSReport
import Testing
@testable import tlsmatrix

/// `merge` reads each summary's shard as a Shard: parts, missing parts and bad `I/N` text.
struct MergeShardsTests {
    func summary(shard: String?) throws -> FleetSummary {
        FleetSummary(
            complete: true, interrupted: nil, shard: try shard.map(Shard.parse), targets: 1, scanned: 1,
            pending: [], results: [], elapsedSeconds: 1, exitStatus: 0)
    }

    @Test func shardsAreJoinedInOrderAndMissingOnesNamed() throws {
        let merge = try MergeCommand.parse(["a.jsonl"])
        let merged = try merge.mergeSummaries([try summary(shard: "10/10"), try summary(shard: "2/10")], cutOff: [])
        #expect(merged.shards?.map(\.description) == ["2/10", "10/10"])
        #expect(merged.pending.count == 8 && merged.pending.first == "shard 1/10 (missing)")
        #expect(!merged.complete && merged.exitStatus == 3)
    }

    @Test func badShardsInSummariesAreInputErrors() throws {
        let merge = try MergeCommand.parse(["a.jsonl"])
        for bad in try [
            [summary(shard: "1/2"), summary(shard: "1/2")],
            [summary(shard: "1/2"), summary(shard: "1/3")], [summary(shard: "1/2"), summary(shard: nil)],
        ] {
            #expect(throws: ValidationError.self) { try merge.mergeSummaries(bad, cutOff: []) }
        }
        // A summary line whose shard is not I/N is refused when it is read (exit 2), before any merging.
        let line =
            #"{"summary":{"complete":true,"elapsedSeconds":1,"exitStatus":0,"pending":[],"results":[],"scanned":1,"shard":"x/2","targets":1}}"#
        let error = #expect(throws: TLSMatrixError.self) { try FleetSummary.parse(line: line) }
        #expect(error?.code == .invalidSavedReport)
    }
}
