import TLSDistribution
import TLSReport

extension DistributionReport {
    /// The report of `distributions` with the audit's status for them, as the `distribution` command builds it.
    init(offline: Bool, distributions: [DistributionEntry], files: [FileEntry] = []) {
        self.init(offline: offline, distributions: distributions, status: DistributionAudit.status(of: distributions), files: files)
    }
}
