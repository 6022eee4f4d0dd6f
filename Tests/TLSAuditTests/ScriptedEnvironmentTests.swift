import Foundation
import TestSupport
import Testing
import TLSCatalog
import TLSScan
@testable import TLSAudit

/// The scripted environment (Tests/TestSupport/ScriptedEnvironment.swift) and the scanner on it: every expected
/// answer is computed from the scripted configuration and the catalog, never copied from a scan.
@Suite struct ScriptedEnvironmentTests {
    /// TLS 1.2 and 1.3, server order, X25519, P-256 and P-384 (OpenSSL's `-serverpref` with `-groups`).
    static let modern = ScriptedServer(
        protocols: [.init(.tls12, suites: [0xC030, 0xCCA8, 0xC02F, 0xC027, 0x009C]), .init(.tls13, suites: [0x1302, 0x1301, 0x1303])],
        groups: [0x001D, 0x0017, 0x0018])

    /// Only the matrix and the order: no group enumeration, no chain without SNI, no cross-check, no hellos of
    /// named clients, no port check, no pause before a retry.
    static func options(crossCheck: Bool = false, observe: Bool = false) -> ScanOptions {
        var options = ScanOptions()
        options.crossCheck = crossCheck
        options.checkWithoutSNI = false
        options.observeCloudFront = observe
        options.observeClients = observe
        options.httpPort = nil
        options.retryBackoff = .zero
        return options
    }

    static func scan(
        _ server: ScriptedServer, options: ScanOptions = options(), host: String = "127.0.0.1",
        environment: ScriptedEnvironment? = nil
    ) async -> (ScanResult, ScriptedEnvironment) {
        let environment = environment ?? ScriptedEnvironment(server: server)
        let scan = await Scanner(options: options, environment: environment).scan(Target(host: host, port: 443))
        return (scan, environment)
    }

    // MARK: the matrix

    @Test func theScannerFindsExactlyTheScriptedSuitesInServerOrder() async throws {
        let (scan, _) = await Self.scan(Self.modern)
        #expect(scan.reachability == .reachable)
        #expect(scan.isComplete, "\(scan.undecided)")
        for version in TLSVersion.allCases {
            let proto = try #require(scan.protocolResult(version), "\(version)")
            let configured = Self.modern.suites(for: version)
            #expect(proto.supported == !configured.isEmpty, "\(version): \(proto.note ?? "")")
            #expect(proto.suites.map(\.code) == configured, "\(version)")
            if configured.count >= 2 { #expect(proto.serverPreference == true, "\(version)") }
        }
        // TLS 1.3: the first acceptable key share, then a HelloRetryRequest; the order told by two shareless offers
        let tls13 = try #require(scan.groups.first { $0.version == .tls13 })
        #expect(tls13.groups == Self.modern.groups)
        #expect(tls13.serverPreference == true)
        #expect(tls13.complete)
        let tls12 = try #require(scan.groups.first { $0.version == .tls12 })
        #expect(tls12.groups == Self.modern.groups.filter { Catalog.shared.group(code: $0)?.kind == .ecdhe })
        #expect(tls12.serverPreference == true)
    }

    @Test func aClientOrderServerIsToldApart() async throws {
        var server = Self.modern
        server.protocols = server.protocols.map { ScriptedServer.Version($0.version, suites: $0.suites, order: .client) }
        server.groupOrder = .client
        let (scan, _) = await Self.scan(server)
        #expect(scan.isComplete)
        for version in [TLSVersion.tls12, .tls13] {
            let proto = try #require(scan.protocolResult(version))
            #expect(Set(proto.suites.map(\.code)) == Set(server.suites(for: version)), "\(version)")
            #expect(proto.serverPreference == false, "\(version)")
        }
        #expect(
            scan.groups.allSatisfy { $0.serverPreference == false && Set($0.groups).isSubset(of: Set(server.groups)) }, "\(scan.groups)")
    }

