import TLSAudit
import Foundation
import TLSCatalog
import TLSModel

/// The last line of a JSON Lines run (`{"summary": {…}}`) and the `summary.json` of a report folder:
/// what was asked, what finished, and whether the run as a whole is complete.
package struct FleetSummary: Codable, Sendable, Equatable {
    package struct Row: Codable, Sendable, Equatable {
        package var target: String
        package var address: String?
        package var sni: String?
        /// passed, failed (a requested verdict failed), incomplete (unreachable or undecided probes).
        package var status: AuditStatus
        /// Would CloudFront connect (nil: not decided).
        package var cloudfront: Bool?
        package var grade: String?
        package var connections: Int
        package var connectionLowerBound: Int
        package var elapsedSeconds: Double
        /// The report's `reachability.status` (`reachable`, `unresolved`, `refused`, …); nil in summaries
        /// written before it was added.
        package var reachability: String?
        /// Why the target was not reachable (the report's reachability message); nil when it was.
        package var reason: String?

        package init(
            target: String, address: String?, sni: String?, status: AuditStatus, cloudfront: Bool?, grade: String?,
            connections: Int, connectionLowerBound: Int, elapsedSeconds: Double,
            reachability: String? = nil, reason: String? = nil
        ) {
            self.target = target
            self.address = address
            self.sni = sni
            self.status = status
            self.cloudfront = cloudfront
            self.grade = grade
            self.connections = connections
            self.connectionLowerBound = connectionLowerBound
            self.elapsedSeconds = elapsedSeconds
            self.reachability = reachability
            self.reason = reason
        }
    }

    package var schemaVersion = 1
    /// True when every target of the list (or of every shard) was scanned and every result is definitive.
    package var complete: Bool
    /// SIGINT or SIGTERM when the run was interrupted.
    package var interrupted: String?
    /// `I/N` for one shard; nil for a whole list.
    package var shard: Shard?
    /// The shards a merged summary joins.
    package var shards: [Shard]?
    /// Targets in the list (or this shard).
    package var targets: Int
    /// Targets whose scan finished and whose report was written.
    package var scanned: Int
    /// Targets not scanned or not finished, as written in the list.
    package var pending: [String]
    /// Targets whose name did not resolve (or not within the DNS deadline), as written; each also has
    /// a row with `reachability` `unresolved` and the resolver's reason. Nil in older summaries.
    package var unresolved: [String]?
    package var results: [Row]
    package var connections: Int
    package var connectionLowerBound: Int
    /// Wall time of the run (for a merge: the longest shard).
    package var elapsedSeconds: Double
    /// The exit status the run ended (or would end) with.
    package var exitStatus: Int32

    package init(
        complete: Bool, interrupted: String?, shard: Shard?, targets: Int, scanned: Int, pending: [String],
        results: [Row], elapsedSeconds: Double, exitStatus: Int32
    ) {
        self.complete = complete
        self.interrupted = interrupted
        self.shard = shard
        self.targets = targets
        self.scanned = scanned
        self.pending = pending
        self.results = results
        self.unresolved = results.filter { $0.reachability == "unresolved" }.map(\.target)
        self.connections = results.reduce(0) { $0 + $1.connections }
        self.connectionLowerBound = results.reduce(0) { $0 + $1.connectionLowerBound }
        self.elapsedSeconds = elapsedSeconds
        self.exitStatus = exitStatus
    }

    /// The JSON Lines form: one line, `{"summary": {…}}`, keys sorted.
    package func line() -> String {
        struct Wrapper: Encodable { let summary: FleetSummary }
        return Self.encode(Wrapper(summary: self))
    }

    /// Pretty JSON for `summary.json`.
    package func document() -> String {
        Self.encode(self, pretty: true) + "\n"
    }

    static func encode<T: Encodable>(_ value: T, pretty: Bool = false) -> String {
        JSONReport.encode(value, pretty: pretty)
    }

    /// Reads a summary line (`{"summary": {…}}`); nil when the line is something else (no `summary` key).
    /// A summary line that is incomplete or has fields this version does not know is an error naming them.
    package static func parse(line: String) throws -> FleetSummary? {
        struct Probe: Decodable { let summary: JSONTree? }
        guard (try? JSONDecoder().decode(Probe.self, from: Data(line.utf8)))?.summary != nil else { return nil }
        struct Wrapper: Codable { let summary: FleetSummary }
        return try ReportCoding.decode(Wrapper.self, from: Data(line.utf8)).summary
    }

    /// A text table, one row per target, and a totals line. Every cell and name is made terminal-safe
    /// (``TerminalSafe/escape(_:)``): `merge --format text` prints what JSON Lines files say.
    package func table() -> String {
        var lines: [String] = []
        let header = ["TARGET", "ADDRESS", "STATUS", "CLOUDFRONT", "GRADE", "CONNECTIONS", "TIME"]
        var rows = [header]
        for row in results {
            let cloudfront = row.cloudfront.map { $0 ? "compatible" : "NOT compatible" } ?? "undecided"
            rows.append(
                [
                    row.target, row.address ?? (row.reachability == "unresolved" ? "unresolved" : "-"), row.status.rawValue, cloudfront,
                    row.grade ?? "-",
                    "\(row.connections) (≥\(row.connectionLowerBound))", String(format: "%.2f s", row.elapsedSeconds),
                ]
                .map(TerminalSafe.escape))
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            lines.append(
                row.indices.map { $0 == row.count - 1 ? row[$0] : row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                    .joined(separator: "  "))
        }
        let ratio = connectionLowerBound > 0 ? String(format: "%.2f", Double(connections) / Double(connectionLowerBound)) : "-"
        var totals = "\(scanned) of \(targets) targets scanned"
        if let shard { totals += " (shard \(shard))" }
        totals += String(
            format: " · %d connections, lower bound %d (ratio %@) · %.1f s", connections, connectionLowerBound, ratio, elapsedSeconds)
        if let interrupted { totals += " · interrupted by \(TerminalSafe.escape(interrupted))" }
        if let unresolved, !unresolved.isEmpty {
            totals +=
                " · did not resolve: \(unresolved.prefix(10).map(TerminalSafe.escape).joined(separator: ", "))\(unresolved.count > 10 ? " …" : "")"
        }
        if !pending.isEmpty {
            totals +=
                " · not finished: \(pending.prefix(10).map(TerminalSafe.escape).joined(separator: ", "))\(pending.count > 10 ? " …" : "")"
        }
        lines.append(totals)
        return lines.joined(separator: "\n") + "\n"
    }
}
