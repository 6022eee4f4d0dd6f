import TLSCatalog

/// What a ClientHello offers. The builder encodes exactly this and nothing else.
package struct ClientHello: Sendable, Equatable {
    /// The protocol version to offer. TLS 1.3 is offered through supported_versions with a legacy version of TLS 1.2.
    package var version: TLSVersion
    /// Cipher suite code points in the order to offer them.
    package var suites: [UInt16]
    /// Server name for the SNI extension; IP literals and `nil` send none.
    package var serverName: String?
    /// supported_groups, in order (also used to choose key shares for TLS 1.3).
    package var groups: [UInt16]
    /// signature_algorithms, in order.
    package var signatureSchemes: [UInt16]
    /// Groups to send key shares for (TLS 1.3). Only groups with a sample share in ``KeyShareSamples`` are sent.
    package var keyShareGroups: [UInt16]
    /// Adds the TLS_EMPTY_RENEGOTIATION_INFO_SCSV for SSLv3 or the renegotiation_info extension for TLS.
    package var secureRenegotiation: Bool
    /// 32 bytes of client random.
    package var random: [UInt8]
    /// Legacy session id (32 bytes for TLS 1.3 middlebox compatibility).
    package var sessionID: [UInt8]
    /// A named client's exact hello (``ClientHello/Shape``); nil for a scanner probe, which offers one version.
    package var shape: Shape?
    /// The second ClientHello after a HelloRetryRequest: it sends only the share asked for, no GREASE share.
    package var isRetry = false
    /// Key shares supplied by the caller (e.g. ML-KEM hybrids, which need fresh keys); they take precedence over
    /// ``KeyShareSamples``.
    package var suppliedShares: [UInt16: [UInt8]]
    /// The cookie extension's data to echo (a second ClientHello after a HelloRetryRequest with a cookie,
    /// RFC 8446 §4.2.2); sent last, after every other extension, when set.
    package var cookie: [UInt8]?

    package init(
        version: TLSVersion,
        suites: [UInt16],
        serverName: String? = nil,
        groups: [UInt16] = [],
        signatureSchemes: [UInt16] = [],
        keyShareGroups: [UInt16] = [0x001D, 0x0017],
        secureRenegotiation: Bool = true,
        random: [UInt8]? = nil,
        sessionID: [UInt8]? = nil,
        shape: Shape? = nil,
        suppliedShares: [UInt16: [UInt8]] = [:]
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
        self.shape = shape
        self.suppliedShares = suppliedShares
    }

    /// What a named client sends beyond the offer: every version it speaks in one hello (supported_versions),
    /// its extensions in its own order, and the renegotiation SCSV when it appends one.
    package struct Shape: Sendable, Equatable {
        /// The versions offered, any order; the highest goes in the legacy field (at most TLS 1.2) and, when TLS 1.3
        /// is among them, all of them go in supported_versions, highest first.
        package var versions: [TLSVersion]
        /// Extension types in the order to send them. Types the codec cannot fill from the offer are sent empty
        /// only when an empty body is valid for them (see ``ClientHello/extensionBody(_:)``), else left out.
        package var extensions: [UInt16]
        /// Appends TLS_EMPTY_RENEGOTIATION_INFO_SCSV to the suites.
        package var renegotiationSCSV: Bool
        /// Where the client puts GREASE values (RFC 8701); empty for a client that sends none.
        package var grease: Set<GreaseSpot>

        package init(versions: [TLSVersion], extensions: [UInt16], renegotiationSCSV: Bool = false, grease: Set<GreaseSpot> = []) {
            self.versions = versions
            self.extensions = extensions
            self.renegotiationSCSV = renegotiationSCSV
            self.grease = grease
        }

        /// The versions in supported_versions order (highest first), or empty when TLS 1.3 is not offered.
        package var supportedVersions: [TLSVersion] {
            versions.contains(.tls13) ? versions.filter { $0 != .sslv2 }.sorted(by: >) : []
        }
    }

    /// The places a client sends GREASE values (RFC 8701): a reserved value first in a list, or a reserved
    /// extension first or last (before padding). BoringSSL's choice (Chrome, Android, Safari's recent hellos).
    package enum GreaseSpot: String, Sendable, CaseIterable {
        case suites, groups, signatureSchemes, supportedVersions, keyShare
        case extensionsFirst = "extensions-first", extensionsLast = "extensions-last"
    }

    /// The GREASE value for `spot`, one of 0x0A0A, 0x1A1A, … 0xFAFA, taken from the client random as BoringSSL
    /// does, so a hello's values stay the same in its retry after a HelloRetryRequest. The groups and the key
    /// share use one value; the two extensions differ.
    package func greaseValue(_ spot: GreaseSpot) -> UInt16 {
        let index: Int =
            switch spot {
            case .suites: 0
            case .groups, .keyShare: 1
            case .signatureSchemes: 2
            case .supportedVersions: 3
            case .extensionsFirst, .extensionsLast: 4
            }
        let seed = index < random.count ? random[index] : 0
        var byte = (seed & 0xF0) | 0x0A
        if spot == .extensionsLast { byte ^= 0x10 }  // never the same as the first extension's
        return UInt16(byte) << 8 | UInt16(byte)
    }

    /// Whether this hello sends a GREASE value at `spot`.
    func greases(_ spot: GreaseSpot) -> Bool { shape?.grease.contains(spot) == true }

    /// The key share this hello sends for `group`: the caller's, else a published sample, else none.
    package func share(for group: UInt16) -> [UInt8]? {
        suppliedShares[group] ?? KeyShareSamples.share(for: group)
    }

    /// The groups this hello carries a key share for.
    package var sharesSent: [UInt16] {
        guard offersTLS13 else { return [] }
        return keyShareGroups.filter { groups.contains($0) && share(for: $0) != nil }
    }

    /// Whether TLS 1.3 is offered (the probe's own version, or among a shape's versions).
    package var offersTLS13: Bool { version == .tls13 || shape?.versions.contains(.tls13) == true }

    /// The versions this hello offers.
    package var offeredVersions: [TLSVersion] { shape?.versions ?? [version] }
}

