import TLSAudit
import TLSCatalog

/// `tlsmatrix compare`: what changes between two servers (saved scans or policies), and for which clients.
package enum ComparisonReport {
    /// `before` and `after` name the two sides as the user gave them.
    package static func text(_ comparison: ScanComparison, before: String, after: String) -> String {
        var out: [String] = ["--- A: \(before)", "+++ B: \(after)", ""]
        out.append("Protocols and suites")
        if comparison.versions.isEmpty { out.append("  no change") }
        for change in comparison.versions {
            func state(_ value: Bool?) -> String { value == true ? "yes" : value == false ? "no" : "?" }
            out.append("  \(change.version.rawValue): \(state(change.before)) → \(state(change.after))")
            for code in change.addedSuites { out.append("    + \(CodePointFormat.hex(code)) \(name(code))") }
            for code in change.removedSuites { out.append("    - \(CodePointFormat.hex(code)) \(name(code))") }
        }
        out.append("")
        out += clientLines(comparison)
        return out.joined(separator: "\n")
    }

    /// "Clients", then one line per client whose result changes from A to B (those that break marked).
    package static func clientLines(_ comparison: ScanComparison) -> [String] {
        var out = ["Clients"]
        if comparison.clients.isEmpty { out.append("  no client negotiates differently") }
        for change in comparison.clients {
            let mark = change.breaks ? "✗ BREAKS" : "~ changes"
            out.append("  \(mark) \(change.client.name): \(describe(change.before)) → \(describe(change.after))")
        }
        return out
    }

    /// A client's result in `compare` and `policies diff` JSON.
    package struct ClientChangeEntry: Codable, Sendable, Equatable {
        package var client: String
        package var before: String
        package var after: String
        package var breaks: Bool

        package init(_ change: ScanComparison.ClientChange) {
            client = change.client.id
            before = ComparisonReport.describe(change.before)
            after = ComparisonReport.describe(change.after)
            breaks = change.breaks
        }
    }

    static func name(_ code: UInt16) -> String { Catalog.shared.suite(code: code)?.displayName ?? "unassigned" }

    static func describe(_ result: Result<HandshakeSimulation.Choice, HandshakeSimulation.Failure>) -> String {
        switch result {
        case .success(let choice): "\(choice.version.rawValue) \(name(choice.suite))"
        case .failure(let failure):
            switch failure.reason {
            case .noCommonProtocol: "no common protocol"
            case .noCommonCipher: "no common cipher"
            case .noCommonGroup: "no common curve"
            case .undecided: "undecided"
            case .refused: "hello refused"
            case .certificate: "certificate refused"
            }
        }
    }
}
