import Foundation
import TestSupport
import Testing
import TLSCatalog
import TLSModel
import TLSEngines
import TLSScan
@testable import TLSAudit

/// Issue 12: each CloudFront generation's own ClientHello is sent to real servers (openssl s_server, started here,
/// with a valid chain from `scripts/testpki`); the per-generation verdict is what was observed. Expected answers are
/// computed from the generation's profile data and the server's configuration.
@Suite(.serialized) struct CloudFrontGenerationTests {
    static let pki: Result<URL, any Error> = Result { try TestPKI.audit("generations") }

    /// Serves good.crt (+ int.crt) with `extra` s_server options, scans it (SNI origin.example.com) and analyses it.
    func analyse(_ extra: [String], originProtocols: [TLSVersion] = [.tls12], crossCheck: Bool = false) async throws -> ScanAnalysis {
        let dir = try Self.pki.get()
        let (certificate, key, chain) = (
            dir.appendingPathComponent("good.crt").path, dir.appendingPathComponent("leaf.key").path,
            dir.appendingPathComponent("int.crt").path
        )
        let server = try await OpenSSLServer.start(certificate: certificate, key: key, chain: chain, extra: extra)
        defer { server.stop() }
        return try await analyse(port: server.port, originProtocols: originProtocols, crossCheck: crossCheck)
    }

    /// Scans 127.0.0.1:`port` (SNI origin.example.com) and analyses it against the test root only.
    func analyse(port: Int, originProtocols: [TLSVersion] = [.tls12], crossCheck: Bool = false) async throws -> ScanAnalysis {
        var options = ScanOptions()
        options.serverName = "origin.example.com"
        options.crossCheck = crossCheck
        options.checkWithoutSNI = false
        options.httpPort = nil
        options.originProtocols = originProtocols
        let scan = await Scanner(options: options, environment: SystemEnvironment()).scan(Target(host: "127.0.0.1", port: port))
        var analysisOptions = AnalysisOptions()
        analysisOptions.originProtocols = originProtocols
        analysisOptions.trustStore = try TrustStore(
            pem: String(contentsOf: try Self.pki.get().appendingPathComponent("root.crt"), encoding: .utf8))
        return await ScanAnalysis.analyze(scan, options: analysisOptions)
    }

    static func profile(_ generation: CloudFrontGeneration) throws -> ClientProfile {
        try #require(Catalog.shared.client(id: generation.profileID))
    }

    static func code(_ iana: String) throws -> UInt16 {
        try #require(Catalog.shared.suites.first { $0.iana == iana }?.code)
    }

