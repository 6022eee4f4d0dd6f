import TLSCatalog

/// What a ClientHello offers. The builder encodes exactly this and nothing else.
public struct ClientHello: Sendable, Equatable {
    /// The protocol version to offer. TLS 1.3 is offered through supported_versions with a legacy version of TLS 1.2.
    public var version: TLSVersion
    /// Cipher suite code points in the order to offer them.
    public var suites: [UInt16]
    /// Server name for the SNI extension; IP literals and `nil` send none.
    public var serverName: String?
    /// supported_groups, in order (also used to choose key shares for TLS 1.3).
    public var groups: [UInt16]
    /// signature_algorithms, in order.
    public var signatureSchemes: [UInt16]
    /// Groups to send key shares for (TLS 1.3). Only groups with a sample share in ``KeyShareSamples`` are sent.
    public var keyShareGroups: [UInt16]
    /// Adds the TLS_EMPTY_RENEGOTIATION_INFO_SCSV for SSLv3 or the renegotiation_info extension for TLS.
    public var secureRenegotiation: Bool
    /// 32 bytes of client random.
    public var random: [UInt8]
    /// Legacy session id (32 bytes for TLS 1.3 middlebox compatibility).
    public var sessionID: [UInt8]

    public init(
        version: TLSVersion,
        suites: [UInt16],
        serverName: String? = nil,
        groups: [UInt16] = [],
        signatureSchemes: [UInt16] = [],
        keyShareGroups: [UInt16] = [0x001D, 0x0017],
        secureRenegotiation: Bool = true,
        random: [UInt8]? = nil,
        sessionID: [UInt8]? = nil
    ) {
        self.version = version
        self.suites = suites
        self.serverName = serverName
        self.groups = groups
        self.signatureSchemes = signatureSchemes
        self.keyShareGroups = keyShareGroups
        self.secureRenegotiation = secureRenegotiation
        var rng = SystemRandomNumberGenerator()
        self.random = random ?? (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        self.sessionID = sessionID ?? (version == .tls13 ? (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) } : [])
    }
}

/// Handshake and extension numbers used by the codec.
public enum TLSConstants {
    public static let recordHandshake: UInt8 = 22
    public static let recordAlert: UInt8 = 21
    public static let recordChangeCipherSpec: UInt8 = 20
    public static let recordApplicationData: UInt8 = 23
    public static let maxFragment = 16384 + 2048

    public static let extServerName: UInt16 = 0
    public static let extSupportedGroups: UInt16 = 10
    public static let extECPointFormats: UInt16 = 11
    public static let extSignatureAlgorithms: UInt16 = 13
    public static let extExtendedMasterSecret: UInt16 = 23
    public static let extPadding: UInt16 = 21
    public static let extSupportedVersions: UInt16 = 43
    public static let extKeyShare: UInt16 = 51
    public static let extRenegotiationInfo: UInt16 = 0xFF01

    public static let scsvRenegotiation: UInt16 = 0x00FF

    /// SHA-256("HelloRetryRequest"): the ServerHello.random that marks a HelloRetryRequest (RFC 8446 §4.1.3).
    public static let helloRetryRequestRandom: [UInt8] = KeyShareSamples.hex(
        "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")
}

extension ClientHello {
    /// Encodes the ClientHello as one handshake record (or several, if it is larger than a record).
    public func encodeRecords() -> [UInt8] {
        let body = encodeHandshake()
        let recordVersion: UInt16 = version == .sslv3 ? 0x0300 : 0x0301
        var out = ByteWriter()
        var start = 0
        repeat {
            let end = min(start + 16384, body.count)
            out.write(TLSConstants.recordHandshake)
            out.write(recordVersion)
            out.write(UInt16(end - start))
            out.write(Array(body[start..<end]))
            start = end
        } while start < body.count
        return out.bytes
    }

    /// Encodes the handshake message (type 1) without the record header.
    public func encodeHandshake() -> [UInt8] {
        var hello = ByteWriter()
        hello.write(version == .tls13 ? TLSVersion.tls12.wireValue : version.wireValue)
        hello.write(random)
        hello.writeVector(prefixBytes: 1) { $0.write(sessionID) }
        var offered = suites
        if secureRenegotiation && version == .sslv3 && !offered.contains(TLSConstants.scsvRenegotiation) {
            offered.append(TLSConstants.scsvRenegotiation)
        }
        hello.writeVector(prefixBytes: 2) { w in offered.forEach { w.write($0) } }
        hello.writeVector(prefixBytes: 1) { $0.write(UInt8(0)) }  // null compression only
        if version != .sslv3 {
            var extensions = encodeExtensions()
            // Hellos between 256 and 511 bytes hang some load balancers (RFC 7685 §1); pad past 512.
            let lengthSoFar = 4 + hello.bytes.count + 2 + extensions.count
            if (256...511).contains(lengthSoFar) {
                let padding = max(0, 512 - lengthSoFar - 4)
                var pad = ByteWriter()
                pad.write(TLSConstants.extPadding)
                pad.writeVector(prefixBytes: 2) { $0.write([UInt8](repeating: 0, count: padding)) }
                extensions += pad.bytes
            }
            hello.writeVector(prefixBytes: 2) { $0.write(extensions) }
        }
        var message = ByteWriter()
        message.write(UInt8(1))
        message.writeVector(prefixBytes: 3) { $0.write(hello.bytes) }
        return message.bytes
    }

    private func encodeExtensions() -> [UInt8] {
        var ext = ByteWriter()
        func add(_ type: UInt16, _ body: (inout ByteWriter) -> Void) {
            ext.write(type)
            ext.writeVector(prefixBytes: 2, body)
        }
        if let name = serverName, ServerNameRules.isSendable(name) {
            add(TLSConstants.extServerName) { w in
                w.writeVector(prefixBytes: 2) { list in
                    list.write(UInt8(0))
                    list.writeVector(prefixBytes: 2) { $0.write(Array(name.utf8)) }
                }
            }
        }
        if !groups.isEmpty {
            add(TLSConstants.extSupportedGroups) { w in w.writeVector(prefixBytes: 2) { l in groups.forEach { l.write($0) } } }
            add(TLSConstants.extECPointFormats) { w in w.writeVector(prefixBytes: 1) { $0.write(UInt8(0)) } }
        }
        if !signatureSchemes.isEmpty && version >= .tls12 {
            add(TLSConstants.extSignatureAlgorithms) { w in
                w.writeVector(prefixBytes: 2) { l in signatureSchemes.forEach { l.write($0) } }
            }
        }
        if secureRenegotiation && version < .tls13 {
            add(TLSConstants.extRenegotiationInfo) { $0.write(UInt8(0)) }
        }
        add(TLSConstants.extExtendedMasterSecret) { _ in }
        if version == .tls13 {
            add(TLSConstants.extSupportedVersions) { w in w.writeVector(prefixBytes: 1) { $0.write(TLSVersion.tls13.wireValue) } }
            add(TLSConstants.extKeyShare) { w in
                w.writeVector(prefixBytes: 2) { list in
                    for group in keyShareGroups where groups.contains(group) {
                        guard let share = KeyShareSamples.share(for: group) else { continue }
                        list.write(group)
                        list.writeVector(prefixBytes: 2) { $0.write(share) }
                    }
                }
            }
        }
        return ext.bytes
    }
}

/// Which server names may go into the SNI extension (RFC 6066 §3: host names, not IP literals).
public enum ServerNameRules {
    public static func isSendable(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        if name.contains(":") { return false }  // IPv6 literal
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count == 4, labels.allSatisfy({ UInt8($0) != nil }) { return false }  // IPv4 literal
        return true
    }
}
