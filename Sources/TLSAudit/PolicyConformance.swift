import TLSCatalog
import TLSModel

/// How a scanned server measures against a policy: what it accepts outside it, what it lacks, and what to change.
package struct PolicyConformance: Sendable {
    package struct Item: Sendable, Equatable {
        package var version: TLSVersion
        /// nil for a whole protocol version.
        package var suite: UInt16?
        package var message: String
    }

    package var policy: Policy
    /// Accepted by the server but outside the policy: a violation.
    package var outside: [Item]
    /// Expected by the policy but not accepted by the server.
    package var missing: [Item]
    /// Requirement rules the server breaks (minimum version, forward secrecy, forbidden suites, DH size).
    package var requirements: [String]
    package var changesNeeded: [String]
    /// Why conformance is not decided, when nothing violates it but what it needs was not measured: the origin
    /// could not be reached, or a protocol version was left undecided (timeouts) or not tested (`--checks`).
    /// Nil when decided. A violation seen is definitive whatever else is missing, so this is nil when ``violated``.
    package var undecided: String? = nil
    package var violated: Bool { !outside.isEmpty || !requirements.isEmpty }
    /// false: violated; true: measured and conforms; nil: not decided (``undecided`` says why). Never true on
    /// what was not measured.
    package var conforms: Bool? { violated ? false : undecided == nil ? true : nil }

    package static func check(_ scan: ScanResult, against policy: Policy) -> PolicyConformance {
        var outside: [Item] = []
        var missing: [Item] = []
        var requirements: [String] = []
        var changes: [String] = []
        let hasSuiteList = !policy.suites.isEmpty
        for proto in scan.protocols where proto.version != .sslv2 || proto.supported == true {
            let accepted = proto.supported == true
            let allowed = policy.allows(proto.version) || (!hasSuiteList && policy.versions.isEmpty)
            if accepted && !allowed && policy.requirements?.minVersion == nil {
                outside.append(
                    Item(
                        version: proto.version, suite: nil,
                        message: "\(proto.version.rawValue) is accepted; \(policy.id) does not allow it."))
                changes.append("Disable \(proto.version.rawValue).")
                continue
            }
            if !accepted && policy.allows(proto.version) && proto.supported == false {
                missing.append(
                    Item(
                        version: proto.version, suite: nil,
                        message: "\(policy.id) includes \(proto.version.rawValue); the server refuses it."))
                changes.append("Enable \(proto.version.rawValue).")
                continue
            }
            guard accepted, hasSuiteList else { continue }
            let expected = policy.suites.filter { Catalog.shared.suite(code: $0)?.versions.contains(proto.version) ?? false }
            let got = proto.suites.map(\.code)
            let extra = got.filter { !expected.contains($0) }
            let absent = expected.filter { !got.contains($0) }
            for code in extra {
                outside.append(
                    Item(
                        version: proto.version, suite: code,
                        message: "\(proto.version.rawValue) \(name(code)) is accepted; \(policy.id) does not include it."))
            }
            for code in absent {
                missing.append(
                    Item(
                        version: proto.version, suite: code,
                        message: "\(proto.version.rawValue) \(name(code)) is in \(policy.id); the server does not accept it."))
            }
            if !extra.isEmpty { changes.append("\(proto.version.rawValue): remove \(extra.map(name).joined(separator: ", ")).") }
            if !absent.isEmpty { changes.append("\(proto.version.rawValue): add \(absent.map(name).joined(separator: ", ")).") }
        }
        if let rules = policy.requirements {
            let supported = scan.protocols.filter { $0.supported == true }
            if let minimum = rules.minVersion, let lowest = supported.map(\.version).min(), lowest < minimum {
                requirements.append("\(lowest.rawValue) is accepted; \(policy.id) requires \(minimum.rawValue) or newer.")
                changes.append("Disable every version below \(minimum.rawValue).")
            }
            for version in rules.forbiddenVersions where supported.contains(where: { $0.version == version }) {
                requirements.append("\(version.rawValue) is accepted; \(policy.id) forbids it.")
                changes.append("Disable \(version.rawValue).")
            }
            let accepted = supported.flatMap { proto in proto.suites.map { (proto.version, $0) } }
            if rules.forwardSecrecy == true {
                let plain = accepted.filter { !($0.1.suite?.forwardSecrecy ?? false) }
                if !plain.isEmpty {
                    requirements.append("\(plain.count) accepted suite(s) lack forward secrecy; \(policy.id) requires it.")
                    changes.append(
                        "Remove non-forward-secret suites: \(Set(plain.map { name($0.1.code) }).sorted().joined(separator: ", ")).")
                }
            }
            let forbidden = accepted.filter { rules.forbiddenSuites.contains($0.1.code) }
            if !forbidden.isEmpty {
                requirements.append(
                    "Forbidden suites are accepted: \(Set(forbidden.map { name($0.1.code) }).sorted().joined(separator: ", ")).")
            }
            if rules.noInsecureSuites == true {
                let insecure = accepted.filter { $0.1.suite?.strength == .insecure }
                if !insecure.isEmpty {
                    requirements.append(
                        "Insecure suites are accepted: \(Set(insecure.map { name($0.1.code) }).sorted().joined(separator: ", ")).")
                    changes.append("Remove insecure suites (NULL, anonymous, export, RC4, DES).")
                }
            }
            if let minDH = rules.minDHBits, let weakest = accepted.compactMap(\.1.dhBits).min(), weakest < minDH {
                requirements.append("DH parameters of \(weakest) bits; \(policy.id) requires \(minDH).")
                changes.append("Use DH parameters of at least \(minDH) bits (e.g. ffdhe\(max(minDH, 2048))).")
            }
        }
        var result = PolicyConformance(
            policy: policy, outside: outside, missing: missing, requirements: requirements,
            changesNeeded: changes)
        if !result.violated { result.undecided = undecidedReason(scan, hasSuiteList: hasSuiteList) }
        return result
    }

    /// Why `scan` cannot show conformance (nil when it can): an origin never reached tells nothing; a version left
    /// undecided, not tested, or (for a policy with a suite list) accepted but only sampled could hold a violation.
    static func undecidedReason(_ scan: ScanResult, hasSuiteList: Bool) -> String? {
        guard scan.reachability.isReachable else {
            return "not measured: \(scan.reachability.explanation)"
        }
        guard !scan.protocols.isEmpty else { return "not measured: the scan holds no protocol result" }
        let open = scan.protocols.filter { proto in
            proto.coverage == .notTested || proto.isUndecided || (hasSuiteList && proto.coverage == .sampled && proto.supported == true)
        }
        guard !open.isEmpty else { return nil }
        let versions = open.map(\.version.rawValue).joined(separator: ", ")
        return "not decided: \(versions) \(open.count == 1 ? "was" : "were") not fully measured (undecided probes, or not tested)"
    }

    static func name(_ code: UInt16) -> String {
        Catalog.shared.suite(code: code)?.displayName ?? CodePointFormat.hex(code)
    }
}
