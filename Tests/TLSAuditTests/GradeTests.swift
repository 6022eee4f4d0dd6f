import Foundation
import TestSupport
import Testing
import TLSCatalog
import TLSScan
@testable import TLSAudit

/// Grades of scripted origins (``ScriptedEnvironment``, no sockets), with every cap named. Each origin is the
/// configuration of a real one from scripts/origins/origin.py, serving a chain from `scripts/pki`; the expected
/// letter, scores and caps are the SSL Labs rules applied to that configuration (``GradeOracle``), besides the
/// letters those origins are known for.
@Suite struct GradeTests {
    static let pki: Result<URL, any Error> = Result { try TestPKI.make() }
    /// A PKI of its own: its root vouches for nothing ``pki`` issued.
    static let otherPKI: Result<URL, any Error> = Result { try TestPKI.make() }
    /// The leaf key scripts/pki makes (RSA 2048).
    static let rsaKeyBits = 2048

    /// rsa.crt and the intermediate (chain.pem), for localhost.
    static func rsaChain() throws -> ScriptedServer.Certificate {
        let dir = try pki.get()
        return try ScriptedServer.Certificate(
            .rsa, pemFiles: [dir.appendingPathComponent("rsa.crt"), dir.appendingPathComponent("chain.pem")])
    }

    /// openssl-modern: `-min_protocol TLSv1.2 -max_protocol TLSv1.3 -serverpref -cipher
    /// ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA256
    /// -ciphersuites TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256 -groups X25519:P-256:P-384`.
    static func modern() throws -> ScriptedServer {
        ScriptedServer(
            protocols: [.init(.tls12, suites: [0xC030, 0xCCA8, 0xC02F, 0xC027]), .init(.tls13, suites: [0x1302, 0x1301])],
            groups: [0x001D, 0x0017, 0x0018], certificates: [try rsaChain()])
    }

    /// gnutls-legacy: `NONE:+VERS-TLS1.0:+ARCFOUR-128:+3DES-CBC:+RSA:+MD5:+SHA1` (static RSA only), client order.
    static func legacy() throws -> ScriptedServer {
        ScriptedServer(
            protocols: [.init(.tls10, suites: [0x0004, 0x0005, 0x000A], order: .client)], groups: [],
            certificates: [try rsaChain()])
    }

    /// tlslite-sslv3: tlslite-ng with `--min 3.0 --max 3.0`, its SSL 3.0 suites in its order.
    static func sslv3() throws -> ScriptedServer {
        ScriptedServer(
            protocols: [.init(.sslv3, suites: [0xC014, 0xC013, 0xC012, 0x0039, 0x0033, 0x0016, 0x0035, 0x002F, 0x000A])],
            groups: [0x0017], certificates: [try rsaChain()])
    }

    func analysis(_ server: ScriptedServer, trustedBy pki: Result<URL, any Error> = pki) async throws -> ScanAnalysis {
        var options = ScanOptions()
        options.crossCheck = false
        options.serverName = "localhost"
        options.retryBackoff = .zero
        let scan = await Scanner(options: options, environment: ScriptedEnvironment(server: server)).scan(
            Target(host: "127.0.0.1", port: 443))
        var analysisOptions = AnalysisOptions()
        analysisOptions.trustStore = try TrustStore(
            pem: String(contentsOf: try pki.get().appendingPathComponent("root.crt"), encoding: .utf8))
        return await ScanAnalysis.analyze(scan, options: analysisOptions)
    }

    /// The letter, the scores and the caps the rules give `server`'s configuration.
    func expectGrade(_ grade: Grade, _ server: ScriptedServer, trusted: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = GradeOracle(server, trusted: trusted, rsaKeyBits: Self.rsaKeyBits)
        #expect(grade.letter == expected.letter, "\(grade)", sourceLocation: sourceLocation)
        #expect(Set(grade.caps.map(\.rule)) == expected.caps, "\(grade.caps.map(\.rule))", sourceLocation: sourceLocation)
        #expect(grade.protocolScore == expected.protocolScore, sourceLocation: sourceLocation)
        #expect(grade.keyExchangeScore == expected.keyExchangeScore, sourceLocation: sourceLocation)
        #expect(grade.cipherScore == expected.cipherScore, sourceLocation: sourceLocation)
        #expect(grade.score == expected.score, sourceLocation: sourceLocation)
        #expect(grade.notGraded == nil, sourceLocation: sourceLocation)
    }

