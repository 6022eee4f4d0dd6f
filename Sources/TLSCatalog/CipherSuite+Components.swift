// The parts of a cipher suite as types: key exchange, authentication, bulk cipher and record MAC.
// Raw values are the strings of `Data/cipher-suites.json` (`kx`, `auth`, `cipher`, `mac`); a value the
// enum does not know fails decoding, so the catalog does not load (``TLSMatrixError/Code/invalidCatalogData``).
// ``description`` is the raw value, so text output that shows one reads as the JSON does.

extension CipherSuite {
    /// How the suite agrees on keys (the `kx` of `Data/cipher-suites.json`).
    package enum KeyExchange: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
        case rsa = "RSA"
        case dhe = "DHE"
        case ecdhe = "ECDHE"
        case dh = "DH"
        case ecdh = "ECDH"
        case psk = "PSK"
        case dhePSK = "DHE_PSK"
        case ecdhePSK = "ECDHE_PSK"
        case rsaPSK = "RSA_PSK"
        case srp = "SRP"
        case krb5 = "KRB5"
        case dhAnon = "DH_anon"
        case ecdhAnon = "ECDH_anon"
        case eccpwd = "ECCPWD"
        case gost = "GOST"
        case null = "NULL"
        /// TLS 1.3: the suite does not fix the key exchange.
        case any = "any"

        package var description: String { rawValue }

        /// Whether each handshake makes fresh keys (the catalog's forward secrecy): DHE and ECDHE in every form
        /// (with PSK, anonymous), ECCPWD, and every TLS 1.3 suite.
        package var isEphemeral: Bool {
            switch self {
            case .dhe, .ecdhe, .dhePSK, .ecdhePSK, .dhAnon, .ecdhAnon, .eccpwd, .any: true
            case .rsa, .dh, .ecdh, .psk, .rsaPSK, .srp, .krb5, .gost, .null: false
            }
        }

        /// Whether the key exchange is elliptic-curve Diffie-Hellman (ECDHE, ECDHE_PSK, ECDH, ECDH_anon): the
        /// server picks a named curve, in its ServerKeyExchange or certificate.
        package var isEllipticCurveDH: Bool {
            switch self {
            case .ecdhe, .ecdhePSK, .ecdh, .ecdhAnon: true
            default: false
            }
        }

        /// Whether the key exchange is finite-field Diffie-Hellman (DHE, DHE_PSK, DH, DH_anon).
        package var isFiniteFieldDH: Bool {
            switch self {
            case .dhe, .dhePSK, .dh, .dhAnon: true
            default: false
            }
        }

        /// Whether the server is not authenticated (DH_anon, ECDH_anon).
        package var isAnonymous: Bool { self == .dhAnon || self == .ecdhAnon }

        /// Whether a pre-shared key takes part (PSK, DHE_PSK, ECDHE_PSK, RSA_PSK).
        package var isPSK: Bool {
            switch self {
            case .psk, .dhePSK, .ecdhePSK, .rsaPSK: true
            default: false
            }
        }
    }

    /// How the server proves its identity (the `auth` of `Data/cipher-suites.json`).
    package enum Authentication: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
        case rsa = "RSA"
        case dss = "DSS"
        case ecdsa = "ECDSA"
        case psk = "PSK"
        case srp = "SRP"
        case krb5 = "KRB5"
        case anon = "anon"
        case eccpwd = "ECCPWD"
        case gost = "GOST"
        case null = "NULL"
        /// TLS 1.3: the suite does not fix the authentication.
        case any = "any"

        package var description: String { rawValue }
    }

    /// The record cipher (the `cipher` of `Data/cipher-suites.json`).
    package enum BulkCipher: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
        case null = "NULL"
        case rc4_40 = "RC4_40"
        case rc4_128 = "RC4_128"
        case rc2CBC40 = "RC2_CBC_40"
        case des40CBC = "DES40_CBC"
        case desCBC = "DES_CBC"
        case tripleDESEDECBC = "3DES_EDE_CBC"
        case ideaCBC = "IDEA_CBC"
        case seedCBC = "SEED_CBC"
        case aes128CBC = "AES_128_CBC"
        case aes256CBC = "AES_256_CBC"
        case aes128GCM = "AES_128_GCM"
        case aes256GCM = "AES_256_GCM"
        case aes128CCM = "AES_128_CCM"
        case aes256CCM = "AES_256_CCM"
        case aes128CCM8 = "AES_128_CCM_8"
        case aes256CCM8 = "AES_256_CCM_8"
        case aria128CBC = "ARIA_128_CBC"
        case aria256CBC = "ARIA_256_CBC"
        case aria128GCM = "ARIA_128_GCM"
        case aria256GCM = "ARIA_256_GCM"
        case camellia128CBC = "CAMELLIA_128_CBC"
        case camellia256CBC = "CAMELLIA_256_CBC"
        case camellia128GCM = "CAMELLIA_128_GCM"
        case camellia256GCM = "CAMELLIA_256_GCM"
        case chacha20Poly1305 = "CHACHA20_POLY1305"
        case aegis128L = "AEGIS_128L"
        case aegis256 = "AEGIS_256"
        case sm4GCM = "SM4_GCM"
        case sm4CCM = "SM4_CCM"
        case gost28147CNT = "28147_CNT"
        case kuznyechikCTR = "KUZNYECHIK_CTR"
        case kuznyechikMGML = "KUZNYECHIK_MGM_L"
        case kuznyechikMGMS = "KUZNYECHIK_MGM_S"
        case magmaCTR = "MAGMA_CTR"
        case magmaMGML = "MAGMA_MGM_L"
        case magmaMGMS = "MAGMA_MGM_S"

        package var description: String { rawValue }

        /// Whether the cipher is RC4 (any key size).
        package var isRC4: Bool { self == .rc4_40 || self == .rc4_128 }

        /// Whether the cipher is triple DES (Sweet32).
        package var isTripleDES: Bool { self == .tripleDESEDECBC }

        /// Whether the cipher is ChaCha20-Poly1305.
        package var isChaCha20: Bool { self == .chacha20Poly1305 }
    }

    /// The record MAC (the `mac` of `Data/cipher-suites.json`); `AEAD` when the cipher authenticates itself.
    package enum MAC: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
        case null = "NULL"
        case md5 = "MD5"
        case sha1 = "SHA1"
        case sha256 = "SHA256"
        case sha384 = "SHA384"
        case omac = "OMAC"
        case imit = "IMIT"
        case aead = "AEAD"

        package var description: String { rawValue }
    }

    /// Whether the suite does not authenticate the server (anonymous key exchange or authentication).
    package var isAnonymous: Bool { authentication == .anon || keyExchange.isAnonymous }
}
