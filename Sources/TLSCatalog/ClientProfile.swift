/// What a particular TLS client offers: versions, cipher suites, groups and signature schemes.
///
/// JSON form (in `Data/clients/*.json`): suites and signature schemes as `"0xC02F"` strings,
/// groups as integers, all in the client's documented order.
package struct ClientProfile: Sendable, Hashable, Codable {
    /// Stable identifier, e.g. `cloudfront-origin`.
    package let id: String
    /// Human-readable name.
    package let name: String
    /// Protocol versions the client can use, oldest first.
    package let versions: [TLSVersion]
    /// Cipher suite code points in the client's order.
    package let suites: [UInt16]
    /// Supported-group code points in the client's order.
    package let groups: [UInt16]
    /// Signature-scheme code points in the client's order.
    package let signatureSchemes: [UInt16]
    /// Where the facts come from.
    package let sources: [String]
    /// Free-form notes (limits, certificate rules, caveats).
    package let notes: [String]
    /// For CloudFront: the `OriginSslProtocols` API values mapped to versions (`"TLSv1"` → TLS 1.0).
    package let originSslProtocols: [String: TLSVersion]?
    /// Signature schemes in ``signatureSchemes`` whose code point mapping is not confirmed.
    package let unverifiedSignatureSchemes: [UInt16]
    /// When / how the sources were retrieved.
    package let retrieved: String?
    /// True when the lists are not confirmed by a capture or primary source (see ``notes``).
    package let unverified: Bool
    /// For CloudFront's origin client: which generation this profile is (``CloudFrontGeneration``); nil otherwise.
    package let generation: String?
    /// True when the vendor documents this client (CloudFront: the origin cipher page); false for a client known
    /// only from its implementation (s2n-tls policies).
    package let documented: Bool
    /// For an s2n-tls client: the s2n security policy used for each minimum OriginSslProtocols value.
    package let s2nPolicies: [String: String]
    /// Groups given a key share in the first TLS 1.3 ClientHello, in order.
    package let keyShareGroups: [UInt16]
    /// Extension types in the order the client sends them; empty when not known (no own ClientHello is sent).
    package let extensions: [UInt16]
    /// Extensions in ``extensions`` whose presence is not confirmed.
    package let unverifiedExtensions: [UInt16]
    /// Whether the client appends TLS_EMPTY_RENEGOTIATION_INFO_SCSV to its suites.
    package let sendsRenegotiationSCSV: Bool
    /// Whether the client's recorded ClientHello carried GREASE values (RFC 8701). The lists above leave them out;
    /// ``greasePositions`` says where the client puts them. JSON `grease`, absent = false.
    package var grease: Bool
    /// Where the client puts GREASE values, as recorded: `suites`, `groups`, `signatureSchemes`,
    /// `supportedVersions`, `keyShare` (one GREASE value first in that list; for `keyShare` an entry for the GREASE
    /// group), `extensions-first` and `extensions-last` (a GREASE extension first / last, last before padding
    /// 0x0015 when the client pads). Empty when ``grease`` is false. JSON `greasePositions`, absent = empty.
    package var greasePositions: [String]

    /// Creates a profile; used by tests and by callers that define their own clients.
    package init(
        id: String, name: String, versions: [TLSVersion], suites: [UInt16], groups: [UInt16],
        signatureSchemes: [UInt16], sources: [String] = [], notes: [String] = [],
        originSslProtocols: [String: TLSVersion]? = nil, unverifiedSignatureSchemes: [UInt16] = [],
        retrieved: String? = nil, unverified: Bool = false, generation: String? = nil, documented: Bool = false,
        s2nPolicies: [String: String] = [:], keyShareGroups: [UInt16] = [], extensions: [UInt16] = [],
        unverifiedExtensions: [UInt16] = [], sendsRenegotiationSCSV: Bool = false, grease: Bool = false,
        greasePositions: [String] = []
    ) {
        self.id = id
        self.name = name
        self.versions = versions
        self.suites = suites
        self.groups = groups
        self.signatureSchemes = signatureSchemes
        self.sources = sources
        self.notes = notes
        self.originSslProtocols = originSslProtocols
        self.unverifiedSignatureSchemes = unverifiedSignatureSchemes
        self.retrieved = retrieved
        self.unverified = unverified
        self.generation = generation
        self.documented = documented
        self.s2nPolicies = s2nPolicies
        self.keyShareGroups = keyShareGroups
        self.extensions = extensions
        self.unverifiedExtensions = unverifiedExtensions
        self.sendsRenegotiationSCSV = sendsRenegotiationSCSV
        self.grease = grease
        self.greasePositions = greasePositions
    }

    /// The versions this client offers when the origin's OriginSslProtocols setting is `originProtocols`. An s2n
    /// generation uses the policy for the lowest version chosen and offers everything from there up (TLS 1.3 too,
    /// which the setting cannot name); the documented client offers exactly the versions chosen.
    package func versions(forOriginProtocols originProtocols: [TLSVersion]) -> [TLSVersion] {
        guard !s2nPolicies.isEmpty else { return versions.filter(originProtocols.contains) }
        guard let minimum = originProtocols.min() else { return [] }
        return versions.filter { $0 >= minimum }
    }

    /// The s2n-tls policy an s2n generation uses under `originProtocols` (nil for other clients).
    package func s2nPolicy(forOriginProtocols originProtocols: [TLSVersion]) -> String? {
        guard let minimum = originProtocols.min() else { return nil }
        return s2nPolicies[minimum.cloudFrontName]
    }

    /// Whether the client offers `version`.
    package func supports(_ version: TLSVersion) -> Bool { versions.contains(version) }

    /// Whether the client offers the suite with `code`.
    package func offers(suite code: UInt16) -> Bool { suites.contains(code) }

    private enum CodingKeys: String, CodingKey {
        case id, name, versions, suites, groups, signatureSchemes, sources, notes
        case originSslProtocols, unverifiedSignatureSchemes, retrieved, unverified
        case generation, documented, s2nPolicies, keyShareGroups, extensions, unverifiedExtensions, sendsRenegotiationSCSV
        case grease, greasePositions
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        versions = try c.decode([TLSVersion].self, forKey: .versions)
        suites = try c.decodeCodePoints(forKey: .suites)
        groups = try c.decode([UInt16].self, forKey: .groups)
        signatureSchemes = try c.decodeCodePoints(forKey: .signatureSchemes)
        sources = try c.decodeIfPresent([String].self, forKey: .sources) ?? []
        notes = try c.decodeIfPresent([String].self, forKey: .notes) ?? []
        originSslProtocols = try c.decodeIfPresent([String: TLSVersion].self, forKey: .originSslProtocols)
        unverifiedSignatureSchemes =
            c.contains(.unverifiedSignatureSchemes)
            ? try c.decodeCodePoints(forKey: .unverifiedSignatureSchemes) : []
        retrieved = try c.decodeIfPresent(String.self, forKey: .retrieved)
        unverified = try c.decodeIfPresent(Bool.self, forKey: .unverified) ?? false
        generation = try c.decodeIfPresent(String.self, forKey: .generation)
        documented = try c.decodeIfPresent(Bool.self, forKey: .documented) ?? false
        s2nPolicies = try c.decodeIfPresent([String: String?].self, forKey: .s2nPolicies)?.compactMapValues { $0 } ?? [:]
        keyShareGroups = try c.decodeIfPresent([UInt16].self, forKey: .keyShareGroups) ?? []
        extensions = c.contains(.extensions) ? try c.decodeCodePoints(forKey: .extensions) : []
        unverifiedExtensions = c.contains(.unverifiedExtensions) ? try c.decodeCodePoints(forKey: .unverifiedExtensions) : []
        sendsRenegotiationSCSV = try c.decodeIfPresent(Bool.self, forKey: .sendsRenegotiationSCSV) ?? false
        grease = try c.decodeIfPresent(Bool.self, forKey: .grease) ?? false
        greasePositions = try c.decodeIfPresent([String].self, forKey: .greasePositions) ?? []
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(versions, forKey: .versions)
        try c.encode(suites.map(HexCode.format), forKey: .suites)
        try c.encode(groups, forKey: .groups)
        try c.encode(signatureSchemes.map(HexCode.format), forKey: .signatureSchemes)
        try c.encode(sources, forKey: .sources)
        try c.encode(notes, forKey: .notes)
        try c.encodeIfPresent(originSslProtocols, forKey: .originSslProtocols)
        try c.encode(unverifiedSignatureSchemes.map(HexCode.format), forKey: .unverifiedSignatureSchemes)
        try c.encodeIfPresent(retrieved, forKey: .retrieved)
        try c.encode(unverified, forKey: .unverified)
        // The ClientHello facts only for clients that have them, so other profiles encode as before.
        try c.encodeIfPresent(generation, forKey: .generation)
        if generation != nil {
            try c.encode(documented, forKey: .documented)
            try c.encode(s2nPolicies, forKey: .s2nPolicies)
        }
        if generation != nil || !extensions.isEmpty {
            try c.encode(keyShareGroups, forKey: .keyShareGroups)
            try c.encode(extensions.map(HexCode.format), forKey: .extensions)
            try c.encode(unverifiedExtensions.map(HexCode.format), forKey: .unverifiedExtensions)
            try c.encode(sendsRenegotiationSCSV, forKey: .sendsRenegotiationSCSV)
        }
        // Like the catalog files: only a client that sends GREASE says so.
        if grease || !greasePositions.isEmpty {
            try c.encode(grease, forKey: .grease)
            try c.encode(greasePositions, forKey: .greasePositions)
        }
    }
}
