import Foundation
import TestSupport
import Testing
import TLSAudit
import TLSCatalog
import TLSEngines
import TLSModel
@testable import TLSScan

/// Issue 28 part 5: the real clients scripts/bootstrap installs — `openssl s_client` (profile openssl-3-default),
/// curl (curl-openssl3), Debian's /usr/bin/python3 `ssl.create_default_context()` (python3-debian) and Node 24 from
/// .venv (`tls.connect` defaults, node-24) — against origins with one quirk each (``TestOrigin/clientQuirkKinds``).
/// What each client really got is measured by scripts/origins/real_clients.py: the client runs through a passive
/// relay that parses the handshake (version, suite, group from the key share or the ServerKeyExchange, whether a
/// HelloRetryRequest came, the DH group's size), and the client's exit status and own words say whether it
/// connected and, if not, why (a failure class). The simulation row of the client's profile must be the same.
/// Expected values come from the clients, never from tlsmatrix.
@Suite(.serialized) struct RealClientQuirkTests {
    static let clients = ["openssl-3-default", "curl-openssl3", "python3-debian", "node-24"]

    /// What a client got, or what the simulation says it gets, in one comparable shape.
    enum Outcome: Equatable, CustomStringConvertible {
        case connected(version: TLSVersion, suite: UInt16, group: UInt16?, helloRetry: Bool, dhBits: Int?)
        case failed(String)

        var description: String {
            switch self {
            case let .connected(version, suite, group, helloRetry, dhBits):
                let name = Catalog.shared.suite(code: suite)?.iana ?? ""
                return "\(version.rawValue) \(CodePointFormat.hex(suite)) \(name)"
                    + (group.map { " group \(Self.groupName($0))" } ?? " no group")
                    + (helloRetry ? " after a HelloRetryRequest" : "")
                    + (dhBits.map { " DH \($0) bits" } ?? "")
            case .failed(let why): return "no connection (\(why))"
            }
        }

        static func groupName(_ code: UInt16) -> String {
            "\(Catalog.shared.group(code: code)?.name ?? "?") (\(code))"
        }
    }

    /// One line of real_clients.py.
    struct RealRun: Decodable {
        let client: String
        let missing: String?
        let connected: Bool?
        let version: String?
        let suite: String?
        let group: UInt16?
        let helloRetry: Bool?
        let dhBits: Int?
        let failure: String?
        let detail: String?
        let connections: Int?

        var outcome: Outcome? {
            guard let connected else { return nil }
            guard connected else { return .failed(failure ?? "other") }
            guard let version = version.flatMap(TLSVersion.init(name:)), let hex = suite,
                let code = UInt16(hex.dropFirst(2), radix: 16)
            else { return .failed("connected, but the relay saw no ServerHello") }
            let isDHE = Catalog.shared.suite(code: code)?.keyExchange.isFiniteFieldDH == true && version != .tls13
            return .connected(
                version: version, suite: code, group: group, helloRetry: helloRetry ?? false,
                dhBits: isDHE ? dhBits : nil)
        }
    }

    /// The failure classes of real_clients.py for a simulated failure. "The first certificate is not the leaf" is
    /// the simulation's claim that the key exchange's signature fails (bad-signature); an unknown CA and a missing
    /// intermediate are one class, as a client cannot tell them apart (no path to a trusted root).
    static func failureClass(_ reason: HandshakeSimulation.Failure.Reason) -> String {
        switch reason {
        case .noCommonProtocol: return "protocol-version"
        case .noCommonCipher, .noCommonGroup: return "handshake-failure"
        case .undecided(let text): return "undecided: \(text)"
        case .refused(let text):
            let t = text.lowercased()
            if t.contains("protocol version") || t.contains("protocol_version") { return "protocol-version" }
            if t.contains("handshake failure") || t.contains("handshake_failure") || t.contains("insufficient") {
                return "handshake-failure"
            }
            return "refused: \(text)"
        case .certificate(let text):
            let classes: [(String, String)] = [
                ("has expired", "expired"), ("not yet valid", "not-yet-valid"), ("self-signed", "self-signed"),
                ("issuer is not trusted", "unknown-issuer"), ("intermediate certificate is missing", "unknown-issuer"),
                ("names do not match", "name-mismatch"), ("unsuitable certificate purpose", "invalid-purpose"),
                ("is not the leaf", "bad-signature"),
            ]
            return classes.first { text.contains($0.0) }?.1 ?? "certificate: \(text)"
        }
    }

