import Foundation
import TestSupport
import Testing

/// Issue 13: `tlsmatrix distribution` audits every origin of a distribution as CloudFront would reach it. The
/// fixtures (Fixtures/distribution, written for these tests) describe one distribution in all three input formats;
/// the origins are `openssl s_server` processes started here with certificates from `scripts/testpki`, reached
/// through `--resolve`. Expected answers come from the fixtures and the certificates' names (scripts/testpki):
/// which behaviours forward Host, which aliases each certificate covers, which generations a listener policy
/// shares a version and a suite with (from Data/).
@Suite(.serialized) struct DistributionCLITests {
    /// Names in the test certificates (scripts/testpki: good.crt and wildcard.crt).
    static let goodNames = ["localhost", "origin.example.com"]
    static let wildcardNames = ["*.example.com"]
    static let aliases = ["www.example.com", "shop.example.net"]

    struct Servers {
        let pki: URL
        let app: OpenSSLServer  // wildcard.crt: app, backup
        let api: OpenSSLServer  // good.crt: api (and the HTTP port of the http-only origin)

        func stop() {
            app.stop()
            api.stop()
        }

        /// `--resolve` for every name the shop fixture uses.
        var resolve: [String] {
            [
                "app.example.com:\(app.port)", "backup.example.com:\(app.port)", "origin.example.com:\(api.port)",
                "static.example.com:\(api.port)",
            ].flatMap { ["--resolve", "\($0):127.0.0.1"] }
        }
    }

    static let pki: Result<URL, any Error> = Result { try TestPKI.audit("distribution") }

    static func servers() async throws -> Servers {
        let dir = try pki.get()
        let path = { (name: String) in dir.appendingPathComponent(name).path }
        let app = try await OpenSSLServer.start(certificate: path("wildcard.crt"), key: path("leaf.key"), chain: path("int.crt"))
        let api = try await OpenSSLServer.start(certificate: path("good.crt"), key: path("leaf.key"), chain: path("int.crt"))
        return Servers(pki: dir, app: app, api: api)
    }

    /// The fixture with the servers' ports filled in, written to a temporary file.
    static func fixture(_ name: String, ports: [String: Int] = [:]) throws -> String {
        let source = try TestOrigin.repoRoot().appendingPathComponent("Tests/tlsmatrixCLITests/Fixtures/distribution/\(name)")
        var text = try String(contentsOf: source, encoding: .utf8)
        for (key, port) in ports { text = text.replacingOccurrences(of: "@\(key)@", with: String(port)) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-\(UUID().uuidString)-\(name)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func json(_ run: CLI.Run) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stderr)")
    }

    static func origins(_ report: [String: Any]) -> [String: [String: Any]] {
        let distributions = report["distributions"] as? [[String: Any]] ?? []
        var byId: [String: [String: Any]] = [:]
        for origin in distributions.flatMap({ $0["origins"] as? [[String: Any]] ?? [] }) {
            if let id = origin["id"] as? String { byId[id] = origin }
        }
        return byId
    }

    /// RFC 6125 matching as CloudFront applies it: exact, or one wildcard label on the left.
    static func covers(_ names: [String], _ host: String) -> Bool {
        names.contains { name in
            if name.hasPrefix("*.") {
                let rest = host.split(separator: ".", maxSplits: 1)
                return rest.count == 2 && "*." + rest[1] == name
            }
            return name == host
        }
    }

