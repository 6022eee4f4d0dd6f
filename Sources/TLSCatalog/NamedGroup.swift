/// A TLS supported group (elliptic curve, finite-field DH group, or KEM / hybrid).
///
/// JSON form (in `Data/groups.json`): `code` is an integer such as `29`.
package struct NamedGroup: Sendable, Hashable, Codable {
    /// The code point, e.g. 29 for x25519.
    package let code: UInt16
    /// The IANA name, e.g. `x25519`, `secp256r1`, `ffdhe2048`.
    package let name: String
    /// The name `openssl -groups` accepts (`X25519`, `P-256`), nil when OpenSSL has none.
    package let openssl: String?
    /// The GnuTLS priority name (`GROUP-X25519`), nil when GnuTLS has none.
    package let gnutls: String?
    /// `ecdhe`, `ffdhe`, `hybrid` or `other`.
    package let kind: Kind
    /// Key size as OpenSSL reports it (X25519 253, P-256 256, ffdhe2048 2048); nil for KEMs.
    package let bits: Int?
    /// Whether the group is deprecated (IANA "D", obsolete, or RFC 8422).
    package let deprecated: Bool
    /// First OpenSSL release that knows ``openssl`` when OpenSSL 3.0 does not (e.g. `"3.5"`).
    package let opensslSince: String?
    /// Other accepted spellings, e.g. `prime256v1` for secp256r1.
    package let aliases: [String]
    /// Whether IANA marks the group Recommended (`Y`).
    package let recommended: Bool

    /// Creates a group; used by tests and by callers that build their own catalogs.
    package init(
        code: UInt16, name: String, openssl: String?, gnutls: String?, kind: Kind,
        bits: Int?, deprecated: Bool, opensslSince: String? = nil, aliases: [String] = [],
        recommended: Bool = false
    ) {
        self.code = code
        self.name = name
        self.openssl = openssl
        self.gnutls = gnutls
        self.kind = kind
        self.bits = bits
        self.deprecated = deprecated
        self.opensslSince = opensslSince
        self.aliases = aliases
        self.recommended = recommended
    }

    /// What a group is (the `kind` of `Data/groups.json`); ``description`` is the raw value.
    package enum Kind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
        /// An elliptic curve (x25519, secp256r1, brainpool …).
        case ecdhe
        /// A finite-field Diffie-Hellman group (RFC 7919 ffdhe2048 …).
        case ffdhe
        /// A hybrid of a classical and a post-quantum key exchange (X25519MLKEM768 …).
        case hybrid
        /// Anything else: pure KEMs, the arbitrary_explicit_* markers.
        case other

        package var description: String { rawValue }
    }

    /// The code as `0x001D`.
    package var codeString: String { HexCode.format(code) }

    /// Every name this group answers to: IANA, OpenSSL, GnuTLS and aliases.
    package var allNames: [String] {
        [name] + [openssl, gnutls].compactMap { $0 } + aliases
    }

    private enum CodingKeys: String, CodingKey {
        case code, name, openssl, opensslSince, gnutls, aliases, kind, bits, deprecated, recommended
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(UInt16.self, forKey: .code)
        name = try c.decode(String.self, forKey: .name)
        openssl = try c.decodeIfPresent(String.self, forKey: .openssl)
        opensslSince = try c.decodeIfPresent(String.self, forKey: .opensslSince)
        gnutls = try c.decodeIfPresent(String.self, forKey: .gnutls)
        aliases = try c.decodeIfPresent([String].self, forKey: .aliases) ?? []
        kind = try c.decode(Kind.self, forKey: .kind)
        bits = try c.decodeIfPresent(Int.self, forKey: .bits)
        deprecated = try c.decode(Bool.self, forKey: .deprecated)
        recommended = try c.decodeIfPresent(Bool.self, forKey: .recommended) ?? false
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(name, forKey: .name)
        try c.encode(openssl, forKey: .openssl)
        try c.encode(opensslSince, forKey: .opensslSince)
        try c.encode(gnutls, forKey: .gnutls)
        try c.encode(aliases, forKey: .aliases)
        try c.encode(kind, forKey: .kind)
        try c.encode(bits, forKey: .bits)
        try c.encode(deprecated, forKey: .deprecated)
        try c.encode(recommended, forKey: .recommended)
    }
}
