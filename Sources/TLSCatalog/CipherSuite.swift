/// One TLS cipher suite from the IANA registry, with implementation names and properties.
///
/// JSON form (in `Data/cipher-suites.json`): `code` is a hex string such as `"0xC02F"`;
/// `kx` and `auth` hold ``keyExchange`` and ``authentication``.
package struct CipherSuite: Sendable, Hashable, Codable {
    /// The two-byte code point, e.g. `0xC02F`.
    package let code: UInt16
    /// The IANA name, e.g. `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`.
    package let iana: String
    /// The OpenSSL name (`ECDHE-RSA-AES128-GCM-SHA256`), nil when no OpenSSL name exists.
    /// May be a name only older OpenSSL releases know (see ``opensslSource``).
    package let openssl: String?
    /// The GnuTLS name (`TLS_ECDHE_RSA_AES_128_GCM_SHA256`), nil when GnuTLS lacks the suite.
    package let gnutls: String?
    /// Key exchange: `RSA`, `DHE`, `ECDHE`, `DH`, `ECDH`, `PSK`, `DHE_PSK`, `ECDHE_PSK`, `RSA_PSK`,
    /// `SRP`, `KRB5`, `DH_anon`, `ECDH_anon`, `ECCPWD`, `GOST`, `NULL`, or `any` (TLS 1.3).
    package let keyExchange: KeyExchange
    /// Authentication: `RSA`, `DSS`, `ECDSA`, `PSK`, `SRP`, `KRB5`, `anon`, `ECCPWD`, `GOST`, `NULL`, or `any`.
    package let authentication: Authentication
    /// Bulk cipher, e.g. `AES_128_GCM`, `AES_256_CBC`, `CHACHA20_POLY1305`, `3DES_EDE_CBC`, `NULL`.
    package let cipher: BulkCipher
    /// Effective symmetric key bits (0 for NULL, 40 export, 56 DES, 112 3DES, 128, 256).
    package let bits: Int
    /// Record MAC: `MD5`, `SHA1`, `SHA256`, `SHA384`, `NULL`, `OMAC`, `IMIT`, or `AEAD`.
    package let mac: MAC
    /// Whether the cipher is an AEAD.
    package let aead: Bool
    /// Whether the key exchange is ephemeral (DHE/ECDHE kinds and all TLS 1.3 suites).
    package let forwardSecrecy: Bool
    /// Whether this is an export-grade suite.
    package let export: Bool
    /// True only for the signaling values `TLS_EMPTY_RENEGOTIATION_INFO_SCSV` and `TLS_FALLBACK_SCSV`.
    package let signaling: Bool
    /// The protocol versions that can negotiate this suite, oldest first.
    package let versions: [TLSVersion]
    /// The catalog's rating.
    package let strength: SuiteStrength
    /// Where ``openssl`` came from: `"openssl"` (the OpenSSL 3 that generated the data knows it),
    /// `"testssl"` (testssl.sh mapping, typically a name only older OpenSSL builds accept), or nil.
    package let opensslSource: String?
    /// Whether IANA marks the suite Recommended (`Y`).
    package let recommended: Bool

    /// Creates a suite; used by tests and by callers that build their own catalogs.
    package init(
        code: UInt16, iana: String, openssl: String?, gnutls: String?,
        keyExchange: KeyExchange, authentication: Authentication, cipher: BulkCipher, bits: Int, mac: MAC,
        aead: Bool, forwardSecrecy: Bool, export: Bool, signaling: Bool,
        versions: [TLSVersion], strength: SuiteStrength,
        opensslSource: String? = nil, recommended: Bool = false
    ) {
        self.code = code
        self.iana = iana
        self.openssl = openssl
        self.gnutls = gnutls
        self.keyExchange = keyExchange
        self.authentication = authentication
        self.cipher = cipher
        self.bits = bits
        self.mac = mac
        self.aead = aead
        self.forwardSecrecy = forwardSecrecy
        self.export = export
        self.signaling = signaling
        self.versions = versions
        self.strength = strength
        self.opensslSource = opensslSource
        self.recommended = recommended
    }

    /// The code as `0xC02F`.
    package var codeString: String { HexCode.format(code) }

    /// Whether the suite is only for TLS 1.3.
    package var isTLS13: Bool { versions == [.tls13] }

    /// Whether the cipher is ChaCha20-Poly1305.
    package var isChaCha20: Bool { cipher.isChaCha20 }

    /// The OpenSSL name when there is one, else the IANA name.
    package var displayName: String { openssl ?? iana }

    /// Whether the suite can be negotiated with `version`.
    package func isValid(for version: TLSVersion) -> Bool { versions.contains(version) }

    private enum CodingKeys: String, CodingKey {
        case code, iana, openssl, opensslSource, gnutls
        case keyExchange = "kx"
        case authentication = "auth"
        case cipher, bits, mac, aead, forwardSecrecy, export, signaling, versions, strength, recommended
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decodeHexCode(forKey: .code)
        iana = try c.decode(String.self, forKey: .iana)
        openssl = try c.decodeIfPresent(String.self, forKey: .openssl)
        opensslSource = try c.decodeIfPresent(String.self, forKey: .opensslSource)
        gnutls = try c.decodeIfPresent(String.self, forKey: .gnutls)
        keyExchange = try c.decode(KeyExchange.self, forKey: .keyExchange)
        authentication = try c.decode(Authentication.self, forKey: .authentication)
        cipher = try c.decode(BulkCipher.self, forKey: .cipher)
        bits = try c.decode(Int.self, forKey: .bits)
        mac = try c.decode(MAC.self, forKey: .mac)
        aead = try c.decode(Bool.self, forKey: .aead)
        forwardSecrecy = try c.decode(Bool.self, forKey: .forwardSecrecy)
        export = try c.decode(Bool.self, forKey: .export)
        signaling = try c.decode(Bool.self, forKey: .signaling)
        versions = try c.decode([TLSVersion].self, forKey: .versions)
        strength = try c.decode(SuiteStrength.self, forKey: .strength)
        recommended = try c.decodeIfPresent(Bool.self, forKey: .recommended) ?? false
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(codeString, forKey: .code)
        try c.encode(iana, forKey: .iana)
        try c.encode(openssl, forKey: .openssl)
        try c.encode(opensslSource, forKey: .opensslSource)
        try c.encode(gnutls, forKey: .gnutls)
        try c.encode(keyExchange, forKey: .keyExchange)
        try c.encode(authentication, forKey: .authentication)
        try c.encode(cipher, forKey: .cipher)
        try c.encode(bits, forKey: .bits)
        try c.encode(mac, forKey: .mac)
        try c.encode(aead, forKey: .aead)
        try c.encode(forwardSecrecy, forKey: .forwardSecrecy)
        try c.encode(export, forKey: .export)
        try c.encode(signaling, forKey: .signaling)
        try c.encode(versions, forKey: .versions)
        try c.encode(strength, forKey: .strength)
        try c.encode(recommended, forKey: .recommended)
    }
}
