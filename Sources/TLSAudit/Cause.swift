/// One reason a verdict is not a plain yes (a client or CloudFront would fail, or the scan could not decide), with
/// what to change: the audit's own type. The reports write it in their formats (`ScanReport.Cause` in the JSON
/// report); nothing here depends on how.
package struct Cause: Sendable, Hashable {
    /// Stable identifier (`no-common-cipher`, `name-mismatch`, `scan-incomplete`, …).
    package var id: String
    package var message: String
    package var fix: String

    package init(id: String, message: String, fix: String) {
        self.id = id
        self.message = message
        self.fix = fix
    }
}
