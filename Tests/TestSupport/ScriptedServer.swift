import Foundation
import TLSCatalog
import TLSModel
import TLSWire

/// A TLS server described by its configuration, without sockets: the versions it speaks, each version's suites and
/// whose order picks them, its groups, its certificate chains, its DH size, and the faults chosen probes meet.
/// ``ScriptedEnvironment`` hands it every ClientHello the scanner's engines would send, and it answers each the way
/// a real server with that configuration would: its choice is computed from the offer, never a canned answer.
///
///     let server = ScriptedServer(protocols: [.init(.tls12, suites: [0xC02F, 0xC030], order: .server)],
///                                 groups: [0x001D, 0x0017], certificates: [.init(.rsa, chain: der)])
///     let scan = await Scanner(options: options, environment: ScriptedEnvironment(server: server)).scan(target)
///
/// What it models, as OpenSSL, GnuTLS and tlslite-ng servers behave:
/// - **Version.** A hello with supported_versions gets the highest version of that list the server speaks; one
///   without gets the highest the server speaks up to the hello's legacy version (an older version than the hello
///   offered is the engine's "other version" refusal). No common version: alert protocol_version (70).
/// - **Suite.** The first acceptable suite in the server's list (server order) or in the offer (client order). A
///   suite is acceptable when the version lists it and the server can run it: an ECDHE suite needs a common curve
///   (any of the server's when the hello has no supported_groups), a DHE suite a DH group (``dhBits``), an RSA,
///   ECDSA or DSS suite a certificate of that key type for the name asked for. None: alert handshake_failure (40).
/// - **Groups.** TLS 1.2 curves follow ``groupOrder``. TLS 1.3 takes the first key share the hello carries for one
///   of the server's groups (in the hello's order, as OpenSSL does); with none, or with
///   ``KeySharePolicy/ownPreference`` and a share for another group than its first choice, it answers with a
///   HelloRetryRequest for its choice by ``groupOrder``.
/// - **What the client reads.** TLS 1.2 and earlier: the chain, the curve or DH size when the client reads the
///   flight; TLS 1.3: no chain on the wire (it is encrypted), the chain for a library handshake.
package struct ScriptedServer: Sendable {
    /// Whose order decides a pick.
    package enum Order: String, Sendable {
        /// The server's own list, whatever the client prefers.
        case server
        /// The first in the client's offer that the server accepts.
        case client
    }

    /// One protocol version the server speaks: its suites (in the server's preference order) and whose order
    /// picks them.
    package struct Version: Sendable {
        package var version: TLSVersion
        package var suites: [UInt16]
        package var order: Order

        package init(_ version: TLSVersion, suites: [UInt16], order: Order = .server) {
            self.version = version
            self.suites = suites
            self.order = order
        }
    }

    /// A certificate chain the server sends (leaf first, as sent), for the suites of its key type.
    package struct Certificate: Sendable {
        /// The key type of the leaf: the suites whose authentication it serves (RSA, ECDSA, DSS).
        package var keyType: CipherSuite.Authentication
        package var chain: [[UInt8]]
        /// The SNI names it is served for; nil: the default chain, for every other name and for hellos without SNI.
        package var serverNames: [String]?

        package init(_ keyType: CipherSuite.Authentication, chain: [[UInt8]], serverNames: [String]? = nil) {
            self.keyType = keyType
            self.chain = chain
            self.serverNames = serverNames
        }

        /// The certificates of PEM `files` in order (each may hold several), as one chain.
        package init(_ keyType: CipherSuite.Authentication, pemFiles files: [URL], serverNames: [String]? = nil) throws {
            let chain = try files.flatMap { try PEM.certificates(in: String(contentsOf: $0, encoding: .utf8)) }
            self.init(keyType, chain: chain, serverNames: serverNames)
        }
    }

    /// How a TLS 1.3 server uses the key shares a hello carries.
    package enum KeySharePolicy: String, Sendable {
        /// The first share (in the hello's order) for a group it accepts, else a HelloRetryRequest (OpenSSL up to
        /// 3.4, GnuTLS, tlslite-ng).
        case firstAcceptableShare
        /// Its own choice (by ``ScriptedServer/groupOrder``) among the offered groups; a HelloRetryRequest when the
        /// hello has no share for it (Go's crypto/tls prefers its own order the same way).
        case ownPreference
    }

    /// Whether the server asks for a client certificate.
    package enum ClientCertificate: String, Sendable {
        /// A CertificateRequest; a client without a certificate goes on.
        case optional
        /// A CertificateRequest; a handshake without a certificate fails (handshake_failure in TLS 1.2,
        /// certificate_required after the handshake in TLS 1.3).
        case required
    }

    /// A fault some probes meet instead of the server's answer.
    package struct Fault: Sendable {
        package enum Effect: Sendable, Equatable {
            /// No answer within the handshake deadline.
            case handshakeTimeout
            /// No TCP connection within the connect deadline.
            case connectTimeout
            /// The connection is reset before any byte of an answer.
            case reset
            /// The connection is closed without a byte (a bare FIN).
            case close
            /// The exchange fails without a definitive answer.
            case failure(ProbeFailure)
        }

        /// Who sends the hello.
        package enum Source: Sendable, Equatable {
            case engine(EngineKind)
            /// The hello observer (a named client's own hello).
            case observer
        }

        package var effect: Effect
        /// Only hellos whose highest offered version is this one.
        package var version: TLSVersion?
        /// Only hellos the server would answer by choosing this suite.
        package var suite: UInt16?
        /// Only hellos from this engine (or the observer).
        package var source: Source?
        /// Only the first this many connections to the server (every engine and the observer counted together).
        package var firstConnections: Int?
        /// At most this many times; nil: every matching hello.
        package var limit: Int?

        package init(
            _ effect: Effect, version: TLSVersion? = nil, suite: UInt16? = nil, source: Source? = nil,
            firstConnections: Int? = nil, limit: Int? = nil
        ) {
            self.effect = effect
            self.version = version
            self.suite = suite
            self.source = source
            self.firstConnections = firstConnections
            self.limit = limit
        }

        /// What the client sees instead of the answer.
        package var outcome: ProbeOutcome {
            switch effect {
            case .handshakeTimeout: .timedOut(.handshake)
            case .connectTimeout: .timedOut(.connect)
            case .reset: .rejected(.reset)
            case .close: .rejected(.closed)
            case .failure(let failure): .failed(failure)
            }
        }
    }

    /// The versions the server speaks (SSL 2.0 aside: ``sslv2CipherKinds``).
    package var protocols: [Version]
    /// Key-exchange groups in the server's preference order: TLS 1.2 curves are its ECDHE kinds, TLS 1.3 any.
    package var groups: [UInt16]
    package var groupOrder: Order
    package var keySharePolicy: KeySharePolicy
    package var certificates: [Certificate]
    /// The size of the finite-field DH group of DHE suites before TLS 1.3; nil: no DH group, DHE suites unusable.
    package var dhBits: Int?
    /// SSL 2.0 cipher kinds the server speaks (empty: no SSL 2.0; such a hello is answered by a bare close).
    package var sslv2CipherKinds: [UInt32]
    package var clientCertificate: ClientCertificate?
    /// Echoes extended_master_secret (RFC 7627) when offered.
    package var extendedMasterSecret: Bool
    /// Answers renegotiation_info / the renegotiation SCSV (RFC 5746).
    package var secureRenegotiation: Bool
    /// Reads supported_versions (every TLS 1.3 implementation does, even with TLS 1.3 switched off); false: an
    /// older stack that negotiates from the legacy version only.
    package var readsSupportedVersions: Bool
    /// A middlebox in front of it closes (bare FIN) every hello offering more suites than this (SCSVs counted).
    package var maxSuitesPerHello: Int?
    /// Faults, checked in order; the first that matches a hello replaces the answer.
    package var faults: [Fault]

    package init(
        protocols: [Version], groups: [UInt16] = [0x001D, 0x0017, 0x0018], groupOrder: Order = .server,
        keySharePolicy: KeySharePolicy = .firstAcceptableShare, certificates: [Certificate] = [],
        dhBits: Int? = 2048, sslv2CipherKinds: [UInt32] = [], clientCertificate: ClientCertificate? = nil,
        extendedMasterSecret: Bool = true, secureRenegotiation: Bool = true, readsSupportedVersions: Bool = true,
        maxSuitesPerHello: Int? = nil, faults: [Fault] = []
    ) {
        self.protocols = protocols
        self.groups = groups
        self.groupOrder = groupOrder
        self.keySharePolicy = keySharePolicy
        self.certificates = certificates
        self.dhBits = dhBits
        self.sslv2CipherKinds = sslv2CipherKinds
        self.clientCertificate = clientCertificate
        self.extendedMasterSecret = extendedMasterSecret
        self.secureRenegotiation = secureRenegotiation
        self.readsSupportedVersions = readsSupportedVersions
        self.maxSuitesPerHello = maxSuitesPerHello
        self.faults = faults
    }

    /// The versions the server speaks, oldest first (SSL 2.0 included when it has cipher kinds).
    package var versions: [TLSVersion] {
        (protocols.filter { !$0.suites.isEmpty }.map(\.version) + (sslv2CipherKinds.isEmpty ? [] : [.sslv2])).sorted()
    }

    /// The suites accepted with `version`, in the server's order.
    package func suites(for version: TLSVersion) -> [UInt16] {
        protocols.first { $0.version == version }?.suites ?? []
    }
}

