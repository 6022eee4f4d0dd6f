import TLSCatalog
import TLSModel

/// The weaknesses that follow from the protocol/suite matrix alone, with the cells they rest on: SWEET32, FREAK,
/// Logjam, DROWN, BEAST, POODLE (SSL 3.0), Lucky Thirteen and RC4. No connection of their own: each is judged from
/// what the scan measured, and only a measured answer is "not vulnerable" — a version whose suites were not
/// enumerated gives `not-tested`, one left undecided by timeouts or resets gives `undecided`.
///
/// What each rests on (the usual reading, as testssl.sh `run_sweet32`, `run_freak`, `run_logjam`, `run_drown`,
/// `run_beast`, `run_ssl_poodle`, `run_lucky13` and `run_rc4` apply it to a server's accepted suites):
/// - SWEET32 (CVE-2016-2183): a 64-bit block cipher (3DES, DES, IDEA, RC2) accepted with any version.
/// - FREAK (CVE-2015-0204): an RSA export suite accepted.
/// - Logjam (CVE-2015-4000): a DHE export suite accepted, or a DHE suite whose prime has fewer than 1024 bits.
/// - DROWN (CVE-2016-0800): SSL 2.0 accepted by this server (another server sharing its key is not seen here).
/// - BEAST (CVE-2011-3389): a CBC suite accepted with SSL 3.0 or TLS 1.0.
/// - POODLE (CVE-2014-3566): a CBC suite accepted with SSL 3.0.
/// - Lucky Thirteen (CVE-2013-0169): a CBC suite accepted with any version below TLS 1.3.
/// - RC4 (RFC 7465 forbids it): an RC4 suite accepted with any version.
package struct DerivedVulnerability: Sendable, Equatable {
    package enum Name: String, CaseIterable, Sendable {
        case sweet32, freak, logjam, drown, beast, poodle, lucky13, rc4
    }

    package enum Status: String, Sendable, Equatable {
        case vulnerable
        case notVulnerable = "not-vulnerable"
        case notTested = "not-tested"
        case undecided
    }

    /// One accepted suite with the version it was accepted with.
    package struct Cell: Sendable, Equatable {
        package var version: TLSVersion
        package var suite: UInt16
    }

    package var name: Name
    package var status: Status
    /// The accepted cells that make the server vulnerable (empty otherwise).
    package var cells: [Cell]
    /// The versions the answer rests on (those whose suites were looked at for it).
    package var versions: [TLSVersion]
    /// Why the answer is not definitive, or what it does not cover; nil when there is nothing to add.
    package var note: String?

    /// Every derived vulnerability of `scan`, in ``Name`` order.
    package static func judge(_ scan: ScanResult) -> [DerivedVulnerability] {
        Name.allCases.map { judge($0, scan) }
    }

    static func judge(_ name: Name, _ scan: ScanResult) -> DerivedVulnerability {
        let versions = versions(of: name)
        guard scan.reachability.isReachable else {
            return DerivedVulnerability(
                name: name, status: .undecided, cells: [], versions: versions,
                note: scan.reachability.explanation)
        }
        if name == .drown { return drown(scan) }
        var cells: [Cell] = []
        var weakDH: [Cell] = []
        var unmeasuredDH: [Cell] = []
        for result in scan.protocols where versions.contains(result.version) {
            for accepted in result.suites {
                guard let suite = Catalog.shared.suite(code: accepted.code) else { continue }
                let cell = Cell(version: result.version, suite: accepted.code)
                if matches(name, suite) { cells.append(cell) }
                if name == .logjam, suite.keyExchange == .dhe || suite.keyExchange == .dhAnon, !suite.export {
                    if let bits = accepted.dhBits {
                        if bits < 1024 { weakDH.append(cell) }
                    } else {
                        unmeasuredDH.append(cell)
                    }
                }
            }
        }
        cells += weakDH
        if !cells.isEmpty {
            let note: String? =
                switch name {
                case .logjam where !weakDH.isEmpty: "DH primes below 1024 bits with \(weakDH.count) accepted suite(s)"
                case .lucky13: "CBC suites are accepted; whether the padding check leaks timing depends on the server's TLS library"
                case .beast: "CBC with TLS 1.0 or SSL 3.0; current clients split records (1/n-1), so the attack is mitigated on their side"
                default: nil
                }
            return DerivedVulnerability(name: name, status: .vulnerable, cells: cells, versions: versions, note: note)
        }
        // nothing accepted that makes it vulnerable: "not vulnerable" only if every version it concerns was measured
        var undecided: [TLSVersion] = []
        var notTested: [TLSVersion] = []
        for version in versions {
            guard let result = scan.protocols.first(where: { $0.version == version }) else {
                notTested.append(version)
                continue
            }
            if result.supported == false { continue }
            switch result.coverage {
            case .notTested, .sampled:
                notTested.append(version)
            case .enumerated:
                if result.supported == nil || !result.complete { undecided.append(version) }
            }
        }
        if !undecided.isEmpty {
            return DerivedVulnerability(
                name: name, status: .undecided, cells: [], versions: versions,
                note: "not decided for \(list(undecided)) (timeouts or resets)")
        }
        if !notTested.isEmpty {
            return DerivedVulnerability(
                name: name, status: .notTested, cells: [], versions: versions,
                note: "suites of \(list(notTested)) were not enumerated")
        }
        if !unmeasuredDH.isEmpty {
            return DerivedVulnerability(
                name: name, status: .undecided, cells: [], versions: versions,
                note: "the DH prime size of \(unmeasuredDH.count) accepted DHE suite(s) was not seen")
        }
        return DerivedVulnerability(name: name, status: .notVulnerable, cells: [], versions: versions, note: nil)
    }

    /// DROWN from SSL 2.0 support alone.
    static func drown(_ scan: ScanResult) -> DerivedVulnerability {
        let note = "a server elsewhere that shares this certificate's key and accepts SSL 2.0 is not seen from here"
        guard let result = scan.protocols.first(where: { $0.version == .sslv2 }), result.coverage != .notTested else {
            return DerivedVulnerability(name: .drown, status: .notTested, cells: [], versions: [.sslv2], note: "SSLv2 was not probed")
        }
        switch result.supported {
        case true?:
            let cells = result.suites.map { Cell(version: .sslv2, suite: $0.code) }
            return DerivedVulnerability(name: .drown, status: .vulnerable, cells: cells, versions: [.sslv2], note: nil)
        case false?:
            return DerivedVulnerability(name: .drown, status: .notVulnerable, cells: [], versions: [.sslv2], note: note)
        case nil:
            return DerivedVulnerability(
                name: .drown, status: .undecided, cells: [], versions: [.sslv2],
                note: "SSLv2 support was not decided (timeouts or resets)")
        }
    }

    /// The versions a vulnerability concerns.
    static func versions(of name: Name) -> [TLSVersion] {
        let belowTLS13 = TLSVersion.allCases.filter { $0 != .sslv2 && $0 < .tls13 }
        switch name {
        case .sweet32, .rc4: return TLSVersion.allCases.filter { $0 != .sslv2 }
        case .freak, .logjam, .lucky13: return belowTLS13
        case .drown: return [.sslv2]
        case .beast: return [.sslv3, .tls10]
        case .poodle: return [.sslv3]
        }
    }

    /// Whether accepting `suite` (with one of the name's versions) makes the server vulnerable.
    static func matches(_ name: Name, _ suite: CipherSuite) -> Bool {
        switch name {
        case .sweet32: [.rc2CBC40, .des40CBC, .desCBC, .tripleDESEDECBC, .ideaCBC].contains(suite.cipher)
        case .freak: suite.export && suite.keyExchange == .rsa
        case .logjam: suite.export && suite.keyExchange.isFiniteFieldDH
        case .beast, .poodle, .lucky13: suite.cipher.rawValue.contains("_CBC")
        case .rc4: suite.cipher.isRC4
        case .drown: false
        }
    }

    static func list(_ versions: [TLSVersion]) -> String { versions.map(\.rawValue).joined(separator: ", ") }
}
