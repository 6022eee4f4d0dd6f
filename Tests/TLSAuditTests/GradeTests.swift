import Foundation
import TestSupport
import Testing
import TLSCatalog
import TLSEngines
import TLSScan
@testable import TLSAudit

/// Grades of real origins, with every cap named.
@Suite(.serialized) struct GradeTests {
    func analysis(_ kind: String, trustOrigin: Bool) async throws -> ScanAnalysis {
        let origin = try await TestOrigin.start(kind)
        defer { origin.stop() }
        var options = ScanOptions()
        options.crossCheck = false
        options.serverName = "localhost"
        let scan = await Scanner(options: options, environment: SystemEnvironment()).scan(Target(host: origin.host, port: origin.port))
        var analysisOptions = AnalysisOptions()
        analysisOptions.trustStore = trustOrigin
            ? try TrustStore(pem: String(contentsOfFile: origin.dir + "/root.crt", encoding: .utf8)) : .empty()
        return await ScanAnalysis.analyze(scan, options: analysisOptions)
    }

    @Test func modernOriginGetsAnA() async throws {
        let result = try await analysis("openssl-modern", trustOrigin: true)
        #expect(result.grade.letter == .a, "\(result.grade)")
        #expect(result.grade.caps.isEmpty)
    }

    @Test func legacyOriginIsCappedAtC() async throws {
        let result = try await analysis("gnutls-legacy", trustOrigin: true)
        #expect(result.grade.letter == .c)
        #expect(Set(result.grade.caps.map(\.rule)) == ["no-tls12", "rc4", "tls10-tls11", "no-forward-secrecy", "no-aead"])
    }

    @Test func sslv3OriginIsCapped() async throws {
        let result = try await analysis("tlslite-sslv3", trustOrigin: true)
        #expect(result.grade.letter == .c)
        #expect(Set(result.grade.caps.map(\.rule)).isSuperset(of: ["sslv3", "no-tls12", "no-aead"]))
    }

    @Test func untrustedCertificateIsT() async throws {
        let pki = try TestPKI.make()
        let root = try String(contentsOf: pki.appendingPathComponent("root.crt"), encoding: .utf8)
        let origin = try await TestOrigin.start("openssl-modern")
        defer { origin.stop() }
        var options = ScanOptions()
        options.crossCheck = false
        options.serverName = "localhost"
        let scan = await Scanner(options: options, environment: SystemEnvironment()).scan(Target(host: origin.host, port: origin.port))
        var analysisOptions = AnalysisOptions()
        // A store holding some other root: the origin's chain leads nowhere trusted.
        analysisOptions.trustStore = try TrustStore(pem: root)
        let result = await ScanAnalysis.analyze(scan, options: analysisOptions)
        #expect(result.grade.letter == .t)
        #expect(result.grade.caps.contains { $0.rule == "untrusted" })
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
