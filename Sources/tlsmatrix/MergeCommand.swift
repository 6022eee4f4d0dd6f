import ArgumentParser
import Foundation
import TLSModel
import TLSReport
import TLSModel

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the JSON Lines of several runs or shards (`scan --format jsonl`) into one.",
        discussion: """
            Report lines are copied as they are; the summaries become one summary that is complete only
            when every shard 1..N is present and complete. A file without a summary line (a run killed
            hard) counts as incomplete. Exit status as for scan: 1 if a target failed a requested
            verdict, 3 if anything is incomplete or missing, 2 for unreadable or inconsistent input.
            Examples:
              tlsmatrix scan --targets-file fleet.txt --shard 1/2 --format jsonl --output part1.jsonl
              tlsmatrix scan --targets-file fleet.txt --shard 2/2 --format jsonl --output part2.jsonl
              tlsmatrix merge part1.jsonl part2.jsonl --output fleet.jsonl
              tlsmatrix merge part*.jsonl --format text
            """)

    @Argument(help: "JSON Lines files written by `tlsmatrix scan --format jsonl`.")
    var files: [String]

    @Option(help: "jsonl (the joined lines, default) or text (the summary table).")
    var format: String = "jsonl"

    @Option(help: "Write to this file instead of standard output.")
    var output: String?

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one JSON Lines file") }
        if let twice = files.first(where: { file in files.filter { $0 == file }.count > 1 }) {
            throw ValidationError("'\(twice)' is given twice")
        }
        _ = try ReportFormat.one(format, of: [.jsonl, .text])
        if let output { try OutputFile.checkWritable(output) }
    }

    func run() throws {
        var reportLines: [String] = []
        var summaries: [(file: String, summary: FleetSummary)] = []
        var cutOff: [String] = []
        var seenTargets: [String: String] = [:]
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read '\(file)'") }
            guard let text = String(data: data, encoding: .utf8) else { throw ValidationError("'\(file)' is not UTF-8 text") }
            var summary: FleetSummary?
            let lines = text.split(separator: "\n")
            for (index, line) in lines.enumerated() where !line.allSatisfy(\.isWhitespace) {
                let where_ = "\(file):\(index + 1)"
                guard summary == nil else { throw ValidationError("\(where_): lines after the summary line") }
                let parsedSummary: FleetSummary?
                do {
                    parsedSummary = try FleetSummary.parse(line: String(line))
                } catch {
                    throw ValidationError("\(where_): not a usable summary line: \(error)")
                }
                if let parsedSummary {
                    summary = parsedSummary
                    continue
                }
                let report: ScanReport
                do {
                    report = try ScanReport.decode(Data(line.utf8))
                } catch {
                    if index == lines.count - 1, !text.hasSuffix("\n") { break }  // the last line of a run cut off mid-write
                    throw ValidationError("\(where_): not a tlsmatrix report or summary line: \(error)")
                }
                let target = report.target
                let key = "\(target.host):\(target.port) @\(target.address ?? "") sni=\(target.sni ?? "")"
                if let first = seenTargets[key] {
                    throw ValidationError("\(where_): \(target.host):\(target.port) was already reported in \(first)")
                }
                seenTargets[key] = where_
                reportLines.append(String(line))
            }
            if let summary { summaries.append((file, summary)) } else { cutOff.append(file) }
        }
        let merged = try mergeSummaries(summaries.map(\.summary), cutOff: cutOff)
        let out: String
        if try ReportFormat.one(format, of: [.jsonl, .text]) == .text {
            out = merged.table()
        } else {
            out = reportLines.map { $0 + "\n" }.joined() + merged.line() + "\n"
        }
        if let output {
            try OutputFile.write(out, to: output)
        } else {
            try Output.standardOutput.write(out)
        }
        for file in cutOff {
            Output.message(
                "tlsmatrix: warning: '\(TerminalSafe.escape(file))' has no summary line (the run was cut off); counted as incomplete")
        }
        if merged.exitStatus != 0 { throw ExitCode(merged.exitStatus) }
    }

    func mergeSummaries(_ summaries: [FleetSummary], cutOff: [String]) throws -> FleetSummary {
        var shardNames: [Shard] = []
        var missing: [String] = []
        // each summary's shard (nil: a whole-list run); a summary whose shard is not I/N was refused when read
        let parts: [Shard?] = summaries.map(\.shard)
        let shardCounts = Set(parts.compactMap { $0?.count })
        if shardCounts.count > 1 {
            throw ValidationError(
                "the files come from different splits (\(shardCounts.sorted().map { "N=\($0)" }.joined(separator: ", ")))")
        }
        if let count = shardCounts.first {
            var indices = Set<Int>()
            for part in parts {
                guard let part else {
                    throw ValidationError("cannot merge a whole-list run with shards of \(count)")
                }
                guard indices.insert(part.index).inserted else { throw ValidationError("shard \(part) appears twice") }
            }
            shardNames = indices.sorted().map { Shard(index: $0, count: count) }
            missing = (1...count).filter { !indices.contains($0) }.map { Shard(index: $0, count: count).description }
        }
        let complete = cutOff.isEmpty && missing.isEmpty && summaries.allSatisfy(\.complete)
        let status = summaries.map { ExitStatus(rawValue: $0.exitStatus) ?? .incomplete }
            .reduce(complete ? ExitStatus.passed : .incomplete, FleetRun.combine).rawValue
        var merged = FleetSummary(
            complete: complete, interrupted: summaries.compactMap(\.interrupted).first, shard: nil,
            targets: summaries.reduce(0) { $0 + $1.targets }, scanned: summaries.reduce(0) { $0 + $1.scanned },
            pending: summaries.flatMap(\.pending) + missing.map { "shard \($0) (missing)" },
            results: summaries.flatMap(\.results), elapsedSeconds: summaries.map(\.elapsedSeconds).max() ?? 0,
            exitStatus: status)
        merged.shards = shardNames.isEmpty ? nil : shardNames
        return merged
    }
}