    @Test func modernOriginGetsAnA() async throws {
        let server = try Self.modern()
        let result = try await analysis(server)
        expectGrade(result.grade, server)
        #expect(result.grade.letter == .a, "\(result.grade)")
        #expect(result.grade.caps.isEmpty)
    }

    @Test func legacyOriginIsCappedAtC() async throws {
        let server = try Self.legacy()
        let result = try await analysis(server)
        expectGrade(result.grade, server)
        #expect(result.grade.letter == .c)
        #expect(Set(result.grade.caps.map(\.rule)) == ["no-tls12", "rc4", "tls10-tls11", "no-forward-secrecy", "no-aead"])
    }

    @Test func sslv3OriginIsCapped() async throws {
        let server = try Self.sslv3()
        let result = try await analysis(server)
        expectGrade(result.grade, server)
        #expect(result.grade.letter == .c)
        #expect(Set(result.grade.caps.map(\.rule)).isSuperset(of: ["sslv3", "no-tls12", "no-aead"]))
    }

    @Test func untrustedCertificateIsT() async throws {
        let server = try Self.modern()
        // A store holding some other root: the origin's chain leads nowhere trusted.
        let result = try await analysis(server, trustedBy: Self.otherPKI)
        expectGrade(result.grade, server, trusted: false)
        #expect(result.grade.letter == .t)
        #expect(result.grade.caps.contains { $0.rule == "untrusted" })
    }

    /// Issue 23, item 5: no verdict on what was not measured. A timeout or resets that leave the protocol/suite
    /// matrix of a reachable origin undecided leave it without a grade (its RC4 at TLS 1.0, or the suites after the
    /// reset one, could cap it), with the reason; the same origin answering every probe gets its letter.
    @Test(arguments: [
        ScriptedServer.Fault(.handshakeTimeout, version: .tls10),
        ScriptedServer.Fault(.reset, suite: 0xCCA8, source: .engine(.wire)),
    ])
    func anUndecidedMatrixGetsNoGrade(_ fault: ScriptedServer.Fault) async throws {
        var server = try Self.modern()
        server.protocols.append(.init(.tls10, suites: [0x0005, 0x002F]))
        server.faults = [fault]
        let result = try await analysis(server)
        let undecided = result.scan.protocols.filter(\.isUndecided)
        try #require(!undecided.isEmpty, "the fault left nothing undecided: the test proves nothing")
        #expect(result.scan.reachability == .reachable)
        #expect(result.grade.letter == .none, "\(result.grade)")
        #expect(result.grade.caps.isEmpty)
        let reason = try #require(result.grade.notGraded)
        #expect(reason.hasPrefix("not measured:"), "\(reason)")
        for proto in undecided { #expect(reason.contains(proto.version.rawValue), "\(reason)") }

        server.faults = []
        let answered = try await analysis(server)
        expectGrade(answered.grade, server)
        #expect(answered.grade.caps.contains { $0.rule == "rc4" })
    }
}

/// The SSL Labs Server Rating Guide (2009, with the 2014–2020 updates) applied to a scripted configuration instead
/// of a scan: the server accepts every suite it lists at each version it speaks, and each suite's properties are the
/// catalog's (Data/cipher-suites.json). The key exchange of an ECDHE suite and of TLS 1.3 is the server's first
/// group (every configuration here picks groups in its own order); a DHE suite's is the server's DH size; a static
/// RSA one's the certificate key.
struct GradeOracle {
    var protocolScore: Int
    var keyExchangeScore: Int
    var cipherScore: Int
    var score: Int
    var caps: Set<String>
    var letter: Grade.Letter