    /// A TLS 1.3-only origin: the documented client and CloudFront-Upstream (TLS ≤ 1.2) cannot connect; the 2025
    /// generations can, observed. The suite is the generation's first TLS 1.3 suite the server enables (s_server
    /// follows the client's order without -serverpref), the group its first key share the server accepts.
    @Test func tls13OnlyOriginDependsOnGeneration() async throws {
        let serverSuites = ["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]
        let serverGroups: [UInt16] = [0x0017, 0x001D]  // P-256, X25519
        let analysis = try await analyse(["-tls1_3", "-ciphersuites", serverSuites.joined(separator: ":"), "-groups", "P-256:X25519"])
        let verdict = analysis.cloudfront
        #expect(verdict.status == .dependsOnGeneration)
        #expect(verdict.compatible == false)
        let codes = try serverSuites.map(Self.code)
        for generation in verdict.generations {
            let profile = try Self.profile(generation.generation)
            #expect(generation.observed, "\(generation.generation): \(String(describing: generation.observation))")
            if profile.supports(.tls13) {
                let suite = try #require(profile.suites.first(where: codes.contains))
                let group = try #require(profile.keyShareGroups.first(where: serverGroups.contains))
                #expect(generation.compatible == true, "\(generation.generation): \(generation.causes)")
                #expect(generation.protocolVersion == .tls13)
                #expect(generation.suite == suite)
                #expect(generation.group == group)
                #expect(generation.difference == nil)
            } else {
                #expect(generation.compatible == false)
                #expect(generation.causes.map(\.id) == ["no-common-protocol"])
            }
        }
    }

    /// s2n-tls's own rules for the s2n generations (Data/sources/reference/s2n-client-rules.md): an optional request
    /// (s_server -verify 1, TLS 1.2: the CertificateRequest is in clear, the cross-check's handshakes without a
    /// certificate complete) connects with an empty Certificate; the documented client keeps AWS's documented rule.
    @Test func optionalClientCertificateRequestConnectsForS2N() async throws {
        let analysis = try await analyse(["-no_tls1_3", "-verify", "1"], crossCheck: true)
        let request = try #require(analysis.scan.clientCertificate, "no request recorded")
        #expect(request.versions == [.tls12])
        #expect(request.required == false, "library handshakes without a certificate completed")
        #expect(analysis.scan.findings.contains { $0.id == Finding.ID.clientCertificateRequested && $0.message.contains("optional") })
        for generation in analysis.cloudfront.generations {
            if generation.generation.isDocumented {
                #expect(generation.compatible == false)
                #expect(generation.causes.map(\.id) == [Finding.ID.clientCertificateRequested])
            } else {
                #expect(generation.compatible == true, "\(generation.generation): \(generation.causes)")
                #expect(generation.causes.isEmpty)
            }
        }
        #expect(analysis.cloudfront.status == .dependsOnGeneration)
    }

    /// gnutls-serv as it comes asks every client for a certificate, optionally (scripts/origins/origin.py
    /// gnutls-optional-cert): the s2n generations connect with an empty Certificate, the documented one does not.
    @Test func gnutlsServDefaultRequestConnectsForS2N() async throws {
        let origin = try await TestOrigin.start("gnutls-optional-cert")
        defer { origin.stop() }
        var options = ScanOptions()
        options.serverName = "localhost"
        options.httpPort = nil
        let scan = await Scanner(options: options, environment: SystemEnvironment()).scan(Target(host: "127.0.0.1", port: origin.port))
        var analysisOptions = AnalysisOptions()
        analysisOptions.trustStore = try TrustStore(pem: String(contentsOfFile: origin.dir + "/root.crt", encoding: .utf8))
        let analysis = await ScanAnalysis.analyze(scan, options: analysisOptions)
        #expect(scan.clientCertificate == ClientCertificateRequest(versions: [.tls12], required: false))
        for generation in analysis.cloudfront.generations {
            #expect(
                generation.compatible == !generation.generation.isDocumented, "\(generation.generation): \(generation.causes.map(\.id))")
            #expect(generation.causes.map(\.id) == (generation.generation.isDocumented ? [Finding.ID.clientCertificateRequested] : []))
        }
    }

    /// A required request (s_server -Verify 1, TLS 1.2) fails every generation: s2n's empty Certificate is refused.
    @Test func requiredClientCertificateFailsEveryGeneration() async throws {
        let analysis = try await analyse(["-no_tls1_3", "-Verify", "1"], crossCheck: true)
        #expect(analysis.scan.clientCertificate?.required == true)
        for generation in analysis.cloudfront.generations {
            #expect(generation.compatible == false, "\(generation.generation)")
            #expect(generation.causes.contains { $0.id == Finding.ID.clientCertificateRequested })
        }
        #expect(analysis.cloudfront.status == .notCompatible)
    }