/// Handshake and extension numbers used by the codec.
package enum TLSConstants {
    package static let recordHandshake: UInt8 = 22
    package static let recordAlert: UInt8 = 21
    package static let recordChangeCipherSpec: UInt8 = 20
    package static let recordApplicationData: UInt8 = 23
    package static let maxFragment = 16384 + 2048

    package static let extServerName: UInt16 = 0
    package static let extSupportedGroups: UInt16 = 10
    package static let extECPointFormats: UInt16 = 11
    package static let extSignatureAlgorithms: UInt16 = 13
    package static let extExtendedMasterSecret: UInt16 = 23
    package static let extPadding: UInt16 = 21
    package static let extSupportedVersions: UInt16 = 43
    package static let extKeyShare: UInt16 = 51
    package static let extCookie: UInt16 = 44
    package static let extRenegotiationInfo: UInt16 = 0xFF01

    package static let scsvRenegotiation: UInt16 = 0x00FF

    /// SHA-256("HelloRetryRequest"): the ServerHello.random that marks a HelloRetryRequest (RFC 8446 §4.1.3).
    package static let helloRetryRequestRandom: [UInt8] = KeyShareSamples.hex(
        "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")
}

extension ClientHello {
    /// Encodes the ClientHello as one handshake record (or several, if it is larger than a record). A second
    /// ClientHello (after a HelloRetryRequest) goes in records of version 0x0303, as RFC 8446 §5.1 requires of
    /// every record but the initial ClientHello (wolfSSL closes the connection otherwise).
    package func encodeRecords(afterHelloRetry: Bool = false) -> [UInt8] {
        let body = encodeHandshake()
        let recordVersion: UInt16 = afterHelloRetry ? 0x0303 : (legacyVersion == .sslv3 ? 0x0300 : 0x0301)
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

    /// The version in the ClientHello's legacy field: the highest offered, at most TLS 1.2.
    package var legacyVersion: TLSVersion {
        min(offeredVersions.max() ?? version, .tls12)
    }

    /// Encodes the handshake message (type 1) without the record header.
    package func encodeHandshake() -> [UInt8] {
        var hello = ByteWriter()
        hello.write(legacyVersion.wireValue)
        hello.write(random)
        hello.writeVector(prefixBytes: 1) { $0.write(sessionID) }
        var offered = greases(.suites) ? [greaseValue(.suites)] + suites : suites
        let scsv = shape?.renegotiationSCSV ?? (secureRenegotiation && version == .sslv3)
        if scsv && !offered.contains(TLSConstants.scsvRenegotiation) {
            offered.append(TLSConstants.scsvRenegotiation)
        }
        hello.writeVector(prefixBytes: 2) { w in offered.forEach { w.write($0) } }
        hello.writeVector(prefixBytes: 1) { $0.write(UInt8(0)) }  // null compression only
        if legacyVersion != .sslv3 {
            var extensions = shape.map(encodeShapedExtensions) ?? encodeExtensions()
            var echo = ByteWriter()  // the cookie goes last, after any padding
            if let cookie {
                echo.write(TLSConstants.extCookie)
                echo.writeVector(prefixBytes: 2) { $0.write(cookie) }
            }
            // Hellos between 256 and 511 bytes hang some load balancers (RFC 7685 §1); pad past 512.
            // A named client's hello is sent as that client sends it: padded only if it lists padding last, with at
            // least one byte (BoringSSL's rule), after its last GREASE extension.
            let lengthSoFar = 4 + hello.bytes.count + 2 + extensions.count + echo.bytes.count
            let pads = shape.map { $0.extensions.last == TLSConstants.extPadding } ?? true
            if pads, (256...511).contains(lengthSoFar) {
                let padding = max(shape == nil ? 0 : 1, 512 - lengthSoFar - 4)
                var pad = ByteWriter()
                pad.write(TLSConstants.extPadding)
                pad.writeVector(prefixBytes: 2) { $0.write([UInt8](repeating: 0, count: padding)) }
                extensions += pad.bytes
            }
            extensions += echo.bytes
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
                        guard let share = share(for: group) else { continue }
                        list.write(group)
                        list.writeVector(prefixBytes: 2) { $0.write(share) }
                    }
                }
            }
        }
        return ext.bytes
    }
}