// MARK: What a hello offers, as the server reads it

/// A ClientHello as the server parses it: the extensions it carries and what they say.
package struct ScriptedOffer: Sendable {
    /// The versions the client offers (what the engine accepts an answer with).
    package var versions: [TLSVersion]
    package var legacyVersion: TLSVersion
    /// supported_versions, highest first; empty when the hello has none.
    package var supportedVersions: [TLSVersion]
    /// The suites in the hello's order, SCSVs included.
    package var suites: [UInt16]
    /// supported_groups; empty when the hello has none.
    package var groups: [UInt16]
    /// The groups the hello carries a key share for, in its order.
    package var keyShares: [UInt16]
    /// The SNI sent (nil: none).
    package var serverName: String?
    package var extensions: Set<UInt16>
    /// An SSL 2.0 CLIENT-HELLO.
    package var sslv2: Bool

    /// The offer of `hello` as encoded by TLSWire. `freshShares`: the sender makes key shares for groups without a
    /// published sample (the hello observer does for the hybrid post-quantum groups).
    package init(_ hello: ClientHello, freshShares: Bool = false) {
        versions = hello.offeredVersions
        legacyVersion = hello.legacyVersion
        sslv2 = false
        var present: Set<UInt16> = []
        if hello.legacyVersion != .sslv3 {
            if let shape = hello.shape {
                present = Set(shape.extensions.filter { hello.extensionBody($0) != nil })
            } else {
                if let name = hello.serverName, ServerNameRules.isSendable(name) { present.insert(TLSConstants.extServerName) }
                if !hello.groups.isEmpty { present.formUnion([TLSConstants.extSupportedGroups, TLSConstants.extECPointFormats]) }
                if !hello.signatureSchemes.isEmpty && hello.version >= .tls12 { present.insert(TLSConstants.extSignatureAlgorithms) }
                if hello.secureRenegotiation && hello.version < .tls13 { present.insert(TLSConstants.extRenegotiationInfo) }
                present.insert(TLSConstants.extExtendedMasterSecret)
                if hello.version == .tls13 { present.formUnion([TLSConstants.extSupportedVersions, TLSConstants.extKeyShare]) }
            }
        }
        extensions = present
        supportedVersions =
            present.contains(TLSConstants.extSupportedVersions)
            ? (hello.shape?.supportedVersions ?? (hello.version == .tls13 ? [.tls13] : [])) : []
        var offered = hello.suites
        if hello.shape?.renegotiationSCSV ?? (hello.secureRenegotiation && hello.version == .sslv3),
            !offered.contains(TLSConstants.scsvRenegotiation)
        {
            offered.append(TLSConstants.scsvRenegotiation)
        }
        suites = offered
        groups = present.contains(TLSConstants.extSupportedGroups) ? hello.groups : []
        keyShares =
            !present.contains(TLSConstants.extKeyShare)
            ? []
            : hello.keyShareGroups.filter { group in
                hello.groups.contains(group)
                    && (hello.share(for: group) != nil || (freshShares && Catalog.shared.group(code: group)?.kind == .hybrid))
            }
        serverName = present.contains(TLSConstants.extServerName) ? hello.serverName : nil
    }

    /// An SSL 2.0 CLIENT-HELLO (the wire engine's SSL 2.0 detection).
    package static let sslv2Hello = ScriptedOffer(sslv2: ())

    private init(sslv2: Void) {
        versions = [.sslv2]
        legacyVersion = .sslv2
        supportedVersions = []
        suites = []
        groups = []
        keyShares = []
        serverName = nil
        extensions = []
        self.sslv2 = true
    }

    /// Secure renegotiation signalled (the extension or the SCSV).
    var signalsRenegotiation: Bool {
        extensions.contains(TLSConstants.extRenegotiationInfo) || suites.contains(TLSConstants.scsvRenegotiation)
    }
}

