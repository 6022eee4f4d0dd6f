import Foundation

/// The registries tlsmatrix knows: cipher suites, groups, signature schemes and client profiles.
///
/// ``shared`` is decoded once from the JSON compiled into the binary (see `Data/` and
/// `scripts/gen-catalog`). All lookups are dictionary based.
package struct Catalog: Sendable {
    /// The catalog built from the embedded `Data/` files.
    package static var shared: Catalog {
        switch loaded {
        case .success(let catalog):
            return catalog
        case .failure(let error):
            // The program checks ``loaded`` first (exit 4); only code that skips that check gets here.
            fatalError("tlsmatrix: embedded catalog data is corrupt: \(error)")
        }
    }

    /// The embedded catalog, decoded once, or why it could not be: the embedded JSON is generated and covered
    /// by tests, so a failure is an internal error (``TLSMatrixError/Code/invalidCatalogData``, exit 4).
    package static let loaded: Result<Catalog, TLSMatrixError> = {
        do {
            return .success(try Catalog.embedded())
        } catch let error as TLSMatrixError {
            return .failure(error)
        } catch {
            return .failure(TLSMatrixError(.invalidCatalogData, "embedded catalog data is corrupt: \(error)"))
        }
    }()

    /// Every IANA cipher suite (single code points), in registry order.
    package let suites: [CipherSuite]
    /// Every IANA supported group, in code order.
    package let groups: [NamedGroup]
    /// Every signature scheme, in code order.
    package let signatureSchemes: [SignatureScheme]
    /// Known client profiles.
    package let clients: [ClientProfile]
    /// Known server policies and compliance baselines, in file order.
    package let policies: [Policy]
    /// Sources of all registries, without duplicates, in first-seen order.
    package let sources: [String]

    private let suiteByCode: [UInt16: CipherSuite]
    private let suiteCodeByName: [String: UInt16]
    private let groupByCode: [UInt16: NamedGroup]
    private let groupCodeByName: [String: UInt16]
    private let schemeByCode: [UInt16: SignatureScheme]
    private let schemeCodeByName: [String: UInt16]
    private let clientByID: [String: ClientProfile]
    private let policyByName: [String: Policy]
    private let suitesByVersion: [TLSVersion: [CipherSuite]]

    /// Builds a catalog from entries. Later duplicates of a name never replace an earlier one.
    package init(
        suites: [CipherSuite], groups: [NamedGroup], signatureSchemes: [SignatureScheme],
        clients: [ClientProfile], sources: [String] = [], policies: [Policy] = []
    ) {
        self.suites = suites
        self.groups = groups
        self.signatureSchemes = signatureSchemes
        self.clients = clients
        self.policies = policies
        var seen = Set<String>()
        self.sources = sources.filter { seen.insert($0).inserted }

        suiteByCode = Dictionary(suites.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        groupByCode = Dictionary(groups.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        schemeByCode = Dictionary(signatureSchemes.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        clientByID = Dictionary(clients.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var byName: [String: Policy] = [:]
        for policy in policies {  // ids first, so an alias never shadows another policy's id
            if byName[Self.key(policy.id)] == nil { byName[Self.key(policy.id)] = policy }
        }
        for policy in policies {
            for alias in policy.aliases where byName[Self.key(alias)] == nil { byName[Self.key(alias)] = policy }
        }
        policyByName = byName

        suiteCodeByName = Self.nameIndex(suites.map { ($0.code, [$0.iana, $0.openssl, $0.gnutls].compactMap { $0 }) })
        groupCodeByName = Self.nameIndex(groups.map { ($0.code, $0.allNames) })
        schemeCodeByName = Self.nameIndex(signatureSchemes.map { ($0.code, [$0.name]) })

        var byVersion: [TLSVersion: [CipherSuite]] = [:]
        for version in TLSVersion.allCases {
            byVersion[version] = suites.filter { !$0.signaling && $0.versions.contains(version) }
        }
        suitesByVersion = byVersion
    }

    /// Decodes the JSON compiled into the binary.
    package static func embedded() throws -> Catalog {
        try decode(
            cipherSuitesJSON: EmbeddedData.cipherSuites,
            groupsJSON: EmbeddedData.groups,
            signatureSchemesJSON: EmbeddedData.signatureSchemes,
            clientJSONs: EmbeddedData.clients,
            policyJSONs: EmbeddedData.policies)
    }

    /// Decodes a catalog from the text of the `Data/` files.
    package static func decode(
        cipherSuitesJSON: String, groupsJSON: String, signatureSchemesJSON: String, clientJSONs: [String],
        policyJSONs: [String] = []
    ) throws -> Catalog {
        let suiteFile = try RegistryFile<CipherSuite>.decode(cipherSuitesJSON, file: "cipher-suites.json")
        let groupFile = try RegistryFile<NamedGroup>.decode(groupsJSON, file: "groups.json")
        let schemeFile = try RegistryFile<SignatureScheme>.decode(
            signatureSchemesJSON, file: "signature-schemes.json")
        try checkUnique(suiteFile.entries.map(\.code), registry: "cipher-suites")
        try checkUnique(groupFile.entries.map(\.code), registry: "groups")
        try checkUnique(schemeFile.entries.map(\.code), registry: "signature-schemes")
        var clients: [ClientProfile] = []
        for (index, json) in clientJSONs.enumerated() {
            do {
                clients.append(try JSONDecoder().decode(ClientProfile.self, from: Data(json.utf8)))
            } catch {
                throw TLSMatrixError(.invalidCatalogData, "catalog file clients[\(index)] does not decode: \(error)")
            }
        }
        var policies: [Policy] = []
        var policySources: [String] = []
        for (index, json) in policyJSONs.enumerated() {
            let file = try RegistryFile<Policy>.decode(json, file: "policies[\(index)]")
            policies += file.entries.map { $0.withFileFacts(sources: file.sources, retrieved: file.retrieved) }
            policySources += file.sources
        }
        return Catalog(
            suites: suiteFile.entries, groups: groupFile.entries, signatureSchemes: schemeFile.entries,
            clients: clients,
            sources: suiteFile.sources + groupFile.sources + schemeFile.sources + clients.flatMap(\.sources)
                + policySources,
            policies: policies)
    }

    // MARK: Cipher suites

    /// The suite with this code point.
    package func suite(code: UInt16) -> CipherSuite? { suiteByCode[code] }

    /// The suite with this IANA, OpenSSL or GnuTLS name (case-insensitive), or code text such as
    /// `0xC02F` / `0xC0,0x2F`.
    package func suite(named name: String) -> CipherSuite? {
        let key = Self.key(name)
        if let code = suiteCodeByName[key] { return suiteByCode[code] }
        if let code = Self.codeText(name) { return suiteByCode[code] }
        return nil
    }

    /// Non-signaling suites that can be negotiated with `version`, in registry order.
    package func suites(for version: TLSVersion) -> [CipherSuite] { suitesByVersion[version] ?? [] }

    // MARK: Groups

    /// The group with this code point.
    package func group(code: UInt16) -> NamedGroup? { groupByCode[code] }

    /// The group with this IANA, OpenSSL or GnuTLS name or alias (case-insensitive), or code text.
    package func group(named name: String) -> NamedGroup? {
        if let code = groupCodeByName[Self.key(name)] { return groupByCode[code] }
        if let code = Self.codeText(name) { return groupByCode[code] }
        if let number = UInt16(name.trimmingWhitespace()) { return groupByCode[number] }
        return nil
    }

    // MARK: Signature schemes

    /// The signature scheme with this code point.
    package func signatureScheme(code: UInt16) -> SignatureScheme? { schemeByCode[code] }

    /// The signature scheme with this name (case-insensitive) or code text such as `0x0804`.
    package func signatureScheme(named name: String) -> SignatureScheme? {
        if let code = schemeCodeByName[Self.key(name)] { return schemeByCode[code] }
        if let code = Self.codeText(name) { return schemeByCode[code] }
        return nil
    }

    // MARK: Clients

    /// The client profile with this id (exact match).
    package func client(id: String) -> ClientProfile? { clientByID[id] }

    // MARK: Policies

    /// The policy with this id or alias (case-insensitive, surrounding whitespace ignored).
    package func policy(id: String) -> Policy? { policyByName[Self.key(id)] }

    /// Policies of one family (`elb`, `cloudfront-viewer`, `mozilla`, ...), in file order.
    package func policies(family: String) -> [Policy] { policies.filter { $0.family == family } }

    // MARK: Helpers

    private static func key(_ name: String) -> String { name.trimmingWhitespace().lowercased() }

    /// Code text must carry a `0x` prefix so names such as `ADH` are never read as hex.
    private static func codeText(_ text: String) -> UInt16? {
        let trimmed = text.trimmingWhitespace()
        guard trimmed.hasPrefix("0x") || trimmed.hasPrefix("0X") else { return nil }
        return HexCode.parse(trimmed)
    }

    private static func nameIndex(_ entries: [(UInt16, [String])]) -> [String: UInt16] {
        var index: [String: UInt16] = [:]
        for (code, names) in entries {
            for name in names where index[key(name)] == nil {
                index[key(name)] = code
            }
        }
        return index
    }

    private static func checkUnique(_ codes: [UInt16], registry: String) throws {
        var seen = Set<UInt16>()
        for code in codes where !seen.insert(code).inserted {
            throw TLSMatrixError(.invalidCatalogData, "catalog registry \(registry) has code \(HexCode.format(code)) twice")
        }
    }
}
