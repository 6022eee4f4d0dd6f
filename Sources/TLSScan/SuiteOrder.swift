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

    private static let byVersion: [TLSVersion: [UInt16]] = Dictionary(uniqueKeysWithValues: TLSVersion.allCases.map { version in
        (version, Catalog.shared.suites(for: version)
            .filter { !$0.signaling }
            .sorted { rank($0) < rank($1) }
            .map(\.code))
    })

    static func rank(_ suite: CipherSuite) -> (Int, Int, Int, Int, UInt16) {
        let strength = switch suite.strength { case .secure: 0; case .weak: 1; case .insecure: 2 }
        let kind = (suite.forwardSecrecy ? 0 : 2) + (suite.aead ? 0 : 1)
        let exchange = switch suite.keyExchange { case .ecdhe, .ecdhePSK: 0; case .dhe, .dhePSK: 1; default: 2 }
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
        let preferred: [UInt16] = [0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806,
                                   0x0809, 0x080A, 0x080B, 0x0401, 0x0501, 0x0601]
        let rest = Catalog.shared.signatureSchemes.map(\.code).filter { !preferred.contains($0) }
        return preferred + rest + [0x0303, 0x0301, 0x0203, 0x0201, 0x0402, 0x0502, 0x0602, 0x0202]
            .filter { code in !preferred.contains(code) && !rest.contains(code) }
    }()
}
