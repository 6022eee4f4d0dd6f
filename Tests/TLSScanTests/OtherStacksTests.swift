import Foundation
import TestSupport
import Testing
import TLSAudit
import TLSCatalog
import TLSEngines
import TLSScan

/// Scans two more real TLS stacks behind lighttpd 1.4.69 — wolfSSL 5.5.4 (`lighttpd-wolfssl`) and mbedTLS 2.28.3
/// (`lighttpd-mbedtls`), Debian packages from scripts/bootstrap — and compares what the scanner finds with what each
/// server was configured with. The expectations are the configuration of scripts/origins/origin.py
/// (LIGHTTPD_WOLFSSL, LIGHTTPD_MBEDTLS), written here with the same names the server was given, mapped to code points
/// through the catalog and cut down by what each library does with them (measured with
/// scripts/origins/hello_limits.py and openssl s_client, Tests/OriginsFixtureNotes.md "lighttpd on wolfSSL and
/// mbedTLS"); change both together. Nothing here is copied from a tlsmatrix report.
///
/// Without lighttpd or its TLS modules the tests are skipped, except in CI (`CI` set), where they fail.
@Suite(.serialized) struct OtherStacksTests {
    /// One origin's configuration, in the names the server was given, and what its library makes of them.
    struct Configured: Sendable, CustomTestStringConvertible {
        let kind: String
        /// MinProtocol ... MaxProtocol.
        let versions: [TLSVersion]
        /// ssl.openssl.ssl-conf-cmd "CipherString", in order (both stacks pick in server order).
        let cipherString: [String]
        /// The configured name -> the catalog's name (mbedTLS spells IANA names with '-').
        let catalogName: @Sendable (String) -> String
        /// Whether the library, as built by Debian, can negotiate `suite` at `version` at all.
        let libraryAllows: @Sendable (CipherSuite, TLSVersion) -> Bool
        /// Groups the TLS 1.0–1.2 ECDHE suites are offered with ("Curves"), in the server's order when it has one.
        let ecdheGroups: [String]
        /// true when the server picks groups in the order of `ecdheGroups` (mbedTLS), false: one group only.
        let ecdheGroupOrder: Bool
        /// The TLS 1.3 groups the library takes with a key share of their own (wolfSSL: not configurable through
        /// lighttpd; measured), which a scan must find; nil: no TLS 1.3.
        let tls13Groups: [String]?
        /// TLS 1.3 groups it also takes, after a HelloRetryRequest, that a scan may report (FFDHE: no sample share).
        let tls13MayGroups: [String]
        var testDescription: String { kind }
    }

    /// LIGHTTPD_WOLFSSL: TLSv1.2–TLSv1.3, IANA names only (so wolfSSL 5.5.4 takes the list as it stands), Curves
    /// secp384r1, ssl.ca-file = the intermediate (for status_request). Debian's libwolfssl35 is built without
    /// static-RSA key exchange (wolfSSL_get_ciphers lists no TLS_RSA_WITH_* suite), so the two listed are dropped.
    static let wolfSSL = Configured(
        kind: "lighttpd-wolfssl",
        versions: [.tls12, .tls13],
        cipherString: [
            "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA",
        ],
        catalogName: { $0 },
        libraryAllows: { suite, version in suite.keyExchange != .rsa && suite.versions.contains(version) },
        // wolfSSL_SSL_CTX_set_tmp_ecdh(secp384r1): TLS 1.2 ECDHE on that curve only
        ecdheGroups: ["secp384r1"], ecdheGroupOrder: false,
        // wolfSSL 5.5.4's own TLS 1.3 groups (hello_limits.py groups: each offered alone)
        tls13Groups: ["secp256r1", "secp384r1", "secp521r1", "x25519", "x448"], tls13MayGroups: ["ffdhe2048", "ffdhe3072"])

    /// LIGHTTPD_MBEDTLS: TLSv1.0–TLSv1.2 (mbedTLS 2.28 has no TLS 1.3 server), mbedTLS's suite names, Curves
    /// secp256r1:x25519:secp384r1 (the server's order). Per version mbedTLS's own table (ssl_ciphersuites.c) decides:
    /// AEAD and SHA-256/384 suites are TLS 1.2 only, except the Camellia-CBC ones with SHA-256/384 (RFC 6367), which
    /// it allows from TLS 1.0 on.
    static let mbedTLS = Configured(
        kind: "lighttpd-mbedtls",
        versions: [.tls10, .tls11, .tls12],
        cipherString: [
            "TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384", "TLS-ECDHE-RSA-WITH-CHACHA20-POLY1305-SHA256",
            "TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256", "TLS-ECDHE-RSA-WITH-AES-256-CBC-SHA384",
            "TLS-ECDHE-RSA-WITH-CAMELLIA-128-CBC-SHA256", "TLS-ECDHE-RSA-WITH-AES-128-CBC-SHA",
            "TLS-DHE-RSA-WITH-AES-128-GCM-SHA256", "TLS-DHE-RSA-WITH-AES-128-CCM",
            "TLS-RSA-WITH-AES-128-GCM-SHA256", "TLS-RSA-WITH-AES-256-CBC-SHA", "TLS-RSA-WITH-AES-128-CBC-SHA256",
        ],
        catalogName: { $0.replacingOccurrences(of: "-", with: "_") },
        libraryAllows: { suite, version in
            suite.versions.contains(version)
                || (version >= .tls10 && suite.iana.contains("_CAMELLIA_") && suite.iana.contains("_CBC_SHA")
                    && suite.versions.contains(.tls12))
        },
        ecdheGroups: ["secp256r1", "x25519", "secp384r1"], ecdheGroupOrder: true,
        tls13Groups: nil, tls13MayGroups: [])

