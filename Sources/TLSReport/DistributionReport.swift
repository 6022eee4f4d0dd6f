import Foundation
import TLSAudit
import TLSCatalog
import TLSDistribution
import TLSModel

/// What `tlsmatrix distribution` found for one or more CloudFront distributions: the JSON report (documented in
/// docs/distribution-report.md, schema docs/distribution-report.schema.json) and the model every other format
/// renders. Its entries are the audit's (TLSDistribution's ``DistributionAudit/audit(_:outcomes:findings:embedding:)``,
/// judged from the distribution as read, the offline checks and what happened to each origin), each scanned origin
/// embedding its ``ScanReport``; this file only gives them the report's envelope.
package struct DistributionReport: Codable, Sendable, Equatable {
    package static let currentSchemaVersion = 1

    package var schemaVersion: Int
    package var tool: ScanReport.Tool
    /// True when run with `--offline`: no origin was contacted.
    package var offline: Bool
    package var distributions: [DistributionEntry]
    /// The worst of the distributions' statuses (``AuditStatus``): `passed` (every origin connects under every
    /// generation, or needs no probe), `not-probed` (nothing in the file fails, but some custom origin was not
    /// probed: `--offline`), `incomplete` (some origin could not be audited), `failed` (some would 502); the exit
    /// status is 0, 6, 3, 1 respectively.
    package var status: AuditStatus
    /// What each input file gave besides its distributions: why it gave none, what a false Condition left out, the
    /// nested stacks followed or not, file-level values that could not be resolved.
    package var files: [FileEntry]

    /// `status` is the audit's (``DistributionAudit/status(of:)``); the report only carries it.
    package init(offline: Bool, distributions: [DistributionEntry], status: AuditStatus, files: [FileEntry] = []) {
        schemaVersion = Self.currentSchemaVersion
        tool = ScanReport.Tool(name: ToolVersion.name, version: ToolVersion.current)
        self.offline = offline
        self.distributions = distributions
        self.files = files
        self.status = status
    }
}

/// One input file of `tlsmatrix distribution`: how it was read and what it gave besides its distributions.
package struct FileEntry: Codable, Sendable, Equatable {
    package var file: String
    /// What the file was read as (`CloudFormation template`, …); null when it could not be read.
    @Nullable package var shape: String?
    /// Why the file gave nothing (not readable, not a distribution file, no distributions); null when read.
    @Nullable package var error: String?
    /// Set when the file is a nested-stack child of another file given, and audited there.
    @Nullable package var auditedAsChildOf: String?
    /// How many distributions it gave (those of followed nested stacks included).
    package var distributions: Int
    /// Resources not audited because their Condition is false.
    package var skipped: [SkippedResource]
    /// The `AWS::CloudFormation::Stack` resources met, followed (`childFile`) or not (`problem`).
    package var nestedStacks: [NestedStack]
    /// File-level values that could not be resolved (a nested stack's TemplateURL, a distribution's Condition).
    package var unresolved: [Unresolved]

    package init(_ result: DistributionFileResult) {
        file = result.file
        shape = result.shape
        error = result.error
        auditedAsChildOf = result.auditedAsChildOf
        distributions = result.distributions.count
        skipped = result.skipped
        nestedStacks = result.nestedStacks
        unresolved = result.unresolved
    }

    /// Whether a report has something to say about the file beyond its distributions.
    package var isNoteworthy: Bool {
        error != nil || auditedAsChildOf != nil || !skipped.isEmpty || !nestedStacks.isEmpty || !unresolved.isEmpty
    }
}

/// A distribution as the audit judged it, with each scanned origin's ``ScanReport``.
package typealias DistributionEntry = DistributionAuditEntry<ScanReport>
/// An origin as the audit judged it, with its ``ScanReport`` when it was scanned.
package typealias OriginEntry = OriginAuditEntry<ScanReport>

/// How the audit places a scan report in a distribution report.
extension ScanReport: EmbeddedScanReport {
    package var httpPort: Port? { ports.first { $0.role == .http } }

    package static func httpPort(_ check: PortCheck) -> Port {
        Port(role: .http, port: check.port, open: check.open, attempts: nil, detail: .some(check.detail))
    }
}