    /// s2n takes the first certificate as the leaf: a chain sent intermediate first (tlslite-ng serves the file in
    /// its order) fails every s2n generation (leaf-not-first) and the documented one (wrong-chain-order); disorder
    /// after the leaf is fine for s2n, which hands the rest to AWS-LC's path building.
    @Test func s2nGenerationsNeedTheLeafFirst() async throws {
        let dir = try Self.pki.get()
        func served(_ chain: [String]) async throws -> ScanAnalysis {
            let pem = try chain.map { try String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8) }.joined()
            let file = dir.appendingPathComponent("served-\(UUID().uuidString).pem")
            try pem.write(to: file, atomically: true, encoding: .utf8)
            let server = try TLSLiteServer(certificatePEM: file.path, keyPEM: dir.appendingPathComponent("leaf.key").path)
            defer { server.stop() }
            return try await analyse(port: server.port)
        }
        let reversed = try await served(["int.crt", "good.crt"])
        for generation in reversed.cloudfront.generations {
            #expect(generation.compatible == false, "\(generation.generation)")
            let want = generation.generation.isDocumented ? "wrong-chain-order" : CloudFrontVerdict.leafNotFirst
            #expect(generation.causes.map(\.id).contains(want), "\(generation.generation): \(generation.causes.map(\.id))")
        }
        let leafFirst = try await served(["good.crt", "root.crt", "int.crt"])
        for generation in leafFirst.cloudfront.generations {
            #expect(!generation.causes.contains { $0.id == CloudFrontVerdict.leafNotFirst }, "\(generation.generation)")
            if !generation.generation.isDocumented {
                #expect(generation.compatible == true, "\(generation.generation): \(generation.causes.map(\.id))")
            }
        }
    }

    /// SSLv3 follows what s2n-tls does (Data/sources/reference/s2n-client-rules.md §1): s2n offers
    /// extended_master_secret on every new connection, and tlslite-ng echoes it in an SSLv3 ServerHello, after which
    /// the handshake cannot complete. Every generation whose own hello offers the extension (its profile's
    /// extensions) and gets SSLv3 fails with the cause; one whose hello has no such extension connects.
    @Test func sslv3WithExtendedMasterSecretFailsTheGenerationsThatOfferIt() async throws {
        let origin = try await TestOrigin.start("tlslite-sslv3")
        defer { origin.stop() }
        var options = ScanOptions()
        options.serverName = "localhost"
        options.crossCheck = false
        options.httpPort = nil
        options.originProtocols = [.sslv3]
        let scan = await Scanner(options: options, environment: SystemEnvironment()).scan(Target(host: "127.0.0.1", port: origin.port))
        var analysisOptions = AnalysisOptions()
        analysisOptions.originProtocols = [.sslv3]
        analysisOptions.trustStore = try TrustStore(pem: String(contentsOfFile: origin.dir + "/root.crt", encoding: .utf8))
        let verdict = await ScanAnalysis.analyze(scan, options: analysisOptions).cloudfront
        var judged = 0
        for generation in verdict.generations {
            let observation = try #require(generation.observation, "\(generation.generation)")
            guard observation.protocolVersion == .sslv3 else { continue }
            judged += 1
            // an SSLv3-only hello carries no extensions (the documented client under SSLv3)
            let offersEMS =
                try Self.profile(generation.generation).extensions.contains(0x0017) && generation.versions.contains { $0 > .sslv3 }
            #expect(observation.extendedMasterSecret == offersEMS, "\(generation.generation): tlslite echoes what was offered")
            if offersEMS {
                #expect(generation.compatible == false, "\(generation.generation)")
                #expect(generation.causes.map(\.id) == [CloudFrontVerdict.sslv3ExtendedMasterSecret])
            } else {
                #expect(generation.compatible == true, "\(generation.generation): \(generation.causes.map(\.id))")
            }
        }
        #expect(judged >= 2, "the SSLv3-only hellos (documented, CloudFront-Upstream) got SSLv3")
        #expect(
            verdict.generations.contains { $0.causes.contains { $0.id == CloudFrontVerdict.sslv3ExtendedMasterSecret } },
            "no generation offered the extension and got SSLv3: the test proved nothing")
    }

    /// A TLS 1.3-only origin that requires a client certificate (s_server -Verify 1): its CertificateRequest is
    /// encrypted, so the wire probes cannot see it; the one OpenSSL confirmation that listens after its handshake
    /// gets certificate_required (116), and every generation fails with the origin-mTLS cause.
    @Test func tls13ClientCertificateRequirementIsFound() async throws {
        let analysis = try await analyse(["-tls1_3", "-Verify", "1"], crossCheck: true)
        let finding = try #require(analysis.scan.findings.first { $0.id == Finding.ID.clientCertificateRequested })
        #expect(finding.message.contains("certificate_required"))
        for generation in analysis.cloudfront.generations {
            #expect(generation.compatible == false)
            #expect(generation.causes.contains { $0.id == Finding.ID.clientCertificateRequested })
        }
        // and a TLS 1.3 origin that does not ask gets no such finding
        let plain = try await analyse(["-tls1_3"], crossCheck: true)
        #expect(!plain.scan.findings.contains { $0.id == Finding.ID.clientCertificateRequested })
        #expect(plain.cloudfront.status == .dependsOnGeneration)
    }

    /// A hello-intolerant middlebox (scripts/origins/relay.py --max-suites 21: a ClientHello with more suites is
    /// answered by a bare close) in front of a TLS 1.2+1.3 origin. The matrix still finds everything (the scanner
    /// retries small lists); the documented and CloudFront-Upstream hellos (16 and 19 suites + SCSV) pass, the
    /// 2025 generations' own hellos (22 + SCSV) are closed: hello-intolerance, not what the matrix predicts.
    @Test func helloIntoleranceOnTheGenerationsOwnHello() async throws {
        let dir = try Self.pki.get()
        let (certificate, key, chain) = (
            dir.appendingPathComponent("good.crt").path, dir.appendingPathComponent("leaf.key").path,
            dir.appendingPathComponent("int.crt").path
        )
        let server = try await OpenSSLServer.start(certificate: certificate, key: key, chain: chain)
        defer { server.stop() }
        let relay = try await OffPool.run { try Relay.start(listen: "127.0.0.1", to: server.port, maxSuites: 21) }
        defer { relay.stop() }
        let analysis = try await analyse(port: relay.port)
        #expect(analysis.cloudfront.status == .dependsOnGeneration)
        for generation in analysis.cloudfront.generations {
            let profile = try Self.profile(generation.generation)
            let offered = profile.suites.count + (profile.sendsRenegotiationSCSV ? 1 : 0)
            #expect(generation.observed)
            if offered > 21 {
                #expect(generation.compatible == false)
                #expect(generation.predicted.compatible == true)
                #expect(generation.causes.map(\.id) == ["hello-intolerance"])
                #expect(generation.observation?.silent == true)
            } else {
                #expect(generation.compatible == true, "\(generation.generation): \(generation.causes)")
            }
        }
        let differs = analysis.scan.findings.filter { $0.id == CloudFrontVerdict.observationDiffers && $0.severity == .warning }
        #expect(differs.filter { $0.message.hasPrefix("CloudFront-Upstream-2025") }.count == 2)
    }

    /// TLS 1.2 with three suites only CloudFront-Upstream's s2n list has (0x009D, 0x009C, 0x003C), none of the
    /// documented 16: the documented client fails, every s2n generation connects with the first of them in its order.
    @Test func suitesOnlyS2NOffersDependOnGeneration() async throws {
        let serverSuites = ["AES256-GCM-SHA384", "AES128-GCM-SHA256", "AES128-SHA256"]  // 0x009D 0x009C 0x003C
        let analysis = try await analyse(["-tls1_2", "-cipher", serverSuites.joined(separator: ":")])
        let codes: [UInt16] = [0x009D, 0x009C, 0x003C]
        let verdict = analysis.cloudfront
        #expect(verdict.status == .dependsOnGeneration)
        for generation in verdict.generations {
            let profile = try Self.profile(generation.generation)
            #expect(generation.observed)
            if let expected = profile.suites.first(where: codes.contains) {
                #expect(generation.compatible == true, "\(generation.generation): \(generation.causes)")
                #expect(generation.protocolVersion == .tls12)
                #expect(generation.suite == expected)
            } else {
                #expect(generation.generation == .documented)
                #expect(generation.compatible == false)
                #expect(generation.causes.map(\.id) == ["no-common-cipher"])
            }
        }
    }

    /// With OriginSslProtocols TLSv1.1 the documented client offers only TLS 1.1; s2n's CloudFront-Upstream-TLS-1-1
    /// policy offers TLS 1.1 and 1.2, and the 2025 ones up to TLS 1.3. Against a TLS 1.2+1.3 origin: documented
    /// fails, the others connect with their highest common version.
    @Test func originProtocolsMapToS2NPolicies() async throws {
        let analysis = try await analyse(["-no_tls1", "-no_tls1_1"], originProtocols: [.tls11])
        let verdict = analysis.cloudfront
        for generation in verdict.generations {
            let profile = try Self.profile(generation.generation)
            #expect(generation.versions == profile.versions.filter { generation.generation == .documented ? $0 == .tls11 : $0 >= .tls11 })
            switch generation.generation {
            case .documented:
                #expect(generation.compatible == false)
                #expect(generation.s2nPolicy == nil)
            case .upstream:
                #expect(generation.protocolVersion == .tls12)
                #expect(generation.s2nPolicy == "CloudFront-Upstream-TLS-1-1")
            case .upstream2025, .upstream2025PQ:
                #expect(generation.protocolVersion == .tls13)
                #expect(generation.s2nPolicy?.hasPrefix("CloudFront-Upstream-TLS-1-1-2025") == true)
            }
        }
    }
}