    static let allVersions: [TLSVersion] = [.sslv2, .sslv3, .tls10, .tls11, .tls12, .tls13]

    /// What lighttpd-wolfssl / lighttpd-mbedtls need (scripts/bootstrap installs them), or nil.
    static func toolsMissing() -> String? {
        let fm = FileManager.default
        var missing: [String] = []
        if !["/usr/sbin/lighttpd", "/usr/bin/lighttpd"].contains(where: fm.isExecutableFile(atPath:)) { missing.append("lighttpd") }
        for module in ["mod_wolfssl", "mod_mbedtls"] where !fm.fileExists(atPath: "/usr/lib/lighttpd/\(module).so") {
            missing.append("/usr/lib/lighttpd/\(module).so (lighttpd-\(module.replacingOccurrences(of: "_", with: "-")))")
        }
        return missing.isEmpty ? nil : missing.joined(separator: ", ")
    }

    static let toolsReady: Bool = toolsMissing() == nil || ProcessInfo.processInfo.environment["CI"] != nil
    static let skipReason = Comment(
        rawValue: "lighttpd origins need \(toolsMissing() ?? "nothing"); run scripts/bootstrap (in CI a missing tool fails)")

    // MARK: expectations, from the configuration

    /// The suites the configuration gives `version`, in the configured (= the server's) order.
    static func expectedSuites(_ configured: Configured, _ version: TLSVersion) throws -> [UInt16] {
        guard configured.versions.contains(version) else { return [] }
        return try configured.cipherString.compactMap { name in
            let suite = try #require(Catalog.shared.suite(named: configured.catalogName(name)), "\(name) not in the catalog")
            return configured.libraryAllows(suite, version) ? suite.code : nil
        }
    }