    init(_ server: ScriptedServer, trusted: Bool, rsaKeyBits: Int) {
        let accepted = server.versions.flatMap { version in
            server.suites(for: version).compactMap { Catalog.shared.suite(code: $0) }.map { (version: version, suite: $0) }
        }
        let versions = Set(server.versions)
        // protocol: the best and the worst version, averaged
        let protocolScores = versions.map { version -> Int in
            switch version {
            case .sslv2: 0
            case .sslv3: 80
            case .tls10: 90
            case .tls11: 95
            case .tls12, .tls13: 100
            }
        }
        protocolScore = ((protocolScores.max() ?? 0) + (protocolScores.min() ?? 0)) / 2
        // key exchange: the weakest, in RSA-equivalent bits (NIST SP 800-57 for curves)
        let curveBits = server.groups.first.flatMap { Catalog.shared.group(code: $0)?.bits } ?? 256
        let curveStrength = curveBits >= 384 ? 7680 : curveBits >= 253 ? 3072 : 2048
        let strengths = accepted.compactMap { _, suite -> Int? in
            if suite.isAnonymous { return 0 }
            if suite.export { return 512 }
            if suite.isTLS13 || suite.keyExchange.isEllipticCurveDH { return curveStrength }
            if suite.keyExchange.isFiniteFieldDH { return server.dhBits }
            if suite.keyExchange == .rsa { return rsaKeyBits }
            return nil
        }
        keyExchangeScore =
            switch strengths.min() ?? 2048 {
            case 0: 0
            case ..<512: 20
            case ..<1024: 40
            case ..<2048: 80
            case ..<4096: 90
            default: 100
            }
        // cipher: the strongest and the weakest, averaged
        let cipherScores = accepted.map { $0.suite.bits == 0 ? 0 : $0.suite.bits < 128 ? 20 : $0.suite.bits < 256 ? 80 : 100 }
        cipherScore = ((cipherScores.max() ?? 0) + (cipherScores.min() ?? 0)) / 2
        score = (protocolScore * 30 + keyExchangeScore * 30 + cipherScore * 40) / 100
        var letter: Grade.Letter = score >= 80 ? .a : score >= 65 ? .b : score >= 50 ? .c : score >= 35 ? .d : score >= 20 ? .e : .f
        var caps: [String: Grade.Letter] = [:]
        let suites = accepted.map(\.suite)
        if versions.contains(.sslv2) { caps["sslv2"] = .f }
        if suites.contains(where: \.export) { caps["export-suites"] = .f }
        if suites.contains(where: \.isAnonymous) { caps["anonymous-suites"] = .f }
        if suites.contains(where: { $0.cipher == .null }) { caps["null-cipher"] = .f }
        if let dh = server.dhBits, dh < 1024, suites.contains(where: { $0.keyExchange.isFiniteFieldDH }) { caps["weak-dh"] = .f }
        if versions.contains(.sslv3) { caps["sslv3"] = .b }
        let rc4 = accepted.filter { $0.suite.cipher.isRC4 }
        if rc4.contains(where: { $0.version >= .tls11 }) {
            caps["rc4-modern"] = .c
        } else if !rc4.isEmpty {
            caps["rc4"] = .b
        }
        if accepted.contains(where: { $0.suite.cipher.isTripleDES && $0.version >= .tls11 }) { caps["3des-modern"] = .c }
        if versions.isDisjoint(with: [.tls12, .tls13]) { caps["no-tls12"] = .c }
        if !versions.isDisjoint(with: [.tls10, .tls11]) { caps["tls10-tls11"] = .b }
        if !suites.contains(where: { $0.forwardSecrecy && $0.authentication != .anon }) { caps["no-forward-secrecy"] = .b }
        if !suites.contains(where: \.aead) { caps["no-aead"] = .b }
        if rsaKeyBits < 2048 { caps["rsa-key"] = .b }
        if !trusted { caps["untrusted"] = .t }
        for limit in caps.values where limit > letter { letter = limit }
        if letter == .a, suites.contains(where: { !$0.forwardSecrecy }) {
            letter = .aMinus
            caps["partial-forward-secrecy"] = .aMinus
        }
        self.caps = Set(caps.keys)
        self.letter = letter
    }
}

/// Grade letters are ordered by how bad they are (issue 14, item 3: no ranking by array position).
@Test func gradeLettersAreOrderedFromBestToWorst() {
    let letters: [Grade.Letter] = [.aPlus, .a, .aMinus, .b, .c, .d, .e, .f, .t, .m, .none]
    #expect(letters == letters.sorted())
    #expect(Grade.Letter.b < .c && Grade.Letter.f < .t && Grade.Letter.t < .m)
    #expect(letters.map(\.rawValue) == ["A+", "A", "A-", "B", "C", "D", "E", "F", "T", "M", "-"])
    #expect("\(Grade.Letter.aMinus)" == "A-")
}
