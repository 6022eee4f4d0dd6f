@testable import TLSAudit
import TLSCatalog
import TLSModel
import Testing

/// The TLS 1.3 prediction: a key share the server accepts is used as sent, otherwise the server asks
/// (HelloRetryRequest) for the group it picks from the client's supported_groups, by its own order when the scan
/// measured one. Offline: the scan results are built here from what a server with `-groups P-384:P-256` answers.
@Suite struct KeyShareModelTests {
    static let x25519: UInt16 = 0x001D, p256: UInt16 = 0x0017, p384: UInt16 = 0x0018, x448: UInt16 = 0x001E
    static let aes128: UInt16 = 0x1301

    static func server(groups: [UInt16], serverPreference: Bool?) -> ScanResult {
        var scan = ScanResult(target: Target(host: "127.0.0.1", port: 443), reachability: .reachable)
        var tls13 = ProtocolResult(version: .tls13, supported: true)
        tls13.suites = [SuiteResult(code: aes128, evidence: [.wire])]
        scan.protocols = [tls13]
        scan.groups = [GroupResult(version: .tls13, groups: groups, complete: true, serverPreference: serverPreference)]
        return scan
    }

    static func client(groups: [UInt16], shares: [UInt16]) -> ClientProfile {
        ClientProfile(
            id: "test", name: "test", versions: [.tls13], suites: [aes128], groups: groups,
            signatureSchemes: [0x0804], keyShareGroups: shares)
    }

    static func predict(_ client: ClientProfile, _ server: ScanResult) -> (UInt16?, Bool?)? {
        guard case .success(let choice) = HandshakeSimulation.negotiate(client: client, server: server) else { return nil }
        return (choice.group, choice.helloRetry)
    }

    // OpenSSL 3's own list, one x25519 share (curl, s_client, Python, Node 20)
    static let opensslGroups: [UInt16] = [x25519, p256, x448, 0x0019, p384]

    @Test func noAcceptableShareMeansARetryForTheServersPick() throws {
        let openssl = Self.client(groups: Self.opensslGroups, shares: [Self.x25519])
        let serverOrder = try #require(Self.predict(openssl, Self.server(groups: [Self.p384, Self.p256], serverPreference: true)))
        #expect(serverOrder.0 == Self.p384 && serverOrder.1 == true)
        // client order: the client's first group the server has (secp256r1 comes before secp384r1 in its list)
        let clientOrder = try #require(Self.predict(openssl, Self.server(groups: [Self.p256, Self.p384], serverPreference: false)))
        #expect(clientOrder.0 == Self.p256 && clientOrder.1 == true)
    }

    @Test func anAcceptableShareIsUsedWithoutARetry() throws {
        // Java sends x25519 and secp256r1 shares: the server takes the secp256r1 one although it prefers secp384r1
        let java = Self.client(groups: [Self.x25519, Self.p256, Self.p384], shares: [Self.x25519, Self.p256])
        let answer = try #require(Self.predict(java, Self.server(groups: [Self.p384, Self.p256], serverPreference: true)))
        #expect(answer.0 == Self.p256 && answer.1 == false)
    }

    @Test func amongSeveralSharesTheServerOrderDecides() throws {
        let both = Self.client(groups: [Self.x25519, Self.p256], shares: [Self.x25519, Self.p256])
        let serverOrder = try #require(Self.predict(both, Self.server(groups: [Self.p256, Self.x25519], serverPreference: true)))
        #expect(serverOrder.0 == Self.p256 && serverOrder.1 == false)
        let clientOrder = try #require(Self.predict(both, Self.server(groups: [Self.p256, Self.x25519], serverPreference: nil)))
        #expect(clientOrder.0 == Self.x25519 && clientOrder.1 == false)
    }

    @Test func aProfileWithoutRecordedSharesGetsThePickedGroupAndNoRetryClaim() throws {
        let unrecorded = Self.client(groups: [Self.x25519, Self.p256], shares: [])
        let answer = try #require(Self.predict(unrecorded, Self.server(groups: [Self.p256, Self.x25519], serverPreference: nil)))
        #expect(answer.0 == Self.x25519 && answer.1 == nil)
        let serverOrder = try #require(Self.predict(unrecorded, Self.server(groups: [Self.p256, Self.x25519], serverPreference: true)))
        #expect(serverOrder.0 == Self.p256 && serverOrder.1 == nil)
    }

    @Test func noCommonGroupIsNoConnection() {
        let x448Only = Self.client(groups: [Self.x448], shares: [Self.x448])
        let result = HandshakeSimulation.negotiate(client: x448Only, server: Self.server(groups: [Self.p384], serverPreference: nil))
        guard case .failure(let failure) = result else {
            Issue.record("a client with no group the server has connects: \(result)")
            return
        }
        #expect(failure.reason == .noCommonGroup(.tls13))
    }

    @Test func aRetryTheMatrixDidNotExpectIsADifference() {
        let observed = HandshakeSimulation.Choice(version: .tls13, suite: Self.aes128, group: Self.p384, helloRetry: true)
        let predicted = HandshakeSimulation.Choice(version: .tls13, suite: Self.aes128, group: Self.p384, helloRetry: false)
        let row = ClientSimulation(
            client: Self.client(groups: [Self.p384], shares: [Self.p384]), prediction: .success(predicted),
            observation: nil)
        #expect(row.difference == nil)
        let text = ClientSimulation.difference(observed: .success(observed), predicted: .success(predicted))
        #expect(text?.contains("after a HelloRetryRequest") == true)
        #expect(ClientSimulation.difference(observed: .success(observed), predicted: .success(observed)) == nil)
    }
}
