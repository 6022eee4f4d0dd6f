import TLSCatalog
import Foundation

/// A part of a scan that `scan --checks` can select. `all` (every case) is the default; a scan that ran fewer
/// checks reports what it did not test as "not tested", never as refused.
package enum ScanCheck: String, Sendable, CaseIterable, Comparable, NamedValue {
    package static let valueKind = "check"

    /// Which versions the origin accepts (one handshake per version).
    case protocols
    /// Every suite per version by elimination, the server's order, and the library cross-check.
    case suites
    /// Key-exchange groups per version family.
    case groups
    /// Certificate chains per key type, with and without SNI.
    case certificates
    /// The handshake simulation of every client profile (needs protocols, suites and groups).
    case simulation
    /// Only what the CloudFront verdict needs: the versions CloudFront may use, each generation's own ClientHello,
    /// the chains CloudFront's offer selects, and the HTTP port.
    case cloudfront

    package static func < (lhs: ScanCheck, rhs: ScanCheck) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }

    /// Every check: what a scan without `--checks` runs.
    package static let all = Set(allCases)

    /// An unknown name in `--checks`.
    package struct UnknownName: Error, Sendable, CustomStringConvertible {
        package var description: String
    }

    /// Parses `--checks` (`all`, or a comma list of check names); the error names the unknown name.
    package static func parse(_ text: String) throws(UnknownName) -> Set<ScanCheck> {
        var checks: Set<ScanCheck> = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if name == "all" {
                checks.formUnion(allCases)
            } else if let check = ScanCheck(rawValue: name) {
                checks.insert(check)
            } else {
                let known = (["all"] + allCases.map(\.rawValue)).joined(separator: ", ")
                throw UnknownName(description: "unknown check '\(name)' in --checks (choose from \(known))")
            }
        }
        return checks
    }

    /// "cloudfront" or "protocols, certificates": the checks in their canonical order.
    package static func describe(_ checks: Set<ScanCheck>) -> String {
        checks == all ? "all" : checks.sorted().map(\.rawValue).joined(separator: ", ")
    }
}

/// How a version's suites were found.
package enum SuiteCoverage: String, Sendable, Equatable, NamedValue {
    package static let valueKind = "coverage"

    /// Every accepted suite, by elimination (a full scan).
    case enumerated
    /// Support decided with one or a few handshakes; the suites listed are only those these handshakes negotiated.
    case sampled
    /// The version was not probed (`--checks`): neither supported nor refused.
    case notTested = "not-tested"
}
