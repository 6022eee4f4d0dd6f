import TLSCatalog

/// What to offer in one probe.
package struct ProbeRequest: Sendable, Equatable {
    /// The most cipher suites one elimination probe offers: wolfSSL 5.5 refuses ClientHellos with more than 150
    /// with decode_error, testssl.sh stays below 128 ("some servers can't handle a handshake with >= 128
    /// ciphers"), nmap offers 64. Longer candidate lists are offered in even parts of at most this many.
    package static let maxSuitesPerHello = 127

    /// How many lists of at most `limit` (``maxSuitesPerHello`` by default) offer `count` candidates.
    package static func lists(for count: Int, limit: Int = maxSuitesPerHello) -> Int {
        max(1, (count + limit - 1) / limit)
    }

    package var version: TLSVersion
    package var suites: [UInt16]
    package var groups: [UInt16]
    package var signatureSchemes: [UInt16]
    package var serverName: String?
    /// Read the flight up to ServerHelloDone (certificates and key exchange) rather than stopping at ServerHello.
    package var wantsKeyExchange: Bool
    /// After a completed handshake, keep reading this long for what the server sends unasked (a library engine
    /// only): a TLS 1.3 server that requires a client certificate ends the connection with certificate_required
    /// right after the client's Finished, because its CertificateRequest was encrypted. nil: do not wait.
    package var listenAfterHandshake: Duration?
    /// The groups a TLS 1.3 offer sends key shares for (the wire engine only); nil: the engine's default. An empty
    /// list sends none, so the server must ask for one (HelloRetryRequest) and the group it names is its own choice
    /// among the offered groups, free of any key share's influence.
    package var keyShareGroups: [UInt16]?

    package init(
        version: TLSVersion, suites: [UInt16], groups: [UInt16], signatureSchemes: [UInt16],
        serverName: String?, wantsKeyExchange: Bool = false
    ) {
        self.version = version
        self.suites = suites
        self.groups = groups
        self.signatureSchemes = signatureSchemes
        self.serverName = serverName
        self.wantsKeyExchange = wantsKeyExchange
    }
}