// MARK: The server's answer

extension ScriptedServer {
    /// How much of the server's answer the client reads.
    package enum Reading: Sendable, Equatable {
        /// The ServerHello only (the wire engine's TLS 1.3 probes and its flight-less ones).
        case serverHello
        /// The flight up to ServerHelloDone: the chain and the key exchange before TLS 1.3.
        case flight
        /// A library's complete handshake, sending no client certificate; `listen`: it reads on after its Finished
        /// for a certificate_required alert (TLS 1.3).
        case handshake(listen: Bool)
    }

    /// The server's answer to `offer`, as the client sees it after reading `reading`.
    package func answer(_ offer: ScriptedOffer, reading: Reading) -> ProbeOutcome {
        if let limit = maxSuitesPerHello, offer.suites.count > limit { return .rejected(.closed) }
        if offer.sslv2 {
            guard !sslv2CipherKinds.isEmpty else { return .rejected(.closed) }
            return .accepted(
                Negotiated(
                    version: .sslv2, suite: 0, certificates: Array(certificates.first?.chain.prefix(1) ?? []),
                    sslv2CipherKinds: sslv2CipherKinds))
        }
        guard let version = version(for: offer) else { return .rejected(.alert(Self.protocolVersion)) }
        guard let pick = pick(version, offer: offer) else { return .rejected(.alert(Self.handshakeFailure)) }
        guard offer.versions.contains(version) else { return .rejected(.otherVersion(version.wireValue)) }
        if version == .tls13 {
            return answerTLS13(offer, suite: pick.suite, certificate: pick.certificate, reading: reading)
        }
        var negotiated = Negotiated(version: version, suite: pick.suite)
        negotiated.secureRenegotiation = secureRenegotiation && offer.signalsRenegotiation
        negotiated.extendedMasterSecret = extendedMasterSecret && offer.extensions.contains(TLSConstants.extExtendedMasterSecret)
        if case .handshake = reading { negotiated.extendedMasterSecret = nil }  // a library does not report it
        if reading != .serverHello {
            negotiated.certificates = pick.certificate?.chain ?? []
            negotiated.group = pick.curve
            if Catalog.shared.suite(code: pick.suite)?.keyExchange.isFiniteFieldDH == true { negotiated.dhBits = dhBits }
        }
        switch (reading, clientCertificate) {
        case (.flight, _?):
            negotiated.certificateRequested = true
        case (.handshake, .required?):
            return .rejected(.alert(Self.handshakeFailure))  // the client's empty Certificate is refused
        default:
            break
        }
        return .accepted(negotiated)
    }