    @Test(
        "The shop distribution gives the same verdicts from CloudFormation YAML, get-distribution JSON and a Terraform plan",
        arguments: ["shop.yaml", "shop-get-distribution.json", "shop-terraform-plan.json"])
    func shopDistribution(file: String) async throws {
        let servers = try await Self.servers()
        defer { servers.stop() }
        let path = try Self.fixture(file, ports: ["APP_PORT": servers.app.port, "API_PORT": servers.api.port])
        let run = try await CLI.run(
            [
                "distribution", path, "--ca-file", servers.pki.appendingPathComponent("root.crt").path,
                "--no-cross-check", "--format", "json",
            ] + servers.resolve)
        #expect(run.status == 1, "an alias not covered while Host is forwarded is a 502: \(run.stderr)")
        let report = try Self.json(run)
        #expect(report["status"] as? String == "failed")
        let origins = Self.origins(report)
        #expect(Set(origins.keys) == ["app", "api", "backup", "static", "media"])

        // Which behaviours forward Host to which origin, from the fixture: the default behaviour (managed policy
        // AllViewer) to app; /fo/* (ForwardedValues Host) to the failover group of api and backup.
        let forwarding: [String: [String]] = ["app": ["Default (*)"], "api": ["/fo/*"], "backup": ["/fo/*"]]
        let served: [String: [String]] = ["app": Self.wildcardNames, "api": Self.goodNames, "backup": Self.wildcardNames]
        for (id, behaviors) in forwarding {
            let origin = try #require(origins[id])
            let checks = origin["aliases"] as? [[String: Any]] ?? []
            #expect(checks.compactMap { $0["alias"] as? String } == Self.aliases, "\(id)")
            var expectedMismatches: [String] = []
            for alias in Self.aliases {
                let covered = Self.covers(served[id] ?? [], alias)
                let check = checks.first { $0["alias"] as? String == alias }
                #expect(check?["covered"] as? Bool == covered, "\(id) \(alias)")
                #expect(check?["behaviors"] as? [String] == behaviors, "\(id) \(alias)")
                if !covered { expectedMismatches.append(alias) }
            }
            let causes = origin["causes"] as? [[String: Any]] ?? []
            #expect(causes.compactMap { $0["id"] as? String } == expectedMismatches.map { _ in "host-header-mismatch" }, "\(id)")
            for (alias, cause) in zip(expectedMismatches, causes) {
                let message = cause["message"] as? String ?? ""
                #expect(message.contains("alias \(alias)") && behaviors.allSatisfy(message.contains), "\(id): \(message)")
                #expect((cause["path"] as? String)?.isEmpty == false)
            }
            #expect(origin["outcome"] as? String == (expectedMismatches.isEmpty ? "connects" : "fails"), "\(id)")
            // s_server's defaults accept what every CloudFront generation offers
            let generations = origin["generations"] as? [[String: Any]] ?? []
            #expect(generations.count == 4 && generations.allSatisfy { $0["compatible"] as? Bool == true }, "\(id)")
            let scan = origin["scan"] as? [String: Any]
            #expect((scan?["target"] as? [String: Any])?["sni"] as? String == origin["domain"] as? String)
        }
        // api reached with OriginSSLProtocols TLSv1.1,TLSv1.2, two attempts, 5 s connect timeout
        #expect(origins["api"]?["originSSLProtocols"] as? [String] == ["TLSv1.1", "TLSv1.2"])
        #expect(origins["api"]?["connectionAttempts"] as? Int == 2)
        #expect(origins["api"]?["behaviors"] as? [String] == ["/api/*", "/fo/*"])
        #expect(origins["backup"]?["originGroups"] as? [String] == ["failover"])
        // http-only: only the HTTP port (the api server's port accepts TCP), no TLS scan
        let statics = try #require(origins["static"])
        #expect(statics["outcome"] as? String == "connects")
        #expect((statics["http"] as? [String: Any])?["open"] as? Bool == true)
        #expect(statics["scan"] is NSNull)
        #expect((statics["reason"] as? String)?.contains("TLS is not needed") == true)
        // S3: listed, skipped with the reason
        #expect(origins["media"]?["outcome"] as? String == "skipped")
        #expect((origins["media"]?["reason"] as? String)?.contains("S3") == true)
    }

