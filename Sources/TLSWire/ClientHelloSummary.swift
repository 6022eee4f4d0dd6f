/// What a ClientHello on the wire offers, read back from bytes (for tests, fixtures and test servers).
package struct ClientHelloSummary: Sendable, Equatable {
    package var legacyVersion: UInt16
    package var random: [UInt8]
    package var sessionID: [UInt8]
    package var suites: [UInt16]
    package var compressionMethods: [UInt8]
    package var extensionTypes: [UInt16]
    package var serverName: String?
    package var supportedGroups: [UInt16]?
    package var supportedVersions: [UInt16]?
    package var keyShareGroups: [UInt16]?
    package var signatureSchemes: [UInt16]?

    /// Parses one or more handshake records carrying a ClientHello.
    package init(records: [UInt8]) throws(WireError) {
        var body: [UInt8] = []
        var offset = 0
        while let (record, used) = try Record.parse(from: records, at: offset) {
            guard record.contentType == TLSConstants.recordHandshake else { throw .malformed("not a handshake record") }
            body += record.fragment
            offset += used
        }
        guard offset == records.count else { throw .truncated("ClientHello record") }
        var reader = ByteReader(body)
        guard try reader.readUInt8("handshake type") == 1 else { throw .malformed("not a ClientHello") }
        var hello = try reader.readVector(prefixBytes: 3, "ClientHello")
        try self.init(body: &hello)
    }

    package init(body reader: inout ByteReader) throws(WireError) {
        legacyVersion = try reader.readUInt16("client version")
        random = try reader.readBytes(32, "client random")
        var session = try reader.readVector(prefixBytes: 1, "session id")
        sessionID = session.rest()
        try session.skip(session.remaining)
        var suiteList = try reader.readVector(prefixBytes: 2, "cipher suites")
        guard suiteList.remaining % 2 == 0 else { throw .malformed("odd cipher suite list length") }
        var suites: [UInt16] = []
        while !suiteList.isAtEnd { suites.append(try suiteList.readUInt16("cipher suite")) }
        self.suites = suites
        var compression = try reader.readVector(prefixBytes: 1, "compression methods")
        compressionMethods = compression.rest()
        try compression.skip(compression.remaining)
        extensionTypes = []
        guard !reader.isAtEnd else { return }
        var extensions = try reader.readVector(prefixBytes: 2, "extensions")
        while !extensions.isAtEnd {
            let type = try extensions.readUInt16("extension type")
            var data = try extensions.readVector(prefixBytes: 2, "extension data")
            extensionTypes.append(type)
            switch type {
            case TLSConstants.extServerName:
                var list = try data.readVector(prefixBytes: 2, "server name list")
                _ = try list.readUInt8("name type")
                var name = try list.readVector(prefixBytes: 2, "host name")
                serverName = String(decoding: name.rest(), as: UTF8.self)
                try name.skip(name.remaining)
            case TLSConstants.extSupportedGroups:
                supportedGroups = try Self.uint16List(&data, prefix: 2)
            case TLSConstants.extSignatureAlgorithms:
                signatureSchemes = try Self.uint16List(&data, prefix: 2)
            case TLSConstants.extSupportedVersions:
                supportedVersions = try Self.uint16List(&data, prefix: 1)
            case TLSConstants.extKeyShare:
                var list = try data.readVector(prefixBytes: 2, "key shares")
                var groups: [UInt16] = []
                while !list.isAtEnd {
                    groups.append(try list.readUInt16("key share group"))
                    var key = try list.readVector(prefixBytes: 2, "key exchange")
                    try key.skip(key.remaining)
                }
                keyShareGroups = groups
            default:
                break
            }
        }
    }

    static func uint16List(_ data: inout ByteReader, prefix: Int) throws(WireError) -> [UInt16] {
        var list = try data.readVector(prefixBytes: prefix, "list")
        var values: [UInt16] = []
        while !list.isAtEnd { values.append(try list.readUInt16("list entry")) }
        return values
    }
}