    static let protocolVersion = Alert(level: 2, code: 70)
    static let handshakeFailure = Alert(level: 2, code: 40)

    /// The version the server negotiates with `offer`, or nil when it speaks none the hello allows.
    func version(for offer: ScriptedOffer) -> TLSVersion? {
        let spoken = Set(protocols.filter { !$0.suites.isEmpty }.map(\.version))
        if readsSupportedVersions, !offer.supportedVersions.isEmpty {
            return offer.supportedVersions.filter(spoken.contains).max()
        }
        return spoken.filter { $0 != .tls13 && $0 <= offer.legacyVersion }.max()
    }

    /// The server's choice with `version`: the suite, the chain it brings and (ECDHE before TLS 1.3) the curve.
    func pick(_ version: TLSVersion, offer: ScriptedOffer) -> (suite: UInt16, certificate: Certificate?, curve: UInt16?)? {
        guard let configured = protocols.first(where: { $0.version == version }) else { return nil }
        if version == .tls13, commonGroups(offer, tls13: true).isEmpty { return nil }
        let ordered =
            configured.order == .server
            ? configured.suites.filter(offer.suites.contains)
            : offer.suites.filter(configured.suites.contains)
        for code in ordered {
            guard let suite = Catalog.shared.suite(code: code) else { continue }
            var curve: UInt16?
            if version < .tls13, suite.keyExchange.isEllipticCurveDH {
                guard let common = commonGroups(offer, tls13: false).first else { continue }
                curve = common
            }
            if version < .tls13, suite.keyExchange.isFiniteFieldDH, dhBits == nil { continue }
            let certificate = self.certificate(for: suite, serverName: offer.serverName)
            if !certificates.isEmpty, [.rsa, .ecdsa, .dss, .any].contains(suite.authentication), certificate == nil { continue }
            return (code, certificate, curve)
        }
        return nil
    }

