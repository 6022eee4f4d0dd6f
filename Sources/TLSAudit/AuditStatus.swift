/// How a judgement came out: an origin or a distribution of `tlsmatrix distribution`, one target of a fleet scan
/// (`status` of a summary row). One worst-of rule for all of them: `failed` outranks `incomplete`, which outranks
/// `not-probed`, which outranks `passed`; a verdict is never better than its worst part, and an origin with an error
/// cause is `failed` whatever else is known about it.
package enum AuditStatus: String, Codable, Sendable, Equatable, Comparable {
    /// Every custom origin was probed and connects under every generation (or there is none: S3 and VPC origins only).
    case passed
    /// Nothing in the file fails, but some custom origin was not probed (`--offline`): nothing about it was
    /// verified. Exit status 6.
    case notProbed = "not-probed"
    /// Some origin could not be audited (an unresolved value, a probe that timed out). Exit status 3.
    case incomplete
    /// Some origin would fail (502/504) or the file holds a setting CloudFront refuses. Exit status 1.
    case failed

    var rank: Int {
        switch self {
        case .passed: 0
        case .notProbed: 1
        case .incomplete: 2
        case .failed: 3
        }
    }

    package static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }

    /// The worst of `items` (`passed` for none).
    package static func combine(_ items: [AuditStatus]) -> AuditStatus {
        items.max() ?? .passed
    }
}
