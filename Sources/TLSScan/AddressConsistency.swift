import TLSCatalog
import TLSModel

/// Compares the scans of one name's addresses (`--all-ips`): a CDN may connect to any of them,
/// so every difference is a way for some connections to fail while others succeed.
package enum AddressConsistency {
    /// What differs between the scans, one sentence each; empty when they agree.
    /// Only definitive observations are compared; a version undecided on one address is not a difference.
    package static func differences(_ scans: [ScanResult]) -> [String] {
        guard scans.count > 1 else { return [] }
        var notes: [String] = []
        let reachable = scans.filter { $0.reachability.isReachable }
        for scan in scans where !scan.reachability.isReachable {
            notes.append("\(label(scan)): \(scan.reachability.explanation)")
        }
        guard let reference = reachable.first else { return notes }
        for other in reachable.dropFirst() {
            notes += compare(reference, other)
        }
        return notes
    }

    /// Adds an `addresses-differ` finding to every scan when the addresses disagree.
    package static func annotate(_ scans: inout [ScanResult]) {
        let notes = differences(scans)
        guard !notes.isEmpty else { return }
        let message = "the addresses of \(scans[0].target.host) answer differently: " + notes.joined(separator: "; ")
        for index in scans.indices {
            scans[index].findings.append(Finding(id: "addresses-differ", severity: .error, message: message))
        }
    }

    static func label(_ scan: ScanResult) -> String { scan.address ?? scan.target.host }

    static func compare(_ a: ScanResult, _ b: ScanResult) -> [String] {
        var notes: [String] = []
        let versions = Set(a.protocols.map(\.version)).union(b.protocols.map(\.version)).sorted()
        for version in versions {
            guard let pa = a.protocolResult(version), let pb = b.protocolResult(version),
                pa.complete, pb.complete, let sa = pa.supported, let sb = pb.supported
            else { continue }
            if sa != sb {
                let (yes, no) = sa ? (a, b) : (b, a)
                notes.append("\(label(yes)) accepts \(version) but \(label(no)) refuses it")
                continue
            }
            let codesA = Set(pa.suites.map(\.code)), codesB = Set(pb.suites.map(\.code))
            if codesA != codesB {
                var parts: [String] = []
                let onlyA = codesA.subtracting(codesB).sorted(), onlyB = codesB.subtracting(codesA).sorted()
                if !onlyA.isEmpty { parts.append("only \(label(a)) accepts \(names(onlyA))") }
                if !onlyB.isEmpty { parts.append("only \(label(b)) accepts \(names(onlyB))") }
                notes.append("\(version): " + parts.joined(separator: ", "))
            } else if let preferenceA = pa.serverPreference, let preferenceB = pb.serverPreference, preferenceA != preferenceB {
                notes.append(
                    "\(version): \(label(preferenceA ? a : b)) enforces its suite order, \(label(preferenceA ? b : a)) follows the client's"
                )
            }
        }
        let leavesA = Set(a.certificates.compactMap(\.der.first)), leavesB = Set(b.certificates.compactMap(\.der.first))
        if !leavesA.isEmpty, !leavesB.isEmpty, leavesA != leavesB {
            notes.append("\(label(a)) and \(label(b)) serve different certificates")
        }
        return notes
    }

    static func names(_ codes: [UInt16]) -> String {
        codes.map { Catalog.shared.suite(code: $0)?.displayName ?? CodePointFormat.hex($0) }.joined(separator: ", ")
    }
}
