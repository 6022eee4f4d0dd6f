import Foundation
import TLSAudit
import TLSModel

/// The machine-readable report: the DESIGN §6 contract (schemaVersion 1), extended, never renamed.
/// ``ScanReport`` (TLSModel) is the document and ``ReportCoding`` (TLSModel) its one JSON configuration;
/// this renders an analysis with them.
package enum JSONReport {
    package static let schemaVersion = ScanReport.currentSchemaVersion

    /// The report of one analysed scan: pretty (`--format json`, with a final newline) or one line
    /// (`--format jsonl`). Keys are sorted, so the same document is always the same bytes.
    package static func render(_ analysis: ScanAnalysis, pretty: Bool = true) -> String {
        encode(ScanReport(analysis), pretty: pretty) + "\n"
    }

    /// See ``ReportCoding/encode(_:pretty:)``.
    package static func encode<T: Encodable>(_ value: T, pretty: Bool) -> String {
        ReportCoding.encode(value, pretty: pretty)
    }
}
