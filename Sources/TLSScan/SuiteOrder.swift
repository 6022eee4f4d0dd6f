import TLSCatalog

/// The order in which the scanner offers suites: what a careful client would prefer first,
/// so a client-order server shows a meaningful first pick. ChaCha20 goes last among the suites of its class
/// (secure AEAD with forward secrecy), since servers that prioritise ChaCha20 for clients that prefer it would
/// otherwise hide their own order; it stays in the first list of suites offered (``ProbeSession/parts(of:limit:)``),
/// with the suites a server is likely to prefer it to.
enum SuiteOrder {
    /// Computed once per version; every probe's offer starts from it.
    static func candidates(for version: TLSVersion) -> [UInt16] {
        byVersion[version] ?? []
    }

    private static let byVersion: [TLSVersion: [UInt16]] = Dictionary(
        uniqueKeysWithValues: TLSVersion.allCases.map { version in
            (
                version,
                (Catalog.shared.suites(for: version) + earlierUse(version))
                    .filter { !$0.signaling }
                    .sorted { rank($0) < rank($1) }
                    .map(\.code)
            )
        })

    /// Suites the catalog lists for TLS 1.2 only that a server may still choose at TLS 1.0 and 1.1, so they are
    /// offered there too: the non-AEAD suites (CBC, or the NULL stream cipher) whose MAC is HMAC-SHA256 or
    /// HMAC-SHA384. Nothing in their record protection needs TLS 1.2: the HMAC works in any TLS record layer, and
    /// the PRF is the version's own (TLS 1.0/1.1 have one fixed PRF; the SHA-256/384 PRF of RFC 5289 and RFC 6367
    /// applies to TLS 1.2). mbedTLS 2.28's suite table (library/ssl_ciphersuites.c) gives the ECDHE/ECDH
    /// Camellia-CBC-SHA256/384 suites (0xC072–0xC079) minimum version 3,1 (TLS 1.0), and lighttpd on mbedTLS
    /// accepts 0xC076 at TLS 1.0 and 1.1 (Tests/OriginsFixtureNotes.md); the catalog already lists the PSK
    /// CBC-SHA256/384 suites (RFC 5487) from TLS 1.0. Left out: AEAD suites (GCM, CCM, ChaCha20-Poly1305 need
    /// TLS 1.2's nonce and additional data), and the GOST suites (OMAC/IMIT MACs, defined for TLS 1.2 only).
    /// Never for SSL 3.0, whose MAC is not HMAC. A server that keeps them to TLS 1.2 (OpenSSL) just does not pick
    /// them.
    static func earlierUse(_ version: TLSVersion) -> [CipherSuite] {
        guard version == .tls10 || version == .tls11 else { return [] }
        return Catalog.shared.suites(for: .tls12).filter(usableBeforeTLS12)
    }

    static func usableBeforeTLS12(_ suite: CipherSuite) -> Bool {
        suite.versions == [.tls12] && !suite.aead && !suite.signaling && [.sha256, .sha384].contains(suite.mac)
    }

    static func rank(_ suite: CipherSuite) -> (Int, Int, Int, Int, UInt16) {
        let strength =
            switch suite.strength {
            case .secure: 0;
            case .weak: 1;
            case .insecure: 2
            }
        let kind = (suite.forwardSecrecy ? 0 : 2) + (suite.aead ? 0 : 1)
        let exchange =
            switch suite.keyExchange {
            case .ecdhe, .ecdhePSK: 0;
            case .dhe, .dhePSK: 1;
            default: 2
            }
        return (strength * 4 + kind, suite.isChaCha20 ? 1 : 0, exchange, -suite.bits, suite.code)
    }

    /// Groups to offer: every named group the catalog knows that can be used for key exchange.
    /// Computed once; every probe's ClientHello reads it.
    static func groups(for version: TLSVersion) -> [UInt16] {
        version == .tls13 ? tls13Groups : ecdheGroups
    }

    private static let tls13Groups = offeredGroups { _ in true }
    private static let ecdheGroups = offeredGroups { $0.kind == .ecdhe }

    private static func offeredGroups(_ include: (NamedGroup) -> Bool) -> [UInt16] {
        let preferred: [UInt16] = [0x001D, 0x0017, 0x0018, 0x0019, 0x001E]
        let all = Catalog.shared.groups.filter { $0.code < 0xFF00 && include($0) }.map(\.code)  // no arbitrary_explicit_*
        return preferred.filter(all.contains) + all.filter { !preferred.contains($0) }
    }

    static let signatureSchemes: [UInt16] = {
        let preferred: [UInt16] = [
            0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806,
            0x0809, 0x080A, 0x080B, 0x0401, 0x0501, 0x0601,
        ]
        let rest = Catalog.shared.signatureSchemes.map(\.code).filter { !preferred.contains($0) }
        return preferred + rest
            + [0x0303, 0x0301, 0x0203, 0x0201, 0x0402, 0x0502, 0x0602, 0x0202]
            .filter { code in !preferred.contains(code) && !rest.contains(code) }
    }()
}
