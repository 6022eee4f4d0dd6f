import Foundation
import TLSCatalog
import TLSModel

/// An SSL Labs-style rating: protocol, key exchange and cipher scores, then caps, each a named rule with its reason.
///
/// Follows the SSL Labs Server Rating Guide (2009, with the 2014–2020 updates): score =
/// 30% protocol + 30% key exchange + 40% cipher strength, letter by score, then the lowest cap that applies.
package struct Grade: Sendable, Equatable {
    /// A grade letter, ordered from best to worst (`A+` < `A` < … < `F` < `T` < `M` < `-`): a cap lowers the
    /// grade to its limit when the limit is worse.
    package enum Letter: String, Sendable, CaseIterable, Comparable, CustomStringConvertible {
        case aPlus = "A+", a = "A", aMinus = "A-", b = "B", c = "C", d = "D", e = "E", f = "F"
        /// Certificate not trusted.
        case t = "T"
        /// Certificate name mismatch.
        case m = "M"
        /// Nothing to rate (no TLS).
        case none = "-"

        private var rank: Int { Self.allCases.firstIndex(of: self) ?? Self.allCases.count }
        package static func < (lhs: Letter, rhs: Letter) -> Bool { lhs.rank < rhs.rank }
        package var description: String { rawValue }
    }

    /// A rule that limits the grade.
    package struct Cap: Sendable, Equatable {
        package var rule: String
        package var limit: Letter
        package var reason: String
    }

    package var letter: Letter
    package var score: Int
    package var protocolScore: Int
    package var keyExchangeScore: Int
    package var cipherScore: Int
    package var caps: [Cap]
    /// Why there is no grade: its inputs (every version's suites, the certificates) were not measured (`--checks`
    /// left them out, the origin did not answer TLS, or timeouts and resets left versions undecided).
    package var notGraded: String?

    /// The checks a grade is computed from.
    package static let inputs: Set<ScanCheck> = [.protocols, .suites, .certificates]

    /// No grade, because what the grade rests on was not measured (nil when it was): `--checks` left out a check it
    /// needs, the origin did not answer TLS, or a timeout, a reset or a broken answer left a version open (which may
    /// hide what caps the grade — SSL 3.0, RC4, export suites — or lifts it).
    package static func withheld(_ scan: ScanResult) -> Grade? {
        let missing = inputs.subtracting(scan.checks)
        if !missing.isEmpty {
            return notGraded(
                "not measured: " + missing.sorted().map(\.rawValue).joined(separator: ", ")
                    + " (the scan ran --checks " + ScanCheck.describe(scan.checks).replacingOccurrences(of: ", ", with: ",") + ")")
        }
        guard scan.reachability.isReachable else { return notGraded("not measured: \(scan.reachability.explanation)") }
        let undecided = scan.protocols.filter(\.isUndecided)
        guard undecided.isEmpty else {
            return notGraded("not measured: " + undecided.map { "\($0.version) (\($0.note ?? "not decided"))" }.joined(separator: "; "))
        }
        return nil
    }

    /// The grade of nothing rated, with why.
    static func notGraded(_ reason: String) -> Grade {
        var grade = Grade(letter: .none, score: 0, protocolScore: 0, keyExchangeScore: 0, cipherScore: 0, caps: [])
        grade.notGraded = reason
        return grade
    }

    /// The grade of a scan whose inputs were measured (``withheld(_:)`` is nil).
    package static func rate(_ scan: ScanResult, chains: [ChainAnalysis]) -> Grade {
        let supported = scan.protocols.filter { $0.supported == true }
        guard !supported.isEmpty else {
            return Grade(
                letter: .none, score: 0, protocolScore: 0, keyExchangeScore: 0, cipherScore: 0,
                caps: [Cap(rule: "no-tls", limit: .none, reason: "No protocol version was accepted, so there is nothing to rate.")])
        }
        let protocolScores = supported.map { protocolScore($0.version) }
        let protocolPart = ((protocolScores.max() ?? 0) + (protocolScores.min() ?? 0)) / 2
        let suites = supported.flatMap { proto in proto.suites.compactMap { $0.suite.map { (proto.version, $0) } } }
        let suiteResults = supported.flatMap(\.suites)
        let cipherBits = suites.map { $0.1.bits }
        let cipherPart = ((cipherBits.map(cipherScore).max() ?? 0) + (cipherBits.map(cipherScore).min() ?? 0)) / 2
        let keyPart = keyExchangeScore(suiteResults, chains: chains)
        let score = (protocolPart * 30 + keyPart * 30 + cipherPart * 40) / 100
        var letter: Letter = score >= 80 ? .a : score >= 65 ? .b : score >= 50 ? .c : score >= 35 ? .d : score >= 20 ? .e : .f
        var caps: [Cap] = []
        func cap(_ rule: String, _ limit: Letter, _ reason: String) { caps.append(Cap(rule: rule, limit: limit, reason: reason)) }
        let versions = Set(supported.map(\.version))
        if versions.contains(.sslv2) { cap("sslv2", .f, "SSL 2.0 is accepted (DROWN).") }
        if suites.contains(where: { $0.1.export }) { cap("export-suites", .f, "Export-grade suites are accepted (FREAK, Logjam).") }
        if suites.contains(where: { $0.1.isAnonymous }) {
            cap("anonymous-suites", .f, "Anonymous suites are accepted: no server authentication, trivial man-in-the-middle.")
        }
        if suites.contains(where: { $0.1.cipher == .null && !$0.1.signaling }) {
            cap("null-cipher", .f, "Suites without encryption are accepted.")
        }
        if let dh = suiteResults.compactMap(\.dhBits).min(), dh < 1024 { cap("weak-dh", .f, "DH parameters of \(dh) bits (Logjam).") }
        if versions.contains(.sslv3) { cap("sslv3", .b, "SSL 3.0 is accepted (POODLE).") }
        let rc4 = suites.filter { $0.1.cipher.isRC4 }
        if rc4.contains(where: { $0.0 >= .tls11 }) {
            cap("rc4-modern", .c, "RC4 is accepted with TLS 1.1 or newer.")
        } else if !rc4.isEmpty {
            cap("rc4", .b, "RC4 is accepted.")
        }
        if suites.contains(where: { $0.1.cipher.isTripleDES && $0.0 >= .tls11 }) {
            cap("3des-modern", .c, "3DES is accepted with TLS 1.1 or newer (Sweet32).")
        }
        if !versions.contains(.tls12) && !versions.contains(.tls13) { cap("no-tls12", .c, "TLS 1.2 is not supported.") }
        if versions.contains(.tls10) || versions.contains(.tls11) {
            cap("tls10-tls11", .b, "TLS 1.0 or 1.1 is accepted (deprecated by RFC 8996).")
        }
        if !suites.contains(where: { $0.1.forwardSecrecy && $0.1.authentication != .anon }) {
            cap("no-forward-secrecy", .b, "No suite with forward secrecy is accepted.")
        }
        if !suites.contains(where: { $0.1.aead }) { cap("no-aead", .b, "No AEAD suite is accepted.") }
        let findings = Set(chains.filter { $0.chain.sni == scan.serverName }.flatMap { $0.report.findings.map(\.id) })
        if findings.contains(Finding.ID.missingIntermediate) { cap("incomplete-chain", .b, "The certificate chain is incomplete.") }
        if let bits = chains.compactMap({ $0.report.leaf }).filter({ $0.keyType == "RSA" }).map(\.keyBits).min(), bits < 2048 {
            cap("rsa-key", .b, "The RSA certificate key has \(bits) bits.")
        }
        if !findings.isDisjoint(with: [
            Finding.ID.untrusted, Finding.ID.selfSigned,
            Finding.ID.expired, Finding.ID.notYetValid,
            Finding.ID.weakSignature,
        ]) {
            cap("untrusted", .t, "The certificate is not trusted (untrusted, self-signed, out of its validity dates, or SHA-1/MD5 signed).")
        }
        if findings.contains(Finding.ID.nameMismatch) { cap("name-mismatch", .m, "The certificate does not cover the origin's name.") }
        for item in caps where item.limit > letter { letter = item.limit }
        if letter == .a, suites.contains(where: { !$0.1.forwardSecrecy }) {
            letter = .aMinus
            caps.append(Cap(rule: "partial-forward-secrecy", limit: .aMinus, reason: "Some accepted suites lack forward secrecy."))
        }
        return Grade(
            letter: letter, score: score, protocolScore: protocolPart, keyExchangeScore: keyPart,
            cipherScore: cipherPart, caps: caps)
    }

    static func protocolScore(_ version: TLSVersion) -> Int {
        switch version {
        case .sslv2: 0
        case .sslv3: 80
        case .tls10: 90
        case .tls11: 95
        case .tls12, .tls13: 100
        }
    }

    static func cipherScore(_ bits: Int) -> Int {
        bits == 0 ? 0 : bits < 128 ? 20 : bits < 256 ? 80 : 100
    }

    /// The weakest key exchange seen: the DH prime, the ECDHE curve, or the RSA certificate key for static RSA.
    static func keyExchangeScore(_ suites: [SuiteResult], chains: [ChainAnalysis]) -> Int {
        var strengths: [Int] = []
        for suite in suites {
            guard let info = suite.suite else { continue }
            if info.isAnonymous { strengths.append(0); continue }
            if info.export { strengths.append(512); continue }
            if let bits = suite.dhBits { strengths.append(bits); continue }
            if let group = suite.group, let named = Catalog.shared.group(code: group) {
                // Map curve size to the equivalent RSA/DH strength (NIST SP 800-57).
                let curveBits = named.bits ?? 256
                strengths.append(curveBits >= 384 ? 7680 : curveBits >= 253 ? 3072 : 2048)
                continue
            }
            if info.keyExchange == .rsa, let rsa = chains.compactMap({ $0.report.leaf }).first(where: { $0.keyType == "RSA" }) {
                strengths.append(rsa.keyBits)
            }
        }
        guard let weakest = strengths.min() else { return 90 }
        switch weakest {
        case 0: return 0
        case ..<512: return 20
        case ..<1024: return 40
        case ..<2048: return 80
        case ..<4096: return 90
        default: return 100
        }
    }
}