    @Test(
        "A behaviour whose origin request policy tlsmatrix cannot read: an uncovered alias leaves the origin not audited (exit 3), never guessed"
    )
    func unknownOriginRequestPolicy() async throws {
        let servers = try await Self.servers()
        defer { servers.stop() }
        var path = try Self.fixture("shop.yaml", ports: ["APP_PORT": servers.app.port, "API_PORT": servers.api.port])
        // the default behaviour (to app) uses a policy id that is neither managed nor in the template
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "216adef6-5c7f-47e4-b989-5492eafa07d3", with: "0e0e0e0e-1111-2222-3333-444444444444")
        path += ".unknown.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let run = try await CLI.run(
            [
                "distribution", path, "--ca-file", servers.pki.appendingPathComponent("root.crt").path,
                "--no-cross-check", "--format", "json",
            ] + servers.resolve)
        let origins = Self.origins(try Self.json(run))
        let app = try #require(origins["app"])
        #expect(app["forwardsHost"] is NSNull)
        // wildcard.crt covers www.example.com, not shop.example.net: a failure only if Host is forwarded
        #expect(app["outcome"] as? String == "not-audited")
        #expect((app["causes"] as? [[String: Any]])?.isEmpty == true)
        let notes = app["notes"] as? [[String: Any]] ?? []
        #expect(notes.contains { $0["id"] as? String == "host-forwarding-unknown" && $0["alias"] as? String == "shop.example.net" })
        // api and backup still fail through /fo/* (ForwardedValues Host): the run fails
        #expect(run.status == 1)
        #expect(origins["api"]?["outcome"] as? String == "fails")
    }

    @Test("An origin in two distributions is scanned once: both reports carry the one scan")
    func sharedOriginsAreScannedOnce() async throws {
        let servers = try await Self.servers()
        defer { servers.stop() }
        let ports = ["APP_PORT": servers.app.port, "API_PORT": servers.api.port]
        let yaml = try Self.fixture("shop.yaml", ports: ports)
        let api = try Self.fixture("shop-get-distribution.json", ports: ports)
        let run = try await CLI.run(
            [
                "distribution", yaml, api, "--ca-file", servers.pki.appendingPathComponent("root.crt").path,
                "--no-cross-check", "--format", "json",
            ] + servers.resolve)
        let report = try Self.json(run)
        let distributions = report["distributions"] as? [[String: Any]] ?? []
        #expect(distributions.compactMap { $0["name"] as? String } == ["Shop", "E1SHOPTEST"])
        let scans = distributions.map { distribution -> [String: Data] in
            var byId: [String: Data] = [:]
            for origin in distribution["origins"] as? [[String: Any]] ?? [] {
                if let id = origin["id"] as? String, let scan = origin["scan"] as? [String: Any] {
                    byId[id] = try? JSONSerialization.data(withJSONObject: scan, options: [.sortedKeys])
                }
            }
            return byId
        }
        #expect(Set(scans.first?.keys ?? [:].keys) == ["app", "api", "backup"])
        // the same scan (timings to the millisecond included), not a second one
        #expect(scans.count == 2 && scans[0] == scans[1])
    }

    @Test(
        "--checks cloudfront gives every origin the same outcome, alias checks and causes as full scans, with a fraction of the connections"
    )
    func verdictOnlyScans() async throws {
        let servers = try await Self.servers()
        defer { servers.stop() }
        let path = try Self.fixture("shop.yaml", ports: ["APP_PORT": servers.app.port, "API_PORT": servers.api.port])
        let common =
            ["distribution", path, "--ca-file", servers.pki.appendingPathComponent("root.crt").path, "--format", "json"]
            + servers.resolve
        let full = Self.origins(try Self.json(try await CLI.run(common)))
        let quick = Self.origins(try Self.json(try await CLI.run(common + ["--checks", "cloudfront"])))
        #expect(Set(full.keys) == Set(quick.keys))
        func summary(_ origin: [String: Any]) -> [String] {
            let aliases = (origin["aliases"] as? [[String: Any]] ?? []).map { "\($0["alias"] ?? ""):\($0["covered"] ?? "")" }
            let causes = (origin["causes"] as? [[String: Any]] ?? []).map { "\($0["id"] ?? ""):\($0["alias"] ?? "")" }
            let generations = (origin["generations"] as? [[String: Any]] ?? []).map { "\($0["id"] ?? ""):\($0["compatible"] ?? "")" }
            return ["\(origin["outcome"] ?? "")"] + aliases + causes + generations
        }
        for (id, origin) in full {
            #expect(summary(origin) == summary(quick[id] ?? [:]), "\(id)")
            guard let fullScan = origin["scan"] as? [String: Any], let quickScan = quick[id]?["scan"] as? [String: Any] else { continue }
            let fullConnections = fullScan["connections"] as? Int ?? 0
            let quickConnections = quickScan["connections"] as? Int ?? 0
            #expect(quickConnections <= 10 && quickConnections < fullConnections, "\(id): \(quickConnections) vs \(fullConnections)")
            #expect((quickScan["options"] as? [String: Any])?["checks"] as? [String] == ["cloudfront"])
        }
    }

    @Test("The text report names every uncovered alias with the behaviours that forward Host and where the origin is in the file")
    func textReport() async throws {
        let servers = try await Self.servers()
        defer { servers.stop() }
        let path = try Self.fixture("shop.yaml", ports: ["APP_PORT": servers.app.port, "API_PORT": servers.api.port])
        // one --resolve with the wrong port (443, not the fixture's HTTPSPort): ignored, like curl, but said
        let run = try await CLI.run(
            [
                "distribution", path, "--ca-file", servers.pki.appendingPathComponent("root.crt").path,
                "--no-cross-check", "--resolve", "app.example.com:443:127.0.0.1",
            ] + servers.resolve)
        #expect(run.status == 1)
        #expect(
            run.stderr.contains(
                "warning: --resolve app.example.com:443 matches no origin (that name is reached on app.example.com:\(servers.app.port))"))
        #expect(run.stdout.contains("Verdict: FAIL"))
        #expect(run.stdout.contains("✗ app: host-header-mismatch — alias shop.example.net: behaviours Default (*)"))
        #expect(run.stdout.contains("where: \(path): Resources.Shop.Properties.DistributionConfig.Origins[0]"))
        #expect(run.stdout.contains("media (skipped)"))
    }

    @Test("An unresolved !Ref leaves the origin not audited (exit 3); --param resolves it and the origin is scanned")
    func unresolvedReference() async throws {
        let servers = try await Self.servers()
        defer { servers.stop() }
        let path = try Self.fixture("unresolved.yaml", ports: ["API_PORT": servers.api.port])
        let caFile = servers.pki.appendingPathComponent("root.crt").path
        let unresolved = try await CLI.run(["distribution", path, "--ca-file", caFile, "--format", "json"])
        #expect(unresolved.status == 3, "\(unresolved.stderr)")
        let web = try #require(Self.origins(try Self.json(unresolved))["web"])
        #expect(web["outcome"] as? String == "not-audited")
        #expect((web["reason"] as? String)?.contains("Ref OriginHost") == true)
        #expect(web["scan"] is NSNull)

        let resolved = try await CLI.run([
            "distribution", path, "--ca-file", caFile, "--no-cross-check", "--format", "json",
            "--param", "OriginHost=origin.example.com",
            "--resolve", "origin.example.com:\(servers.api.port):127.0.0.1",
        ])
        #expect(resolved.status == 0, "good.crt covers origin.example.com and Host is not forwarded: \(resolved.stdout)")
        let scanned = try #require(Self.origins(try Self.json(resolved))["web"])
        #expect(scanned["outcome"] as? String == "connects")
        #expect(scanned["addressFrom"] as? String == "resolve")
        #expect((scanned["scan"] as? [String: Any])?["connections"] as? Int ?? 0 > 0)
    }

    /// The generations whose offer shares a protocol version and a suite with `policy` under OriginSSLProtocols
    /// TLSv1.2, computed from Data/clients and Data/policies.
    static func generationsSharing(policy id: String) throws -> (sharing: Set<String>, all: Set<String>) {
        let root = try TestOrigin.repoRoot().appendingPathComponent("Data")
        let policies = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("policies/elb.json"))) as? [String: Any])
        let policy = try #require((policies["policies"] as? [[String: Any]])?.first { $0["id"] as? String == id })
        let policyVersions = Set(policy["versions"] as? [String] ?? [])
        let policySuites = Set(policy["suites"] as? [String] ?? [])
        let order = ["SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
        var sharing: Set<String> = []
        var all: Set<String> = []
        for (generation, file) in [
            ("documented", "cloudfront-origin"), ("upstream", "cloudfront-upstream"),
            ("upstream-2025", "cloudfront-upstream-2025"), ("upstream-2025-pq", "cloudfront-upstream-2025-pq"),
        ] {
            all.insert(generation)
            let client = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("clients/\(file).json")))
                    as? [String: Any])
            let versions = client["versions"] as? [String] ?? []
            let hasS2N = !((client["s2nPolicies"] as? [String: Any]) ?? [:]).isEmpty
            // documented client: exactly the OriginSSLProtocols; s2n generations: every version from its minimum up
            let offered =
                hasS2N
                ? versions.filter { (order.firstIndex(of: $0) ?? 0) >= (order.firstIndex(of: "TLSv1.2") ?? 0) }
                : versions.filter { $0 == "TLSv1.2" }
            let suites = Set(
                (client["suites"] as? [Any] ?? []).compactMap { ($0 as? String) ?? (($0 as? [String: Any])?["code"] as? String) })
            if !policyVersions.isDisjoint(with: offered), !policySuites.isDisjoint(with: suites) { sharing.insert(generation) }
        }
        return (sharing, all)
    }

    @Test("--offline judges a load balancer of the same template from its listener's SslPolicy, generation by generation")
    func loadBalancerOffline() async throws {
        let path = try Self.fixture("alb.yaml")
        let run = try await CLI.run(["distribution", path, "--offline", "--format", "json"])
        #expect(run.status == 1, "\(run.stderr)")
        let report = try Self.json(run)
        #expect(report["offline"] as? Bool == true)
        let alb = try #require(Self.origins(report)["alb"])
        #expect(alb["outcome"] as? String == "fails")
        let (sharing, all) = try Self.generationsSharing(policy: "ELBSecurityPolicy-TLS13-1-3-2021-06")
        #expect(!sharing.isEmpty && sharing != all, "the fixture needs a policy some generations share and some do not")
        let generations = alb["generations"] as? [[String: Any]] ?? []
        for generation in generations {
            let id = generation["id"] as? String ?? ""
            #expect(generation["offline"] as? Bool == true)
            #expect(generation["compatible"] as? Bool == sharing.contains(id), "\(id)")
        }
        #expect(Set(generations.compactMap { $0["id"] as? String }) == all)
        let causes = alb["causes"] as? [[String: Any]] ?? []
        let incompatible = causes.filter { $0["id"] as? String == "listener-policy-incompatible" }
        #expect(Set(incompatible.flatMap { $0["generations"] as? [String] ?? [] }) == all.subtracting(sharing))
        // the origin is the load balancer's own *.elb.amazonaws.com name: no certificate covers it
        #expect(causes.contains { $0["id"] as? String == "origin-is-elb-dns-name" })
        #expect(incompatible.allSatisfy { ($0["path"] as? String)?.hasPrefix("Resources.AlbHttps") == true })
    }

    @Test("An origin that requires a client certificate fails unless the distribution configures one (OriginMtlsConfig)")
    func originMutualTLS() async throws {
        let dir = try Self.pki.get()
        let path = { (name: String) in dir.appendingPathComponent(name).path }
        // -Verify 1: the server requests a client certificate and refuses a handshake without one
        let server = try await OpenSSLServer.start(
            certificate: path("good.crt"), key: path("leaf.key"), chain: path("int.crt"),
            extra: ["-Verify", "1", "-verify_return_error"])
        defer { server.stop() }
        let file = try Self.fixture("mtls.yaml", ports: ["API_PORT": server.port])
        let run = try await CLI.run([
            "distribution", file, "--ca-file", path("root.crt"), "--no-cross-check", "--format", "json",
            "--resolve", "origin.example.com:\(server.port):127.0.0.1",
        ])
        #expect(run.status == 1, "\(run.stderr)")
        let origins = Self.origins(try Self.json(run))
        let plain = try #require(origins["plain"])
        #expect(plain["outcome"] as? String == "fails")
        #expect((plain["causes"] as? [[String: Any]])?.contains { $0["id"] as? String == "origin-requests-client-certificate" } == true)
        let signed = try #require(origins["signed"])
        #expect(signed["outcome"] as? String == "connects", "\(signed["causes"] ?? "")")
        #expect((signed["causes"] as? [[String: Any]])?.isEmpty == true)
        #expect((signed["notes"] as? [[String: Any]])?.contains { $0["id"] as? String == "origin-requests-client-certificate" } == true)
        #expect((signed["generations"] as? [[String: Any]])?.allSatisfy { $0["compatible"] as? Bool == true } == true)
    }

    @Test("Several files and distributions: one report per distribution and format in the --output folder")
    func severalDistributionsIntoAFolder() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-dist-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let shop = try Self.fixture("shop.yaml", ports: ["APP_PORT": 443, "API_PORT": 443])
        let alb = try Self.fixture("alb.yaml")
        let run = try await CLI.run([
            "distribution", shop, alb, "--offline", "--format", "text,json,html,markdown,junit",
            "--output", folder.path,
        ])
        // the ALB's listener policy fails two generations and the origin is the balancer's own name: exit 1
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        let expected = Set(["Shop", "Edge"].flatMap { name in ["txt", "json", "html", "md", "junit.xml"].map { "\(name).\($0)" } })
        #expect(files == expected)
        let edge = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("Edge.json"))) as? [String: Any]
        #expect((edge?["distributions"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Edge"])
        #expect(edge?["status"] as? String == "failed")
        let shopReport =
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("Shop.json"))) as? [String: Any]
        // offline: nothing in the shop file alone fails, but its custom origins were not probed: not "passed";
        // every custom origin is "not scanned", media skipped
        #expect(shopReport?["status"] as? String == "not-probed")
        let outcomes = Self.origins(shopReport ?? [:]).mapValues { $0["outcome"] as? String }
        #expect(
            outcomes == ["app": "not-scanned", "api": "not-scanned", "backup": "not-scanned", "static": "not-scanned", "media": "skipped"])
        let html = try String(contentsOf: folder.appendingPathComponent("Shop.html"), encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("shop.example.net"))
    }

    @Test("Bad input ends with exit 2 and one line: an unknown file shape, a malformed --resolve, --param or format")
    func badInput() async throws {
        let unknown = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-\(UUID().uuidString).json")
        try #"{"hello": "world"}"#.write(to: unknown, atomically: true, encoding: .utf8)
        let alb = try Self.fixture("alb.yaml")
        for arguments in [
            [unknown.path], ["/nonexistent/dist.yaml"], [alb, "--resolve", "www.example.org:443"],
            [alb, "--resolve", "www.example.org:99999:127.0.0.1"], [alb, "--resolve", "www.example.org:443:not-an-ip"],
            [alb, "--param", "=x"], [alb, "--format", "pdf"], [alb, "--checks", "protocols"],
            [alb, "--checks", "cloudfront,bogus"], [],
        ] {
            let run = try await CLI.run(["distribution"] + arguments)
            #expect(run.status == 2, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains("error"), "\(arguments): \(run.stderr)")
            #expect(run.stdout.isEmpty, "\(arguments)")
        }
    }

    /// `--format sarif`: the OASIS schema accepts it, and each result points at the template line of the key it is
    /// about (found here by reading the fixture's text, not from tlsmatrix).
    @Test func sarifPointsAtTheTemplateLines() async throws {
        let file = "Tests/tlsmatrixCLITests/Fixtures/distribution/alb.yaml"
        let run = try await CLI.run(["distribution", file, "--offline", "--format", "sarif"])
        #expect(run.status == 1, "\(run.stderr)")
        let lines = try String(contentsOf: try TestOrigin.repoRoot().appendingPathComponent(file), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        func line(of text: String) -> Int? { lines.firstIndex { $0.contains(text) }.map { $0 + 1 } }
        let log = try Self.json(run)
        let results = try #require(((log["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]))
        func region(_ rule: String) -> (line: Int?, uri: String?) {
            let physical =
                (results.first { $0["ruleId"] as? String == rule }?["locations"] as? [[String: Any]])?.first?["physicalLocation"]
                as? [String: Any]
            return (
                (physical?["region"] as? [String: Any])?["startLine"] as? Int,
                (physical?["artifactLocation"] as? [String: Any])?["uri"] as? String
            )
        }
        let elb = region("distribution/origin-is-elb-dns-name")
        #expect(elb.uri == file)
        #expect(elb.line != nil && elb.line == line(of: "DomainName: !GetAtt Alb.DNSName"))
        #expect(region("distribution/listener-policy-incompatible").line == line(of: "SslPolicy: ELBSecurityPolicy-TLS13-1-3-2021-06"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-sarif-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let saved = folder.appendingPathComponent("alb.sarif")
        try Data(run.stdout.utf8).write(to: saved)
        let root = try TestOrigin.repoRoot()
        let validation = try await TestOrigin.run(
            root.appendingPathComponent(".venv/bin/python"),
            [root.appendingPathComponent("scripts/testsupport/validate_report.py").path, "--sarif", saved.path], in: root)
        #expect(validation.status == 0 && validation.stdout.contains("1 valid, 0 invalid"), "\(validation.stdout)\(validation.stderr)")
    }
}