/// Issue 12 against Node 24 (OpenSSL 3.5) origins from `scripts/origin`: post-quantum key exchange observed for the
/// -PQ generation, and an origin that asks for a client certificate. Without scripts/bootstrap's Node the tests are
/// skipped (shown as skipped, with the reason), except in CI (`CI` set), where the missing tool fails them.
@Suite(.serialized) struct CloudFrontGenerationNodeTests {
    /// Run unless Node is missing outside CI.
    static let toolsReady: Bool = TestOrigin.nodeMissing() == nil || ProcessInfo.processInfo.environment["CI"] != nil
    static let skipReason = Comment(
        rawValue: "Node origins need \(TestOrigin.nodeMissing() ?? "nothing"); run scripts/bootstrap (in CI a missing tool fails)")

    func analyse(_ kind: String, crossCheck: Bool = false) async throws -> ScanAnalysis {
        if let missing = TestOrigin.nodeMissing() {
            // only in CI (the tests are skipped elsewhere): a missing tool is a failure, naming it and how to install it
            throw TestOriginError.toolsMissing(missing)
        }
        let origin = try await TestOrigin.start(kind)
        defer { origin.stop() }
        var options = ScanOptions()
        options.serverName = "localhost"
        options.crossCheck = crossCheck
        options.checkWithoutSNI = false
        options.httpPort = nil
        let scan = await Scanner(options: options, environment: SystemEnvironment()).scan(Target(host: origin.host, port: origin.port))
        var analysisOptions = AnalysisOptions()
        analysisOptions.trustStore = try TrustStore(pem: String(contentsOfFile: origin.dir + "/root.crt", encoding: .utf8))
        return await ScanAnalysis.analyze(scan, options: analysisOptions)
    }