    /// An SSLv3-only server: the hello carries no extensions, so an ECDHE suite gets the server's own curve; DHE
    /// suites its DH size.
    @Test func sslv3HellosGetTheServersCurveAndDHSize() async throws {
        let suites: [UInt16] = [0xC014, 0x0039, 0x0035]
        let server = ScriptedServer(protocols: [.init(.sslv3, suites: suites)], groups: [0x0017], dhBits: 1024)
        let (scan, _) = await Self.scan(server)
        let sslv3 = try #require(scan.protocolResult(.sslv3))
        #expect(sslv3.suites.map(\.code) == suites)
        #expect(sslv3.suites.first { $0.code == 0xC014 }?.group == 0x0017)
        #expect(sslv3.suites.first { $0.code == 0x0039 }?.dhBits == 1024)
        #expect(scan.protocols.filter { $0.version != .sslv3 }.allSatisfy { $0.supported == false })
    }

    /// Each key type's suites come with its own chain; a suite whose key type has no certificate is never chosen.
    @Test func suitesFollowTheCertificatesKeyTypes() async throws {
        let rsa: [[UInt8]] = [[0x30, 0x01, 0x01]]
        let server = ScriptedServer(
            protocols: [.init(.tls12, suites: [0xC02B, 0xC02F, 0x009C])],
            certificates: [.init(.rsa, chain: rsa)])
        let (scan, _) = await Self.scan(server)
        let tls12 = try #require(scan.protocolResult(.tls12))
        // 0xC02B is ECDHE-ECDSA: no ECDSA certificate here
        #expect(tls12.suites.map(\.code) == [0xC02F, 0x009C])
        #expect(scan.certificates.map(\.der) == [rsa])
        #expect(scan.certificates.first?.authentication == CipherSuite.Authentication.rsa.rawValue)
    }

    // MARK: counting

