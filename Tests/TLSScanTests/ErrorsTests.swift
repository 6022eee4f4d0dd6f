import Foundation
import TLSAudit
import TLSCatalog
import TLSEngines
import TLSScan
import TestSupport
import Testing

/// Representative failures of each layer carry the code that decides the exit status.
struct ErrorsTests {
    @Test(arguments: ["bad_host!.com", "host:0", "[::1", "a..b"])
    func errorsBadTargetsAreInvalidTarget(_ text: String) {
        #expect(throws: TLSMatrixError(.invalidTarget)) { try Target.parse(text) }
        #expect(TLSMatrixError.Code.invalidTarget.exitStatus == 2)
    }

    @Test func errorsTargetListKeepsTheCodeOfTheBadTarget() {
        // a bad target on a line stays invalidTarget (with the line in front), a bad line is invalidTargetList
        #expect(throws: TLSMatrixError(.invalidTarget)) { try TargetList.parse("ok.example\nbad_host!\n", source: "f") }
        #expect(throws: TLSMatrixError(.invalidTargetList)) { try TargetList.parse("ok.example colour=red\n", source: "f") }
        #expect(throws: TLSMatrixError(.invalidShard)) { try Shard.parse("3/2") }
    }

    @Test func errorsUnusableCAFilesAreInvalidTrustStore() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-errors-\(UUID().uuidString).pem")
        defer { try? FileManager.default.removeItem(at: file) }
        try "not a certificate".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: TLSMatrixError(.invalidTrustStore)) { try TrustStore.empty().adding(pemFile: file.path) }
        #expect(throws: TLSMatrixError(.invalidTrustStore)) { try TrustStore.empty().adding(pemFile: "/nonexistent/ca.pem") }
        #expect(throws: TLSMatrixError(.invalidTrustStore)) { try TrustStore.system(environment: ["SSL_CERT_FILE": "/nonexistent/ca.pem"]) }
    }

    @Test func errorsNamesThatDoNotResolveAreNotDefinitive() async {
        struct NXDomain: Error {}
        // whatever the lookup throws becomes nameNotResolved, with the host in the reason
        await #expect {
            try await Resolver.addresses(of: "nx.invalid", timeout: .seconds(5), lookup: { _ in throw NXDomain() })
        } throws: { error in
            (error as? TLSMatrixError)?.code == .nameNotResolved
                && (error as? TLSMatrixError)?.reason.hasPrefix("cannot resolve host 'nx.invalid': ") == true
        }
        await #expect(throws: TLSMatrixError(.nameResolutionTimedOut)) {
            try await Resolver.addresses(
                of: "slow.invalid", timeout: .milliseconds(50),
                lookup: { _ in
                    Thread.sleep(forTimeInterval: 2)
                    return ["127.0.0.1"]
                })
        }
        #expect(TLSMatrixError.Code.nameNotResolved.exitStatus == 3)
    }
}