    /// node-pq: ecdhCurve X25519MLKEM768:X25519:P-256, TLS 1.3 suites in server order AES-256, ChaCha20, AES-128
    /// (honorCipherOrder). The -PQ generation sends an X25519MLKEM768 share and gets it; the suite is the server's
    /// first that the generation offers.
    @Test(.enabled(if: toolsReady, skipReason)) func pqGenerationNegotiatesTheHybrid() async throws {
        let analysis = try await analyse("node-pq")
        let serverTLS13 = ["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256"]
        let pq = try #require(analysis.cloudfront.generations.first { $0.generation == .upstream2025PQ })
        let profile = try #require(Catalog.shared.client(id: pq.generation.profileID))
        let serverCodes = serverTLS13.compactMap { name in Catalog.shared.suites.first { $0.iana == name }?.code }
        let expectedSuite = try #require(serverCodes.first(where: profile.suites.contains))
        #expect(pq.observed)
        #expect(pq.compatible == true, "\(pq.causes)")
        #expect(pq.protocolVersion == .tls13)
        #expect(pq.suite == expectedSuite)
        #expect(pq.group == 0x11EC)
        #expect(profile.keyShareGroups.first == 0x11EC)
        let observation = try #require(pq.observation)
        #expect(observation.helloBytes > 1184)  // the ML-KEM-768 key alone is 1184 bytes
        let classic = try #require(analysis.cloudfront.generations.first { $0.generation == .upstream2025 })
        #expect(classic.protocolVersion == .tls13)
        #expect(classic.group != 0x11EC)  // it offers no hybrid group
        #expect(analysis.cloudfront.status == .compatible)
    }