    /// The groups both sides can use, in the order that decides (``groupOrder``): before TLS 1.3 the server's curves
    /// (every one of them when the hello lists none).
    func commonGroups(_ offer: ScriptedOffer, tls13: Bool) -> [UInt16] {
        let usable = tls13 ? groups : groups.filter { Catalog.shared.group(code: $0)?.kind == .ecdhe }
        if !tls13, offer.groups.isEmpty { return usable }
        return groupOrder == .server ? usable.filter(offer.groups.contains) : offer.groups.filter(usable.contains)
    }

    /// The chain for `suite`'s key type served for `serverName` (TLS 1.3: the first for the name).
    func certificate(for suite: CipherSuite, serverName: String?) -> Certificate? {
        let named = certificates.filter { cert in
            cert.serverNames?.contains { $0.lowercased() == serverName?.lowercased() } ?? false
        }
        let candidates = !named.isEmpty ? named : certificates.filter { $0.serverNames == nil }
        if suite.authentication == .any { return candidates.first }
        return candidates.first { $0.keyType == suite.authentication }
    }

    /// TLS 1.3: the group from a key share or a HelloRetryRequest, and what the client reads.
    func answerTLS13(_ offer: ScriptedOffer, suite: UInt16, certificate: Certificate?, reading: Reading) -> ProbeOutcome {
        let common = commonGroups(offer, tls13: true)
        let share = offer.keyShares.first(where: groups.contains)
        let group: UInt16
        let retry: Bool
        switch keySharePolicy {
        case .firstAcceptableShare:
            if let share {
                (group, retry) = (share, false)
            } else if let preferred = common.first {
                (group, retry) = (preferred, true)
            } else {
                return .rejected(.alert(Self.handshakeFailure))
            }
        case .ownPreference:
            guard let preferred = common.first else { return .rejected(.alert(Self.handshakeFailure)) }
            (group, retry) = (preferred, !offer.keyShares.contains(preferred))
        }
        // after a retry request the client sends the share asked for (the wire engine takes the request itself as
        // the answer when it has no share for the group): either way the group is the server's choice
        var negotiated = Negotiated(version: .tls13, suite: suite, group: group, helloRetry: retry)
        negotiated.extendedMasterSecret = false
        if case .handshake(let listen) = reading {
            negotiated.helloRetry = false
            negotiated.extendedMasterSecret = nil
            negotiated.certificates = certificate?.chain ?? []
            if listen, clientCertificate == .required { negotiated.certificateRequested = true }
        }
        return .accepted(negotiated)
    }
}

/// PEM text to DER certificates.
package enum PEM {
    package struct Malformed: Error, CustomStringConvertible {
        package var description: String
    }

    /// Every `CERTIFICATE` block of `text`, in order.
    package static func certificates(in text: String) throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        var body: String?
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "-----BEGIN CERTIFICATE-----" {
                body = ""
            } else if trimmed == "-----END CERTIFICATE-----" {
                guard let text = body, let data = Data(base64Encoded: text) else {
                    throw Malformed(description: "a CERTIFICATE block that is not base64")
                }
                out.append(Array(data))
                body = nil
            } else if let text = body {
                body = text + trimmed
            }
        }
        guard !out.isEmpty else { throw Malformed(description: "no CERTIFICATE block") }
        return out
    }
}
