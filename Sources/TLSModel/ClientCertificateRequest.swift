import TLSCatalog

/// An origin's request for a client certificate, as the scan saw it (the JSON report's `clientCertificate`).
package struct ClientCertificateRequest: Codable, Sendable, Equatable {
    /// The versions with which the request was seen: a CertificateRequest in a TLS 1.2-or-earlier flight, or (TLS
    /// 1.3, where it is encrypted) a certificate_required alert after a library handshake that sent none.
    package var versions: [TLSVersion]
    /// true: a handshake without a certificate failed (the request is required); false: library handshakes without
    /// one completed (optional); nil: not known.
    package var required: Bool?

    package init(versions: [TLSVersion], required: Bool?) {
        self.versions = versions
        self.required = required
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(versions, forKey: .versions)
        try container.encode(required, forKey: .required)  // null when not known
    }

    private enum CodingKeys: String, CodingKey { case versions, required }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        versions = try container.decode([TLSVersion].self, forKey: .versions)
        required = try container.decodeIfPresent(Bool.self, forKey: .required)
    }
}
