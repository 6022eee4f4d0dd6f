/// A TLS signature scheme (TLS 1.3 SignatureScheme, or a TLS 1.2 hash/signature pair).
///
/// JSON form (in `Data/signature-schemes.json`): `code` is a hex string such as `"0x0804"`.
package struct SignatureScheme: Sendable, Hashable, Codable {
    /// The two-byte code point, e.g. `0x0804`.
    package let code: UInt16
    /// The IANA name, e.g. `rsa_pss_rsae_sha256`; for a TLS 1.2 (hash, signature) pair that IANA only reserves,
    /// OpenSSL's name (`dsa_sha256`, `rsa_pkcs1_sha224`; Java's `rsa_md5` for 0x0101).
    package let name: String
    /// Whether the scheme is deprecated (MD5, SHA-1 or SHA-224 based, or DSA).
    package let deprecated: Bool
    /// True when the entry is not an IANA SignatureScheme (the TLS 1.2 pairs such as 0x0301, 0x0402): its code is
    /// RFC 5246's (hash, signature) bytes and its name an implementation's.
    package let unverified: Bool

    /// Creates a scheme; used by tests and by callers that build their own catalogs.
    package init(code: UInt16, name: String, deprecated: Bool, unverified: Bool = false) {
        self.code = code
        self.name = name
        self.deprecated = deprecated
        self.unverified = unverified
    }

    /// The code as `0x0804`.
    package var codeString: String { HexCode.format(code) }

    private enum CodingKeys: String, CodingKey {
        case code, name, deprecated, unverified
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decodeHexCode(forKey: .code)
        name = try c.decode(String.self, forKey: .name)
        deprecated = try c.decode(Bool.self, forKey: .deprecated)
        unverified = try c.decodeIfPresent(Bool.self, forKey: .unverified) ?? false
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(codeString, forKey: .code)
        try c.encode(name, forKey: .name)
        try c.encode(deprecated, forKey: .deprecated)
        try c.encode(unverified, forKey: .unverified)
    }
}
