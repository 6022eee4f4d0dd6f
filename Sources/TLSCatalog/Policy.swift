import Foundation

/// What a server configured with a named security policy or baseline may accept: versions, cipher
/// suites (in the documented preference order) and groups.
///
/// JSON form (in `Data/policies/*.json`, array `policies`): suites as `"0x1301"` strings, groups as
/// integers or `null` when the source does not document them, versions as `TLSVersion` raw values.
package struct Policy: Sendable, Hashable, Codable {
    /// Stable identifier, e.g. `ELBSecurityPolicy-TLS13-1-2-2021-06`, `TLSv1.2_2021`, `mozilla-intermediate-5.7`.
    package let id: String
    /// Human-readable name.
    package let name: String
    /// `elb`, `elb-classic`, `cloudfront-viewer`, `mozilla`, `nist`, `pci` or `cnsa`.
    package let family: String
    /// Versions the policy allows, oldest first.
    package let versions: [TLSVersion]
    /// Cipher suites the policy allows, in the documented preference order (TLS 1.3 suites included).
    /// Empty for baselines that only state requirements (see ``requirements``).
    package let suites: [UInt16]
    /// Supported groups, or nil when the source does not document them.
    package let groups: [UInt16]?
    /// True when any part of the policy is not confirmed by a primary source.
    package let unverified: Bool
    /// Suites in ``suites`` that are inferred rather than documented.
    package let unverifiedSuites: [UInt16]
    /// Whether the server picks by its own order (nil when not stated).
    package let serverPreference: Bool?
    /// Caveats and extra facts.
    package let notes: [String]
    /// Other names that ``Catalog/policy(id:)`` accepts.
    package let aliases: [String]
    /// Where the facts come from.
    package let sources: [String]
    /// Baseline rules beyond the lists (minimum version, key sizes, forbidden suites ...).
    package let requirements: Requirements?
    /// When and how the facts were retrieved (the policy's own note, else its file's).
    package let retrieved: String?
    /// Items on which two sources disagree; both are recorded, neither is chosen silently.
    package let conflicts: [Conflict]

    /// One item of the policy that two sources state differently, e.g. a suite the AWS documentation lists and
    /// aws/s2n-tls does not. JSON: `{"field": "suites", "item": "…", "a": {"source": "…", "says": "listed"}, "b": {…}}`.
    package struct Conflict: Sendable, Hashable, Codable {
        /// What one source says, and which source it is.
        package struct Claim: Sendable, Hashable, Codable {
            /// The source (a title with its URL or repository, commit and path).
            package let source: String
            /// What it says about the item, e.g. `listed`, `not listed`.
            package let says: String

            package init(source: String, says: String) {
                self.source = source
                self.says = says
            }
        }

        /// The policy field the item belongs to: `suites`, `groups`, `versions`.
        package let field: String
        /// The item, e.g. `TLS_CHACHA20_POLY1305_SHA256 (0x1303)`.
        package let item: String
        package let a: Claim
        package let b: Claim

        package init(field: String, item: String, a: Claim, b: Claim) {
            self.field = field
            self.item = item
            self.a = a
            self.b = b
        }
    }

    /// Baseline rules. Every field is optional; nil / empty means "not stated".
    package struct Requirements: Sendable, Hashable, Codable {
        /// The lowest version the baseline accepts without qualification.
        package let minVersion: TLSVersion?
        /// Versions whose presence fails the baseline outright.
        package let forbiddenVersions: [TLSVersion]
        /// Every non-TLS 1.3 suite must use ephemeral key exchange.
        package let forwardSecrecy: Bool?
        /// Suites that must not be offered.
        package let forbiddenSuites: [UInt16]
        /// No suite of catalog strength `insecure` may be offered ("strong cryptography").
        package let noInsecureSuites: Bool?
        package let minRSAKeyBits: Int?
        package let minDHBits: Int?
        package let minECDHBits: Int?
        /// `rsa`, `ecdsa`.
        package let certificateTypes: [String]
        /// OpenSSL curve names, e.g. `prime256v1`.
        package let certificateCurves: [String]
        /// OpenSSL signature names, e.g. `ecdsa-with-SHA256`.
        package let certificateSignatures: [String]
        package let serverCipherOrder: Bool?
        package let ocspStapling: Bool?
        package let hstsMinAge: Int?
        package let maxCertificateLifespanDays: Int?
        /// Compliance date (ISO 8601), e.g. `2018-06-30`.
        package let deadline: String?
        /// True when the requirements are not confirmed by a primary source.
        package let unverified: Bool

        package init(
            minVersion: TLSVersion? = nil, forbiddenVersions: [TLSVersion] = [], forwardSecrecy: Bool? = nil,
            forbiddenSuites: [UInt16] = [], noInsecureSuites: Bool? = nil, minRSAKeyBits: Int? = nil,
            minDHBits: Int? = nil, minECDHBits: Int? = nil, certificateTypes: [String] = [],
            certificateCurves: [String] = [], certificateSignatures: [String] = [],
            serverCipherOrder: Bool? = nil, ocspStapling: Bool? = nil, hstsMinAge: Int? = nil,
            maxCertificateLifespanDays: Int? = nil, deadline: String? = nil, unverified: Bool = false
        ) {
            self.minVersion = minVersion
            self.forbiddenVersions = forbiddenVersions
            self.forwardSecrecy = forwardSecrecy
            self.forbiddenSuites = forbiddenSuites
            self.noInsecureSuites = noInsecureSuites
            self.minRSAKeyBits = minRSAKeyBits
            self.minDHBits = minDHBits
            self.minECDHBits = minECDHBits
            self.certificateTypes = certificateTypes
            self.certificateCurves = certificateCurves
            self.certificateSignatures = certificateSignatures
            self.serverCipherOrder = serverCipherOrder
            self.ocspStapling = ocspStapling
            self.hstsMinAge = hstsMinAge
            self.maxCertificateLifespanDays = maxCertificateLifespanDays
            self.deadline = deadline
            self.unverified = unverified
        }

        private enum CodingKeys: String, CodingKey {
            case minVersion, forbiddenVersions, forwardSecrecy, forbiddenSuites, noInsecureSuites
            case minRSAKeyBits, minDHBits, minECDHBits, certificateTypes, certificateCurves
            case certificateSignatures, serverCipherOrder, ocspStapling, hstsMinAge
            case maxCertificateLifespanDays, deadline, unverified
        }

        package init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            minVersion = try c.decodeIfPresent(TLSVersion.self, forKey: .minVersion)
            forbiddenVersions = try c.decodeIfPresent([TLSVersion].self, forKey: .forbiddenVersions) ?? []
            forwardSecrecy = try c.decodeIfPresent(Bool.self, forKey: .forwardSecrecy)
            forbiddenSuites =
                try c.decodeIfPresent([String].self, forKey: .forbiddenSuites).map {
                    try $0.map { text in
                        guard let code = HexCode.parse(text) else {
                            throw DecodingError.dataCorruptedError(
                                forKey: .forbiddenSuites, in: c, debugDescription: "not a 16-bit hex code point: \(text)")
                        }
                        return code
                    }
                } ?? []
            noInsecureSuites = try c.decodeIfPresent(Bool.self, forKey: .noInsecureSuites)
            minRSAKeyBits = try c.decodeIfPresent(Int.self, forKey: .minRSAKeyBits)
            minDHBits = try c.decodeIfPresent(Int.self, forKey: .minDHBits)
            minECDHBits = try c.decodeIfPresent(Int.self, forKey: .minECDHBits)
            certificateTypes = try c.decodeIfPresent([String].self, forKey: .certificateTypes) ?? []
            certificateCurves = try c.decodeIfPresent([String].self, forKey: .certificateCurves) ?? []
            certificateSignatures = try c.decodeIfPresent([String].self, forKey: .certificateSignatures) ?? []
            serverCipherOrder = try c.decodeIfPresent(Bool.self, forKey: .serverCipherOrder)
            ocspStapling = try c.decodeIfPresent(Bool.self, forKey: .ocspStapling)
            hstsMinAge = try c.decodeIfPresent(Int.self, forKey: .hstsMinAge)
            maxCertificateLifespanDays = try c.decodeIfPresent(Int.self, forKey: .maxCertificateLifespanDays)
            deadline = try c.decodeIfPresent(String.self, forKey: .deadline)
            unverified = try c.decodeIfPresent(Bool.self, forKey: .unverified) ?? false
        }

        package func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeIfPresent(minVersion, forKey: .minVersion)
            try c.encode(forbiddenVersions, forKey: .forbiddenVersions)
            try c.encodeIfPresent(forwardSecrecy, forKey: .forwardSecrecy)
            try c.encode(forbiddenSuites.map(HexCode.format), forKey: .forbiddenSuites)
            try c.encodeIfPresent(noInsecureSuites, forKey: .noInsecureSuites)
            try c.encodeIfPresent(minRSAKeyBits, forKey: .minRSAKeyBits)
            try c.encodeIfPresent(minDHBits, forKey: .minDHBits)
            try c.encodeIfPresent(minECDHBits, forKey: .minECDHBits)
            try c.encode(certificateTypes, forKey: .certificateTypes)
            try c.encode(certificateCurves, forKey: .certificateCurves)
            try c.encode(certificateSignatures, forKey: .certificateSignatures)
            try c.encodeIfPresent(serverCipherOrder, forKey: .serverCipherOrder)
            try c.encodeIfPresent(ocspStapling, forKey: .ocspStapling)
            try c.encodeIfPresent(hstsMinAge, forKey: .hstsMinAge)
            try c.encodeIfPresent(maxCertificateLifespanDays, forKey: .maxCertificateLifespanDays)
            try c.encodeIfPresent(deadline, forKey: .deadline)
            try c.encode(unverified, forKey: .unverified)
        }
    }

    /// Creates a policy; used by tests and by callers that define their own policies.
    package init(
        id: String, name: String, family: String, versions: [TLSVersion], suites: [UInt16],
        groups: [UInt16]? = nil, unverified: Bool = false, unverifiedSuites: [UInt16] = [],
        serverPreference: Bool? = nil, notes: [String] = [], aliases: [String] = [], sources: [String] = [],
        requirements: Requirements? = nil, retrieved: String? = nil, conflicts: [Conflict] = []
    ) {
        self.id = id
        self.name = name
        self.family = family
        self.versions = versions
        self.suites = suites
        self.groups = groups
        self.unverified = unverified
        self.unverifiedSuites = unverifiedSuites
        self.serverPreference = serverPreference
        self.notes = notes
        self.aliases = aliases
        self.sources = sources
        self.requirements = requirements
        self.retrieved = retrieved
        self.conflicts = conflicts
    }

    /// Whether the policy allows `version`.
    package func allows(_ version: TLSVersion) -> Bool { versions.contains(version) }

    /// Whether the policy allows the suite with `code`.
    package func allows(suite code: UInt16) -> Bool { suites.contains(code) }

    /// The id and every alias.
    package var allNames: [String] { [id] + aliases }

    private enum CodingKeys: String, CodingKey {
        case id, name, family, versions, suites, groups, unverified, unverifiedSuites, serverPreference
        case notes, aliases, sources, retrieved, conflicts
        case requirements = "requires"
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        family = try c.decode(String.self, forKey: .family)
        versions = try c.decode([TLSVersion].self, forKey: .versions)
        suites = try c.decodeCodePoints(forKey: .suites)
        groups = try c.decodeIfPresent([UInt16].self, forKey: .groups)
        unverified = try c.decodeIfPresent(Bool.self, forKey: .unverified) ?? false
        unverifiedSuites = c.contains(.unverifiedSuites) ? try c.decodeCodePoints(forKey: .unverifiedSuites) : []
        serverPreference = try c.decodeIfPresent(Bool.self, forKey: .serverPreference)
        notes = try c.decodeIfPresent([String].self, forKey: .notes) ?? []
        aliases = try c.decodeIfPresent([String].self, forKey: .aliases) ?? []
        sources = try c.decodeIfPresent([String].self, forKey: .sources) ?? []
        requirements = try c.decodeIfPresent(Requirements.self, forKey: .requirements)
        retrieved = try c.decodeIfPresent(String.self, forKey: .retrieved)
        conflicts = try c.decodeIfPresent([Conflict].self, forKey: .conflicts) ?? []
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(family, forKey: .family)
        try c.encode(versions, forKey: .versions)
        try c.encode(suites.map(HexCode.format), forKey: .suites)
        try c.encode(groups, forKey: .groups)
        try c.encode(unverified, forKey: .unverified)
        try c.encode(unverifiedSuites.map(HexCode.format), forKey: .unverifiedSuites)
        try c.encodeIfPresent(serverPreference, forKey: .serverPreference)
        try c.encode(notes, forKey: .notes)
        try c.encode(aliases, forKey: .aliases)
        try c.encode(sources, forKey: .sources)
        try c.encodeIfPresent(requirements, forKey: .requirements)
        try c.encodeIfPresent(retrieved, forKey: .retrieved)
        if !conflicts.isEmpty { try c.encode(conflicts, forKey: .conflicts) }
    }

    /// A copy whose empty ``sources`` and missing ``retrieved`` are taken from its file (`sources`, `retrieved`).
    func withFileFacts(sources fileSources: [String], retrieved fileRetrieved: String?) -> Policy {
        guard sources.isEmpty || retrieved == nil else { return self }
        return Policy(
            id: id, name: name, family: family, versions: versions, suites: suites, groups: groups,
            unverified: unverified, unverifiedSuites: unverifiedSuites, serverPreference: serverPreference,
            notes: notes, aliases: aliases, sources: sources.isEmpty ? fileSources : sources,
            requirements: requirements, retrieved: retrieved ?? fileRetrieved, conflicts: conflicts)
    }
}

extension Policy: RegistryEntry { static var registryKey: String { "policies" } }

extension Policy {
    /// The `sources` entry of a policy read with `--policies-file` ("imported from FILE (…)"); nil for the catalog's.
    package var importedFrom: String? { sources.first { $0.hasPrefix(PolicyImport.importedPrefix) } }
}