    /// Every connection is counted, per engine: the scan's own count, the ledger's outcomes and the server's log
    /// agree; each accepted cell a scripted library can offer is confirmed once, by the first library that can.
    @Test func everyConnectionIsCountedPerEngine() async throws {
        let (scan, environment) = await Self.scan(Self.modern, options: Self.options(crossCheck: true, observe: true))
        #expect(scan.connections == environment.connections.count + environment.tcpConnects)
        #expect(scan.probes.total == environment.connections.count)
        #expect(
            environment.probes(.wire) + environment.probes(.openssl) + environment.probes(.gnutls) + environment.observedHellos
                == environment.connections.count)
        var openssl = 0
        var gnutls = 0
        for proto in scan.protocols where proto.version != .sslv2 {
            for suite in proto.suites {
                if environment.canOffer(.openssl, version: proto.version, suite: suite.code) {
                    openssl += 1
                    #expect(suite.evidence == [.wire, .openssl], "\(proto.version) \(suite.code)")
                } else if environment.canOffer(.gnutls, version: proto.version, suite: suite.code) {
                    gnutls += 1
                    #expect(suite.evidence == [.wire, .gnutls])
                } else {
                    #expect(suite.evidence == [.wire])
                }
            }
        }
        #expect(environment.probes(.openssl) == openssl)
        #expect(environment.probes(.gnutls) == gnutls)
        #expect(environment.observedHellos == scan.observations.filter { $0.sameHelloAs == nil }.count)
        #expect(!scan.findings.contains { $0.id == "engine-disagreement" })
        #expect(scan.connections >= scan.connectionLowerBound)
    }

    // MARK: faults

    /// A server that resets every connection whose answer would choose one suite: the probe is tried
    /// ``ProbeConfirmation/maxAttempts`` times, the version stays undecided from that suite on, and the scan is
    /// incomplete. Never "refused".
    @Test func aResetOnOneSuiteLeavesItsCellUndecided() async throws {
        var server = Self.modern
        let configured = server.suites(for: .tls12)
        server.faults = [.init(.reset, suite: configured[1], source: .engine(.wire))]
        let (scan, environment) = await Self.scan(server)
        let tls12 = try #require(scan.protocolResult(.tls12))
        #expect(tls12.supported == true)
        #expect(tls12.complete == false)
        #expect(tls12.isUndecided)
        #expect(tls12.note?.hasPrefix("not decided") == true, "\(tls12.note ?? "")")
        // server order: the first pick was found, the chain stopped at the reset one
        #expect(tls12.suites.map(\.code) == Array(configured.prefix(1)))
        #expect(!scan.isComplete)
        let undecided = try #require(scan.undecided.first { $0.version == .tls12 })
        #expect(undecided.reason.contains("reset"), "\(undecided.reason)")
        #expect(environment.connections.filter { $0.fault == .reset }.count == ProbeConfirmation.maxAttempts)
        // the other version is untouched
        #expect(scan.protocolResult(.tls13)?.suites.map(\.code) == server.suites(for: .tls13))
    }

    @Test func aTimeoutOnAVersionLeavesItUndecided() async throws {
        var server = Self.modern
        server.protocols.append(.init(.tls11, suites: [0xC013, 0x002F]))
        server.faults = [.init(.handshakeTimeout, version: .tls11)]
        let (scan, environment) = await Self.scan(server)
        let tls11 = try #require(scan.protocolResult(.tls11))
        #expect(tls11.supported == nil)
        #expect(tls11.complete == false)
        #expect(tls11.note == "not decided: a probe timed out during handshake")
        #expect(scan.undecided.contains { $0.version == .tls11 && $0.reason == "timed out during handshake" })
        #expect(!scan.isComplete)
        // a handshake timeout is final, never retried: one connection per TLS 1.1 probe (one per list of suites),
        // each listed as undecided
        let tls11Connections = environment.connections.filter { $0.versions == [.tls11] }
        #expect(!tls11Connections.isEmpty && tls11Connections.allSatisfy { $0.fault == .handshakeTimeout })
        #expect(scan.undecided.filter { $0.version == .tls11 }.count == tls11Connections.count)
        #expect(scan.protocolResult(.tls12)?.complete == true)
    }

    /// One reset is retried through: the cell is found, the scan complete, the retry counted.
    @Test func aSingleResetIsRetriedThrough() async throws {
        var server = Self.modern
        server.faults = [.init(.reset, suite: server.suites(for: .tls12)[1], limit: 1)]
        let (scan, environment) = await Self.scan(server)
        #expect(scan.isComplete, "\(scan.undecided)")
        #expect(scan.protocolResult(.tls12)?.suites.map(\.code) == server.suites(for: .tls12))
        #expect(environment.connections.filter { $0.fault != nil }.count == 1)
        // retried: the reset, and the SSL 2.0 hello's bare close (confirmed by a second one before it is a refusal)
        let sslv2Retries = environment.connections.filter { $0.versions == [.sslv2] }.count - 1
        #expect(sslv2Retries == 1)
        #expect(scan.network?.retries == 1 + sslv2Retries)
    }

    /// Faults on the first connections only: a first probe timed out at connect is retried like CloudFront's
    /// connection attempts, and the scan goes on to decide every version.
    @Test func connectAttemptsRetryTheFirstProbe() async throws {
        var server = Self.modern
        server.faults = [.init(.connectTimeout, firstConnections: 2)]
        let (scan, environment) = await Self.scan(server)
        #expect(scan.reachability == .reachable)
        #expect(Array(environment.connections.prefix(3)).map { $0.fault } == [.connectTimeout, .connectTimeout, nil])
        #expect(scan.protocols.allSatisfy { !$0.isUndecided })
        // the two failed connects are retried away: nothing undecided, the scan complete, three attempts counted
        #expect(scan.undecided.isEmpty, "\(scan.undecided)")
        #expect(scan.isComplete)
        #expect(scan.connectAttempts == 3)
        for version in TLSVersion.allCases {
            #expect(scan.protocolResult(version)?.suites.map(\.code) == Self.modern.suites(for: version), "\(version)")
        }
    }

    // MARK: names and ports

    @Test func scriptedNamesAndPorts() async throws {
        let environment = ScriptedEnvironment(
            server: Self.modern, names: ["origin.test": ["192.0.2.10"]], addresses: ["192.0.2.10"],
            ports: [80: .refused])
        var options = Self.options()
        options.httpPort = 80
        let (scan, _) = await Self.scan(Self.modern, options: options, host: "origin.test", environment: environment)
        #expect(scan.address == "192.0.2.10")
        #expect(scan.serverName == "origin.test")
        #expect(scan.reachability == .reachable)
        #expect(scan.httpPort == PortCheck(port: 80, open: false, detail: "connection refused"))
        #expect(environment.tcpConnects == options.connectAttempts)

        let unknown = await Self.scan(Self.modern, host: "unknown.test").0
        guard case .unresolved(let why) = unknown.reachability else {
            Issue.record("\(unknown.reachability)")
            return
        }
        #expect(why.contains("unknown.test"))
        #expect(try await environment.addresses(of: "2001:db8::1", timeout: .seconds(1)) == ["2001:db8::1"])
    }

    @Test(arguments: [
        (ScriptedEnvironment.Port.refused, Reachability.refused("connection refused")),
        (.silent, .connectTimeout),
    ])
    func aDeadPortCostsTheConnectAttempts(_ port: ScriptedEnvironment.Port, _ expected: Reachability) async throws {
        let environment = ScriptedEnvironment(server: Self.modern, defaultPort: port)
        let options = Self.options()
        let (scan, _) = await Self.scan(Self.modern, options: options, environment: environment)
        #expect(scan.reachability == expected)
        #expect(scan.connectAttempts == options.connectAttempts)
        #expect(environment.probes(.wire) == options.connectAttempts)
        #expect(scan.protocols.isEmpty)
    }

    @Test func aPortThatNeverAnswersTLSIsNoTLSAnswer() async throws {
        let environment = ScriptedEnvironment(server: Self.modern, defaultPort: .open)
        let (scan, _) = await Self.scan(Self.modern, environment: environment)
        #expect(scan.reachability.isTimeout)
        #expect(environment.probes(.wire) == 1)
    }

    // MARK: the hello observer

    /// Each CloudFront generation's own hello gets the server's choice among what that hello offers.
    @Test func generationHellosGetTheServersChoice() async throws {
        let server = ScriptedServer(protocols: [.init(.tls12, suites: [0x009C, 0xC030, 0xC02F])])
        let (scan, _) = await Self.scan(server, options: Self.options(observe: true))
        let generations = CloudFrontGeneration.allCases
        #expect(
            scan.observations.filter { observation in generations.contains { $0.profileID == observation.client } }.count
                == generations.count)
        for generation in generations {
            let profile = try #require(Catalog.shared.client(id: generation.profileID))
            let observation = try #require(scan.observations.first { $0.client == generation.profileID })
            let expected = server.suites(for: .tls12).first(where: profile.suites.contains)
            #expect(observation.result == (expected == nil ? .rejected : .accepted), "\(generation)")
            #expect(observation.suite == expected, "\(generation)")
            if expected != nil { #expect(observation.protocolVersion == .tls12) }
        }
    }

    /// A TLS 1.3 server with P-384 only: a hello without a P-384 share gets a HelloRetryRequest for it; a hello
    /// that does not offer TLS 1.3 gets protocol_version.
    @Test func aHelloWithoutAnAcceptableShareGetsAHelloRetryRequest() async throws {
        let server = ScriptedServer(protocols: [.init(.tls13, suites: [0x1302, 0x1301])], groups: [0x0018])
        var options = Self.options(observe: true)
        options.originProtocols = [.tls12, .tls13]
        let (scan, _) = await Self.scan(server, options: options)
        for generation in CloudFrontGeneration.allCases {
            let profile = try #require(Catalog.shared.client(id: generation.profileID))
            let observation = try #require(scan.observations.first { $0.client == generation.profileID })
            let versions = profile.versions(forOriginProtocols: options.originProtocols)
            guard versions.contains(.tls13), profile.groups.contains(0x0018) else {
                #expect(observation.result == .rejected, "\(generation)")
                continue
            }
            #expect(observation.protocolVersion == .tls13, "\(generation)")
            #expect(observation.suite == server.suites(for: .tls13).first(where: profile.suites.contains))
            #expect(observation.group == 0x0018)
            #expect(observation.helloRetry == !profile.keyShareGroups.contains(0x0018), "\(generation)")
        }
        // the matrix: TLS 1.3 with P-384 alone, found after a retry request
        #expect(scan.protocolResult(.tls13)?.suites.map(\.code) == server.suites(for: .tls13))
        #expect(scan.protocolResult(.tls13)?.suites.allSatisfy { $0.group == 0x0018 } == true)
    }

    /// A middlebox that closes hellos with more suites than it takes: the matrix is still found (plain hellos),
    /// with the finding.
    @Test func aHelloIntolerantPathIsFoundWithPlainHellos() async throws {
        var server = Self.modern
        server.maxSuitesPerHello = 40
        let (scan, _) = await Self.scan(server)
        #expect(scan.findings.contains { $0.id == Finding.ID.helloShapeIntolerance })
        #expect(Set(scan.protocolResult(.tls12)?.suites.map(\.code) ?? []) == Set(server.suites(for: .tls12)))
    }
}
