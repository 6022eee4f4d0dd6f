import TLSCatalog

/// What the server chose in an accepted probe.
package struct Negotiated: Sendable, Equatable {
    package var version: TLSVersion
    package var suite: UInt16
    /// The key exchange group: TLS 1.3 key_share / HelloRetryRequest group, or the ECDHE curve of a TLS 1.2 ServerKeyExchange.
    package var group: UInt16?
    /// Finite-field DH prime size, for DHE suites.
    package var dhBits: Int?
    package var helloRetry: Bool
    /// DER certificates as the server sent them (leaf first), when the probe read them.
    package var certificates: [[UInt8]]
    /// Whether the server acknowledged secure renegotiation (RFC 5746); nil when not seen.
    package var secureRenegotiation: Bool?
    /// SSL 2.0 cipher kinds, for an SSL 2.0 server hello.
    package var sslv2CipherKinds: [UInt32]
    /// The ServerHello echoed extended_master_secret (RFC 7627); nil when the engine does not see extensions.
    package var extendedMasterSecret: Bool?
    /// The server sent a CertificateRequest (TLS 1.2 and earlier, when the probe read the whole flight).
    package var certificateRequested = false

    package init(
        version: TLSVersion, suite: UInt16, group: UInt16? = nil, dhBits: Int? = nil, helloRetry: Bool = false,
        certificates: [[UInt8]] = [], secureRenegotiation: Bool? = nil, sslv2CipherKinds: [UInt32] = []
    ) {
        self.version = version
        self.suite = suite
        self.group = group
        self.dhBits = dhBits
        self.helloRetry = helloRetry
        self.certificates = certificates
        self.secureRenegotiation = secureRenegotiation
        self.sslv2CipherKinds = sslv2CipherKinds
    }
}