    static func groupCodes(_ names: [String]) throws -> [UInt16] {
        try names.map { try #require(Catalog.shared.group(named: $0), "group \($0) not in the catalog").code }
    }

    // MARK: the tests

    @Test(.enabled(if: toolsReady, skipReason), arguments: [wolfSSL, mbedTLS])
    func findsExactlyTheConfiguredSuitesAndGroups(_ configured: Configured) async throws {
        let origin = try await TestOrigin.start(configured.kind)
        defer { origin.stop() }
        var options = ScanOptions()
        options.deadlines = Deadlines(connect: .seconds(5), handshake: .seconds(10))
        options.httpPort = nil
        let scan = await Scanner(options: options, environment: SystemEnvironment()).scan(Target(host: origin.host, port: origin.port))
        print(Self.summary(configured.kind, scan))

        let reachable = scan.reachability == .reachable, complete = scan.isComplete
        #expect(reachable, "\(configured.kind): \(scan.reachability)")
        #expect(complete, "\(configured.kind): undecided \(scan.undecided.map(\.reason))")
        for version in Self.allVersions {
            let want = try Self.expectedSuites(configured, version)
            guard let result = scan.protocolResult(version) else {
                Issue.record("\(configured.kind) \(version): no result")
                continue
            }
            let got = result.suites.map(\.code)
            #expect(result.complete, "\(configured.kind) \(version): not complete (\(result.note ?? ""))")
            if want.isEmpty {
                #expect(result.supported == false, "\(configured.kind) \(version) should be refused")
                #expect(got.isEmpty, "\(configured.kind) \(version): extra \(Self.hex(got))")
                continue
            }
            #expect(result.supported == true, "\(configured.kind) \(version) should be supported (\(result.note ?? ""))")
            #expect(
                Set(got) == Set(want),
                "\(configured.kind) \(version): missing \(Self.hex(Set(want).subtracting(got))) extra \(Self.hex(Set(got).subtracting(want)))"
            )
            if want.count >= 2 {
                // lighttpd's default ssl.honor-cipher-order; both libraries then pick by the configured list
                #expect(result.serverPreference == true, "\(configured.kind) \(version) should follow server order")
                #expect(got == want, "\(configured.kind) \(version) order: got \(Self.hex(got)) want \(Self.hex(want))")
            }
        }

        // Groups: the ECDHE curves ("Curves") at the newest of TLS 1.0–1.2, and TLS 1.3's where there is TLS 1.3.
        let ecdhe = try Self.groupCodes(configured.ecdheGroups)
        let newestLegacy = configured.versions.filter { $0 < .tls13 }.max()
        for entry in scan.groups {
            let groupsComplete = entry.complete
            #expect(groupsComplete, "\(configured.kind) \(entry.version) groups not complete: \(Self.hex(entry.groups))")
            if entry.version == .tls13 {
                let want = Set(try Self.groupCodes(try #require(configured.tls13Groups, "\(configured.kind) has no TLS 1.3")))
                let may = want.union(try Self.groupCodes(configured.tls13MayGroups))
                let found = Set(entry.groups)
                #expect(
                    want.isSubset(of: found) && found.isSubset(of: may),
                    "\(configured.kind) TLSv1.3 groups: missing \(Self.hex(want.subtracting(found))) extra \(Self.hex(found.subtracting(may)))"
                )
            } else {
                #expect(entry.version == newestLegacy, "\(configured.kind): groups at \(entry.version)")
                if configured.ecdheGroupOrder {
                    #expect(
                        entry.groups == ecdhe,
                        "\(configured.kind) \(entry.version) groups: got \(Self.hex(entry.groups)) want \(Self.hex(ecdhe)) in that order")
                } else {
                    #expect(
                        Set(entry.groups) == Set(ecdhe),
                        "\(configured.kind) \(entry.version) groups: got \(Self.hex(entry.groups)) want \(Self.hex(ecdhe))")
                }
            }
        }
        #expect(
            Set(scan.groups.map(\.version)) == Set([newestLegacy].compactMap { $0 } + (configured.tls13Groups == nil ? [] : [.tls13])),
            "\(configured.kind): group results for \(scan.groups.map(\.version))")

        // The intermediate goes out with the leaf (ssl.pemfile is rsa-fullchain.pem).
        let chains = scan.certificates.map { "\($0.authentication) \($0.der.count)" }
        #expect(chains.contains("RSA 2"), "\(configured.kind): chains \(chains)")

        // CloudFront's documented origin client (TLSv1.2, its 16 suites and 3 curves): the server's first suite
        // among CloudFront's, on the server's first (or only) curve among CloudFront's.
        let profile = try #require(Catalog.shared.client(id: ClientProfile.ID.cloudFrontOrigin))
        let verdict = CloudFrontVerdict.evaluate(scan)
        let wantSuite = try Self.expectedSuites(configured, .tls12).first { profile.suites.contains($0) }
        let wantGroup = ecdhe.first { profile.groups.contains($0) }
        #expect(verdict.compatible == true, "\(configured.kind): CloudFront \(verdict.causes.map(\.id))")
        #expect(verdict.protocolVersion == .tls12)
        #expect(verdict.suite == wantSuite, "\(configured.kind): CloudFront suite \(verdict.suite.map(CodePointFormat.hex) ?? "-")")
        #expect(verdict.group == wantGroup, "\(configured.kind): CloudFront group \(verdict.group.map(CodePointFormat.hex) ?? "-")")

        // Each CloudFront generation's own hello (observeCloudFront): answered at the newest version both speak;
        // at TLS 1.2 with the server's first suite among the generation's.
        let generationIDs = Set(CloudFrontGeneration.allCases.map(\.profileID))
        let generations = scan.observations.filter { generationIDs.contains($0.client) }
        #expect(generations.count == CloudFrontGeneration.allCases.count)
        for observation in generations {
            let generation = try #require(Catalog.shared.client(id: observation.client), "\(observation.client) not in the catalog")
            let version = observation.versions.filter(configured.versions.contains).max()
            #expect(
                observation.result == .accepted,
                "\(configured.kind) \(observation.client): \(observation.result) \(observation.reason ?? "")")
            #expect(
                observation.protocolVersion == version,
                "\(configured.kind) \(observation.client): \(observation.protocolVersion.map(String.init(describing:)) ?? "-")")
            if version == .tls12 {
                let suite = try Self.expectedSuites(configured, .tls12).first { generation.suites.contains($0) }
                #expect(
                    observation.suite == suite,
                    "\(configured.kind) \(observation.client): suite \(observation.suite.map(CodePointFormat.hex) ?? "-")")
            }
        }
    }

    // MARK: helpers

    static func summary(_ kind: String, _ scan: ScanResult) -> String {
        var lines = ["== \(kind): complete \(scan.isComplete), connections \(scan.connections), probes \(scan.probes)"]
        for result in scan.protocols {
            lines.append(
                "  \(result.version): supported \(result.supported.map(String.init) ?? "?") serverPreference \(result.serverPreference.map(String.init) ?? "?") complete \(result.complete)"
                    + " \(hex(result.suites.map(\.code)))" + (result.note.map { " note: \($0)" } ?? ""))
        }
        for group in scan.groups {
            lines.append("  groups \(group.version): \(hex(group.groups)) complete \(group.complete)")
        }
        for finding in scan.findings {
            lines.append("  finding \(finding.id): \(finding.message)")
        }
        for undecided in scan.undecided {
            lines.append("  undecided \(undecided)")
        }
        return lines.joined(separator: "\n")
    }

    static func hex<S: Sequence<UInt16>>(_ codes: S) -> String {
        "[" + codes.map(CodePointFormat.hex).joined(separator: ",") + "]"
    }
}
