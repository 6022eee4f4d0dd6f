import ArgumentParser
import Foundation
import TLSAudit
import TLSCatalog
import TLSReport
import TLSScan

struct CompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two servers — saved JSON scans or policy names — and show what would break for which clients.",
        discussion: """
            Each side is a JSON report written by `tlsmatrix scan --format json` or a policy id from
            `tlsmatrix policies list`. Exit 1 when a client that connected to A cannot connect to B.
            Examples:
              tlsmatrix compare before.json after.json
              tlsmatrix compare ELBSecurityPolicy-2016-08 ELBSecurityPolicy-TLS13-1-2-2021-06
              tlsmatrix compare scan.json ELBSecurityPolicy-TLS13-1-2-2021-06
            """)

    @Argument(help: "The current server: a JSON report or a policy id.")
    var before: String

    @Argument(help: "The new server: a JSON report or a policy id.")
    var after: String

    @OptionGroup var policyFile: PolicyFileOption

    func load(_ side: String) throws -> ScanResult {
        if let policy = try policyFile.source().find(side) { return ScanResult(policy: policy) }
        guard FileManager.default.fileExists(atPath: side) else {
            throw ValidationError("'\(side)' is neither a file nor a known policy (see tlsmatrix policies list)")
        }
        do {
            return try SavedScan.load(path: side)
        } catch {
            throw TLSMatrixError(.invalidSavedReport, String(describing: error))
        }
    }

    func validate() throws {
        _ = try load(before)
        _ = try load(after)
    }

    mutating func run() async throws {
        let comparison = ScanComparison.compare(try load(before), try load(after))
        try printLine(ComparisonReport.text(comparison, before: before, after: after))
        if !comparison.breaking.isEmpty { throw ExitCode(1) }
    }
}
