import ArgumentParser
import Foundation
import TLSCatalog
import TLSReport
import TLSScan

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Re-analyse a saved JSON scan offline: verdict, grade, simulation, policy, every report format.",
        discussion: """
            No network is used: the observations in the saved report are judged again, e.g. under another
            OriginSslProtocols setting, Host header or policy, or rendered in another format. What the
            command line does not set is taken from the saved report (--client, --origin-protocols,
            --policy, --host-header, --warn-days, --ca-file), so `report scan.json --format json` writes
            the scan's report again, byte for byte, and ends with the scan's exit status.
            Examples:
              tlsmatrix report scan.json --origin-protocols TLSv1,TLSv1.1,TLSv1.2
              tlsmatrix report scan.json --policy ELBSecurityPolicy-TLS13-1-2-2021-06 --format html --output scan.html
              tlsmatrix report scan.json --format text,html,markdown,csv,junit --output reports/
            """)

    @Argument(help: "A JSON report written by `tlsmatrix scan --format json`.")
    var file: String

    @OptionGroup var report: ReportOptions

    mutating func run() async throws {
        let saved: ScanReport
        let scan: ScanResult
        do {
            saved = try SavedScan.report(path: file)
            scan = try saved.scanResult()
        } catch {
            throw TLSMatrixError(.invalidSavedReport, String(describing: error))
        }
        let options = try report.filledIn(from: saved)
        if !scan.ranAllChecks {
            try options.requireMeasured(by: scan.checks, described: "the saved scan's checks, \(ScanCheck.describe(scan.checks)),")
        }
        try await options.deliver(scan)
    }
}
