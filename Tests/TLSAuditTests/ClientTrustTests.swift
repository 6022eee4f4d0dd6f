import Foundation
import TestSupport
import Testing
import TLSCatalog
import TLSModel
import TLSScan
@testable import TLSAudit

/// Trust per client, end to end without sockets: a scripted TLS 1.2 origin (``ScriptedEnvironment``) serving a
/// good or a broken certificate from `scripts/testpki`, scanned with the clients' own hellos (each answered by the
/// scripted server from its configuration) and analysed. A client that negotiates still fails on a certificate it
/// would refuse; what each case must say follows from the chain served and the client's known behaviour.
@Suite struct ClientTrustTests {
    static let pki: Result<URL, any Error> = Result { try TestPKI.audit("client-trust") }

    func simulations(chain: [String], sni: String = "origin.example.com") async throws -> [ClientSimulation] {
        let dir = try Self.pki.get()
        // tlslite-ng's TLS 1.2 defaults (the origin these rows were first seen against): ECDHE-RSA, DHE-RSA and RSA
        let certificate = try ScriptedServer.Certificate(.rsa, pemFiles: chain.map { dir.appendingPathComponent($0) })
        let server = ScriptedServer(
            protocols: [.init(.tls12, suites: CloudFrontVerdictTests.tls12Suites)],
            groups: [0x001D, 0x0017, 0x0018], certificates: [certificate])
        var options = ScanOptions()
        options.serverName = sni
        options.crossCheck = false
        options.checkWithoutSNI = false
        options.httpPort = nil
        let scan = await Scanner(options: options, environment: ScriptedEnvironment(server: server)).scan(
            Target(host: "127.0.0.1", port: 443))
        #expect(scan.observations.contains { $0.result == .accepted }, "no client hello was observed")
        var analysisOptions = AnalysisOptions()
        analysisOptions.trustStore = try TrustStore(pem: String(contentsOf: dir.appendingPathComponent("root.crt"), encoding: .utf8))
        return await ScanAnalysis.analyze(scan, options: analysisOptions).simulations
    }

    static func certificateRefusal(_ simulation: ClientSimulation) -> String? {
        guard case .failure(let failure) = simulation.result, case .certificate(let why) = failure.reason else { return nil }
        return why
    }

    @Test func aGoodChainIsRefusedByNobody() async throws {
        let rows = try await simulations(chain: ["good.crt", "int.crt"])
        #expect(rows.contains { if case .success = $0.result { true } else { false } })
        for row in rows {
            #expect(Self.certificateRefusal(row) == nil, "\(row.client.id): \(Self.certificateRefusal(row) ?? "")")
            #expect(row.certificateNote == nil)
        }
    }

    /// Every verifying client that negotiates refuses; `openssl s_client` (it reports and goes on) does not.
    @Test(arguments: [
        (["expired.crt", "int.crt"], "origin.example.com", "has expired"),
        (["notyet.crt", "int.crt"], "origin.example.com", "not yet valid"),
        (["wrongname.crt", "int.crt"], "origin.example.com", "names do not match"),
        (["selfsigned.crt"], "origin.example.com", "self-signed"),
    ])
    func verifyingClientsRefuseABrokenCertificate(_ chain: [String], _ sni: String, _ phrase: String) async throws {
        let rows = try await simulations(chain: chain, sni: sni)
        var refused = 0
        for row in rows {
            let prediction = row.isObserved ? row.observation.flatMap(HandshakeSimulation.observed) : row.prediction
            guard case .success? = prediction else { continue }  // a client that cannot negotiate never sees the certificate
            if ClientSimulation.nonVerifying.contains(row.client.id) {
                #expect(Self.certificateRefusal(row) == nil, "\(row.client.id) does not verify")
            } else {
                let why = Self.certificateRefusal(row)
                #expect(why?.contains(phrase) == true, "\(row.client.id): \(why ?? "connects")")
                refused += 1
            }
        }
        #expect(refused >= 10, "\(chain): only \(refused) clients refused")
    }

    /// The intermediate first: the key exchange is checked with the first certificate's key, so even clients
    /// that do not verify fail.
    @Test func aChainWhoseLeafIsNotFirstFailsEveryClient() async throws {
        let rows = try await simulations(chain: ["int.crt", "good.crt"])
        let negotiating = rows.filter { row in
            if case .failure(let failure) = row.result, case .certificate = failure.reason { return true }
            if case .success = row.result { return true }
            return false
        }
        #expect(negotiating.count >= 10)
        for row in negotiating {
            #expect(Self.certificateRefusal(row)?.contains("first certificate is not the leaf") == true, "\(row.client.id)")
        }
    }

    /// A missing intermediate: clients that fill it in themselves keep the connection with a note saying how;
    /// the others refuse.
    @Test func aMissingIntermediateIsANoteForClientsThatFetchIt() async throws {
        let rows = try await simulations(chain: ["good.crt"])
        var noted = 0
        for row in rows {
            guard !ClientSimulation.nonVerifying.contains(row.client.id) else { continue }
            if ClientSimulation.fetchesIntermediates(row.client) != nil {
                if case .success = row.result {
                    #expect(row.certificateNote?.contains("intermediate") == true, "\(row.client.id)")
                    noted += 1
                }
            } else if case .failure(let failure) = row.result, case .certificate(let why) = failure.reason {
                #expect(why.contains("intermediate certificate is missing"), "\(row.client.id): \(why)")
            } else if case .success = row.result {
                Issue.record("\(row.client.id) connects without the intermediate")
            }
        }
        #expect(noted >= 3)
    }
}