    /// node-client-cert: requestCert + rejectUnauthorized. The TLS 1.2 flight carries a CertificateRequest: every
    /// generation names the cause, and none is compatible.
    @Test(.enabled(if: toolsReady, skipReason)) func clientCertificateRequestIsACause() async throws {
        let analysis = try await analyse("node-client-cert", crossCheck: true)
        let finding = try #require(analysis.scan.findings.first { $0.id == Finding.ID.clientCertificateRequested })
        // rejectUnauthorized: the cross-check's OpenSSL handshakes, which send no certificate, fail
        #expect(finding.message.contains("CertificateRequest with TLSv1.2") && finding.message.contains("required"))
        #expect(finding.message.contains("certificate_required"))  // and TLS 1.3 ends with alert 116
        for generation in analysis.cloudfront.generations {
            #expect(generation.compatible == false)
            #expect(generation.causes.contains { $0.id == Finding.ID.clientCertificateRequested && $0.fix.contains("OriginMtlsConfig") })
        }
        #expect(analysis.cloudfront.status == .notCompatible)
    }
}

/// Issue 12, item 6: the HTTPS port answering plain HTTP is its own cause, and a silent origin is CloudFront's 504.
@Suite(.serialized) struct CloudFrontNewCausesTests {
    func analyse(_ mode: HostileOrigin.Mode) async throws -> ScanAnalysis {
        let origin = try await HostileOrigin.start(mode)
        defer { origin.stop() }
        var options = ScanOptions()
        options.crossCheck = false
        options.httpPort = nil
        options.connectAttempts = 1
        options.deadlines = Deadlines(connect: .seconds(2), handshake: .seconds(2))
        let scan = await Scanner(options: options, environment: SystemEnvironment()).scan(Target(host: "127.0.0.1", port: origin.port))
        return await ScanAnalysis.analyze(scan, options: AnalysisOptions())
    }

    @Test func plainHTTPOnTheHTTPSPort() async throws {
        let analysis = try await analyse(.http)
        for generation in analysis.cloudfront.generations {
            #expect(generation.compatible == false)
            #expect(generation.causes.map(\.id) == ["plain-http-on-https-port"])
            #expect(generation.causes.first?.fix.contains("HTTP Only") == true)
        }
    }

    @Test func silentOriginIsA504() async throws {
        let analysis = try await analyse(.silent)
        let cause = try #require(analysis.cloudfront.causes.first)
        #expect(cause.id == "origin-not-responding")
        #expect(cause.message.contains("504"))
    }
}
