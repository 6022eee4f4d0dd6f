import TLSCatalog

/// What a server answered to one named client's own ClientHello (sent by a ``HelloObserver``): the observed half
/// of a client verdict, kept beside the prediction computed from the matrix.
package struct HelloObservation: Codable, Sendable, Equatable {
    package enum Result: String, Codable, Sendable {
        /// A ServerHello that is a valid answer to the hello.
        case accepted
        /// An alert, a close or another version: the server refused this hello.
        case rejected
        /// No answer in time: not definitive.
        case timedOut = "timed-out"
        /// The answer broke the protocol, or the probe could not be made: not definitive.
        case failed
    }

    /// The client profile whose hello was sent (e.g. `cloudfront-upstream-2025`).
    package var client: String
    /// The versions the hello offered.
    package var versions: [TLSVersion]
    package var result: Result
    /// What the server picked, when it accepted.
    package var protocolVersion: TLSVersion?
    package var suite: UInt16?
    package var group: UInt16?
    /// The server asked for another key share first (TLS 1.3 HelloRetryRequest).
    package var helloRetry: Bool
    /// Why it was refused or why nothing is known.
    package var reason: String?
    /// The closed connection or reset came without an alert (what hello-intolerant servers do).
    package var silent: Bool
    /// The size of the ClientHello in bytes (records included).
    package var helloBytes: Int
    /// The ServerHello echoed extended_master_secret (RFC 7627); nil when not accepted.
    package var extendedMasterSecret: Bool?
    /// The size of the server's finite-field DH group in bits (DHE suites before TLS 1.3), when it sent one.
    package var dhBits: Int?
    /// Another profile whose hello was byte for byte this one's: its connection's answer, not one of its own.
    package var sameHelloAs: String?

    package init(client: String, versions: [TLSVersion], outcome: ProbeOutcome, helloBytes: Int) {
        self.client = client
        self.versions = versions
        self.helloBytes = helloBytes
        helloRetry = false
        silent = false
        switch outcome {
        case .accepted(let negotiated):
            result = .accepted
            protocolVersion = negotiated.version
            suite = negotiated.suite
            group = negotiated.group
            helloRetry = negotiated.helloRetry
            extendedMasterSecret = negotiated.extendedMasterSecret
            dhBits = negotiated.dhBits
        case .rejected(let rejection):
            result = .rejected
            reason = rejection.description
            switch rejection {
            case .closed, .reset, .noKeyExchange: silent = true  // no alert: what hello-intolerant servers do
            default: break
            }
        case .timedOut(let phase):
            result = .timedOut
            reason = "timed out during \(phase.rawValue)"
        case .failed(let failure):
            result = .failed
            reason = failure.message
        }
    }

    /// Whether the answer is definitive (accepted or refused).
    package var isDefinitive: Bool { result == .accepted || result == .rejected }

    private enum CodingKeys: String, CodingKey {
        case client, versions, result, protocolVersion = "protocol", suite, group, helloRetry, reason, silent, helloBytes,
            extendedMasterSecret, sameHelloAs, dhBits
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        client = try c.decode(String.self, forKey: .client)
        versions = try c.decode([TLSVersion].self, forKey: .versions)
        result = try c.decode(Result.self, forKey: .result)
        protocolVersion = try c.decodeIfPresent(TLSVersion.self, forKey: .protocolVersion)
        suite = try c.decodeCodePointIfPresent(forKey: .suite)
        group = try c.decodeCodePointIfPresent(forKey: .group)
        helloRetry = try c.decode(Bool.self, forKey: .helloRetry)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        silent = try c.decode(Bool.self, forKey: .silent)
        helloBytes = try c.decode(Int.self, forKey: .helloBytes)
        extendedMasterSecret = try c.decodeIfPresent(Bool.self, forKey: .extendedMasterSecret)
        sameHelloAs = try c.decodeIfPresent(String.self, forKey: .sameHelloAs)
        dhBits = try c.decodeIfPresent(Int.self, forKey: .dhBits)
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(client, forKey: .client)
        try c.encode(versions, forKey: .versions)
        try c.encode(result, forKey: .result)
        try c.encodeIfPresent(protocolVersion, forKey: .protocolVersion)
        try c.encodeIfPresent(suite.map(CodePointFormat.hex), forKey: .suite)
        try c.encodeIfPresent(group.map(CodePointFormat.hex), forKey: .group)
        try c.encode(helloRetry, forKey: .helloRetry)
        try c.encodeIfPresent(reason, forKey: .reason)
        try c.encode(silent, forKey: .silent)
        try c.encode(helloBytes, forKey: .helloBytes)
        try c.encodeIfPresent(extendedMasterSecret, forKey: .extendedMasterSecret)
        try c.encodeIfPresent(sameHelloAs, forKey: .sameHelloAs)
        try c.encodeIfPresent(dhBits, forKey: .dhBits)
    }
}
