import TLSCatalog

/// A parsed ServerHello or HelloRetryRequest.
package struct ServerHello: Sendable, Equatable {
    /// The legacy version field (0x0303 for TLS 1.3).
    package let legacyVersion: UInt16
    /// The negotiated version: supported_versions when present, else the legacy field.
    package let version: UInt16
    package let random: [UInt8]
    package let sessionID: [UInt8]
    package let cipherSuite: UInt16
    package let compression: UInt8
    /// The key_share group (TLS 1.3 ServerHello) or selected_group (HelloRetryRequest).
    package let keyShareGroup: UInt16?
    /// Extension types in the order the server sent them.
    package let extensionTypes: [UInt16]
    /// The cookie extension's data (RFC 8446 §4.2.2: `opaque cookie<1..2^16-1>`, its length prefix included), as
    /// a HelloRetryRequest sent it; the second ClientHello echoes it unchanged.
    package let cookie: [UInt8]?
    /// True when the server included renegotiation_info (RFC 5746).
    package var secureRenegotiation: Bool { extensionTypes.contains(TLSConstants.extRenegotiationInfo) }
    /// True when this is a HelloRetryRequest (RFC 8446 §4.1.3).
    package var isHelloRetryRequest: Bool { random == TLSConstants.helloRetryRequestRandom }
    /// The negotiated version as a ``TLSVersion``, if it is one we know.
    package var tlsVersion: TLSVersion? { TLSVersion(wireValue: version) }

    /// Parses the body of a handshake message of type 2.
    package init(body: [UInt8]) throws(WireError) {
        var reader = ByteReader(body)
        legacyVersion = try reader.readUInt16("ServerHello version")
        random = try reader.readBytes(32, "ServerHello random")
        var session = try reader.readVector(prefixBytes: 1, "session id")
        guard session.remaining <= 32 else { throw .malformed("session id longer than 32 bytes") }
        sessionID = session.rest()
        try session.skip(session.remaining)
        cipherSuite = try reader.readUInt16("cipher suite")
        compression = try reader.readUInt8("compression method")
        var negotiated = legacyVersion
        var group: UInt16?
        var cookieData: [UInt8]?
        var types: [UInt16] = []
        // A Set, not `types.contains`: a hostile ServerHello fits 16 000 distinct empty extensions in its
        // 64 KB extensions block, and the linear search made that quadratic (~100 ms per parse in a
        // release build, ~2 ms now).
        var seen = Set<UInt16>()
        let isHRR = random == TLSConstants.helloRetryRequestRandom
        if !reader.isAtEnd {
            var extensions = try reader.readVector(prefixBytes: 2, "extensions")
            while !extensions.isAtEnd {
                let type = try extensions.readUInt16("extension type")
                var data = try extensions.readVector(prefixBytes: 2, "extension data")
                guard seen.insert(type).inserted else { throw .malformed("extension \(type) sent twice") }
                types.append(type)
                switch type {
                case TLSConstants.extSupportedVersions:
                    negotiated = try data.readUInt16("selected version")
                case TLSConstants.extKeyShare:
                    group = try data.readUInt16("key share group")
                    if !isHRR {
                        var key = try data.readVector(prefixBytes: 2, "key share")
                        guard key.remaining > 0 else { throw .malformed("empty key share") }
                        try key.skip(key.remaining)
                    }
                case TLSConstants.extCookie:
                    let whole = data.rest()
                    var cookie = try data.readVector(prefixBytes: 2, "cookie")
                    guard cookie.remaining > 0 else { throw .malformed("empty cookie") }
                    try cookie.skip(cookie.remaining)
                    guard data.isAtEnd else { throw .malformed("\(data.remaining) trailing bytes after the cookie") }
                    cookieData = whole
                default:
                    break
                }
            }
        }
        guard reader.isAtEnd else { throw .malformed("\(reader.remaining) trailing bytes after ServerHello") }
        version = negotiated
        keyShareGroup = group
        extensionTypes = types
        cookie = cookieData
    }
}