extension ClientHello {
    /// Extension numbers a named client's hello may list beyond those of a probe.
    package enum ExtensionType {
        package static let statusRequest: UInt16 = 5
        package static let signedCertificateTimestamp: UInt16 = 18
        package static let sessionTicket: UInt16 = 35
        package static let pskKeyExchangeModes: UInt16 = 45
    }

    /// The body of extension `type` for this hello, or nil when the codec has nothing valid to send for it (the
    /// extension is then left out).
    package func extensionBody(_ type: UInt16) -> [UInt8]? {
        var w = ByteWriter()
        switch type {
        case TLSConstants.extServerName:
            guard let name = serverName, ServerNameRules.isSendable(name) else { return nil }
            w.writeVector(prefixBytes: 2) { list in
                list.write(UInt8(0))
                list.writeVector(prefixBytes: 2) { $0.write(Array(name.utf8)) }
            }
        case TLSConstants.extSupportedGroups:
            guard !groups.isEmpty else { return nil }
            let listed = greases(.groups) ? [greaseValue(.groups)] + groups : groups
            w.writeVector(prefixBytes: 2) { l in listed.forEach { l.write($0) } }
        case TLSConstants.extECPointFormats:
            guard !groups.isEmpty else { return nil }
            w.writeVector(prefixBytes: 1) { $0.write(UInt8(0)) }
        case TLSConstants.extSignatureAlgorithms:
            guard !signatureSchemes.isEmpty, offeredVersions.contains(where: { $0 >= .tls12 }) else { return nil }
            let listed = greases(.signatureSchemes) ? [greaseValue(.signatureSchemes)] + signatureSchemes : signatureSchemes
            w.writeVector(prefixBytes: 2) { l in listed.forEach { l.write($0) } }
        case TLSConstants.extRenegotiationInfo:
            w.write(UInt8(0))
        case TLSConstants.extExtendedMasterSecret, ExtensionType.signedCertificateTimestamp, ExtensionType.sessionTicket:
            break  // empty body
        case ExtensionType.statusRequest:
            w.write(UInt8(1))  // ocsp, no responder ids, no request extensions
            w.write(UInt16(0))
            w.write(UInt16(0))
        case TLSConstants.extSupportedVersions:
            let versions = shape?.supportedVersions ?? (version == .tls13 ? [.tls13] : [])
            guard !versions.isEmpty else { return nil }
            w.writeVector(prefixBytes: 1) { l in
                if greases(.supportedVersions) { l.write(greaseValue(.supportedVersions)) }
                versions.forEach { l.write($0.wireValue) }
            }
        case TLSConstants.extKeyShare:
            guard offersTLS13 else { return nil }
            w.writeVector(prefixBytes: 2) { list in
                if greases(.keyShare), !isRetry {  // one byte, as BoringSSL sends
                    list.write(greaseValue(.keyShare))
                    list.writeVector(prefixBytes: 2) { $0.write(UInt8(0)) }
                }
                for group in sharesSent {
                    guard let share = share(for: group) else { continue }
                    list.write(group)
                    list.writeVector(prefixBytes: 2) { $0.write(share) }
                }
            }
        case ExtensionType.pskKeyExchangeModes:
            guard offersTLS13 else { return nil }
            w.writeVector(prefixBytes: 1) { $0.write(UInt8(1)) }  // psk_dhe_ke
        default:
            return nil
        }
        return w.bytes
    }

    /// The extensions of a named client's hello, in its order.
    func encodeShapedExtensions(_ shape: Shape) -> [UInt8] {
        var ext = ByteWriter()
        func add(_ type: UInt16, _ body: [UInt8]) {
            ext.write(type)
            ext.writeVector(prefixBytes: 2) { $0.write(body) }
        }
        if greases(.extensionsFirst) { add(greaseValue(.extensionsFirst), []) }
        for type in shape.extensions {  // padding has no body here: encodeHandshake adds it, after everything else
            guard let body = extensionBody(type) else { continue }
            add(type, body)
        }
        if greases(.extensionsLast) { add(greaseValue(.extensionsLast), [0]) }
        return ext.bytes
    }
}

/// Which server names may go into the SNI extension (RFC 6066 §3: host names, not IP literals).
package enum ServerNameRules {
    package static func isSendable(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        if name.contains(":") { return false }  // IPv6 literal
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count == 4, labels.allSatisfy({ UInt8($0) != nil }) { return false }  // IPv4 literal
        return true
    }
}
