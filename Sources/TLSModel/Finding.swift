import TLSCatalog

/// Something a report should tell the user, with a stable id: the one finding type of every layer. The scan makes
/// the scan's (``ID``: a client certificate requested, throttling, hello-shape intolerance), the certificate audit
/// the chain's (TLSAudit's `Finding.ID` certificate identifiers), the distribution checks a file's (with the origin,
/// JSON path and generation they are about). Code that needs a fact reads it from a field, never from the message.
package struct Finding: Sendable, Hashable {

    /// Ids of findings the code refers to by name.
    package enum ID {
        /// The server sent a CertificateRequest.
        package static let clientCertificateRequested = "origin-requests-client-certificate"
        /// Resets or timeouts from the host rose above the threshold and the scan slowed down.
        package static let originThrottled = "origin-throttled"
        /// The server refused a ClientHello of one shape (size, suite count, extension lists) and answered a
        /// smaller, plainer one: real clients with large hellos fail the same way.
        package static let helloShapeIntolerance = "hello-shape-intolerance"
    }

    package var id: String
    /// For a distribution's finding, `error`: CloudFront would answer 502 (or refuse the configuration);
    /// `warning`: worth a look; `info`: a fact the online checks act on.
    package var severity: Severity
    /// What is wrong, in words, naming what it is about.
    package var message: String
    /// What to change, when there is something to change.
    package var fix: String?
    /// The protocol version the finding is about, when it is about one (an engine disagreement of a TLS 1.2
    /// suite).
    package var version: TLSVersion?
    /// A distribution's finding: the origin it is about ("" for the distribution as a whole), the JSON path in
    /// its file, and the CloudFront generation it concerns when only one.
    package var originId: String?
    package var path: String?
    package var generation: CloudFrontGeneration?

    package init(id: String, severity: Severity, message: String, fix: String? = nil, version: TLSVersion? = nil) {
        self.id = id
        self.severity = severity
        self.message = message
        self.fix = fix
        self.version = version
    }

    /// A distribution's finding, found without the network.
    package init(
        id: String, severity: Severity, originId: String, message: String, fix: String, path: String,
        generation: CloudFrontGeneration? = nil
    ) {
        self.init(id: id, severity: severity, message: message, fix: fix)
        self.originId = originId
        self.path = path
        self.generation = generation
    }
}