    static func outcome(_ result: Result<HandshakeSimulation.Choice, HandshakeSimulation.Failure>) -> Outcome {
        switch result {
        case .success(let c):
            let isDHE = Catalog.shared.suite(code: c.suite)?.keyExchange.isFiniteFieldDH == true && c.version != .tls13
            return .connected(
                version: c.version, suite: c.suite, group: c.group, helloRetry: c.helloRetry ?? false,
                dhBits: isDHE ? c.dhBits : nil)
        case .failure(let f): return .failed(failureClass(f.reason))
        }
    }

    static func scan(_ origin: TestOrigin) async throws -> ScanAnalysis {
        var options = ScanOptions()
        options.serverName = "localhost"
        options.crossCheck = false
        options.httpPort = nil
        let scan = await Scanner(options: options, environment: SystemEnvironment()).scan(Target(host: origin.host, port: origin.port))
        var analysisOptions = AnalysisOptions()
        analysisOptions.trustStore = try TrustStore(pem: String(contentsOfFile: origin.dir + "/root.crt", encoding: .utf8))
        return await ScanAnalysis.analyze(scan, options: analysisOptions)
    }

    /// The real clients, one after another, through real_clients.py's capturing relay (run by Debian's python3).
    static func realRuns(_ origin: TestOrigin) async throws -> [RealRun] {
        let root = try TestOrigin.repoRoot()
        let run = try await TestOrigin.run(
            URL(fileURLWithPath: "/usr/bin/python3"),
            [
                root.appendingPathComponent("scripts/origins/real_clients.py").path, "--port", String(origin.port),
                "--root", origin.dir + "/root.crt", "--clients", clients.joined(separator: ","),
            ], in: root)
        let decoder = JSONDecoder()
        let runs = run.stdout.split(separator: "\n").compactMap { try? decoder.decode(RealRun.self, from: Data($0.utf8)) }
        guard run.status == 0, runs.count == clients.count else {
            throw TestOriginError.badOutput(kind: "real_clients.py", output: run.stdout + run.stderr)
        }
        return runs
    }

    @Test(arguments: TestOrigin.clientQuirkKinds)
    func realClientsGetWhatTheSimulationSays(_ kind: String) async throws {
        let origin = try await TestOrigin.start(kind)
        defer { origin.stop() }
        let analysis = try await Self.scan(origin)
        let runs = try await Self.realRuns(origin)
        for run in runs {
            if let missing = run.missing {
                if ProcessInfo.processInfo.environment["CI"] != nil {
                    Issue.record("\(kind)/\(run.client): \(missing)")
                } else {
                    withKnownIssue("\(kind)/\(run.client) not run: \(missing); run scripts/bootstrap") {
                        Issue.record("\(kind)/\(run.client): \(missing)")
                    }
                }
                continue
            }
            let real = try #require(run.outcome, "\(kind)/\(run.client): real_clients.py gave no outcome")
            guard let row = analysis.simulations.first(where: { $0.client.id == run.client }) else {
                Issue.record(
                    "\(kind)/\(run.client): real client got \(real); tlsmatrix has no profile \(run.client) (Data/clients/\(run.client).json)"
                )
                continue
            }
            let simulated = Self.outcome(row.result)
            let predicted = Self.outcome(row.prediction)
            let source = row.isObserved ? "observed (its own ClientHello)" : "predicted from the matrix"
            print(
                "REALCLIENT \(kind) \(run.client): real \(real) [\(run.detail ?? "")]; simulated \(simulated), \(source); prediction \(predicted)"
            )
            #expect(
                simulated == real,
                """
                \(kind)/\(run.client): the real client got \(real) (\(run.detail ?? "")); the simulation row says \(simulated), \
                \(source); the matrix predicts \(predicted)
                """)
        }
    }
}
