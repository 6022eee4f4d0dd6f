import TLSCatalog
import TLSModel

/// Trust per client: a client that negotiates a handshake still fails on the certificate it gets.
extension ClientSimulation {
    /// Profiles whose client reports a failed verification and goes on: `openssl s_client` (without
    /// `-verify_return_error`). It still fails when the key exchange is signed with another key than the first
    /// certificate's (a chain whose leaf is not first).
    static let nonVerifying: Set<String> = ["openssl-3-default", "openssl-1.1.1"]

    /// Clients that verify the chain as soon as the Certificate message arrives, with OpenSSL (curl, Python): a
    /// chain whose first certificate is a CA certificate fails there (X509_V_ERR_INVALID_PURPOSE, "unsuitable
    /// certificate purpose"), before the key exchange signature is checked. Seen with the real clients
    /// (RealClientQuirkTests, origin cert-intermediate-first); Node 24 checks trust after the handshake and fails
    /// on the signature instead, as the non-verifying clients do.
    static let verifiesDuringHandshake: Set<String> = ["curl-openssl3", "python3-debian", "python3-ssl"]

    /// Clients that fill in a missing intermediate themselves, and how: their row keeps the connection with a
    /// note rather than a guess either way.
    static func fetchesIntermediates(_ client: ClientProfile) -> String? {
        let id = client.id
        if id.hasPrefix("chrome-") || id.hasPrefix("ie11-") || id.hasPrefix("safari-") {
            return "fetches a missing intermediate itself from the certificate's AIA URL (where the platform verifier does)"
        }
        if id.hasPrefix("firefox-") {
            return "fills in intermediates of publicly trusted CAs from its preloaded list, and no others"
        }
        return nil
    }

    /// Fails the row when the client would refuse the certificate it gets: the chains served for the SNI it
    /// sends, the one its suite's key type selects (TLS 1.3: the TLS 1.3 chain). Trust is judged with the
    /// analysis's trust store (`--ca-file` applies to every client); a chain whose trust was not checked fails
    /// nobody.
    mutating func judgeCertificate(chains: [ChainAnalysis], sni: String?) {
        guard case .success(let choice) = result else { return }
        let served = chains.filter { $0.chain.sni == sni }
        let auth = choice.version == .tls13 ? "TLS 1.3" : Catalog.shared.suite(code: choice.suite)?.authentication.rawValue
        let matching = served.filter { $0.chain.authentication == auth }
        guard let chain = (matching.isEmpty ? served : matching).first else { return }
        let report = chain.report
        let reached = "negotiates \(CloudFrontVerdict.choiceText(true, choice.version, choice.suite, choice.group))"
        if let index = report.leafIndex, index != 0 {
            if Self.verifiesDuringHandshake.contains(client.id) {
                fail(
                    "the first certificate is not the leaf (the leaf is at position \(index + 1)): the client verifies the chain"
                        + " on arrival and refuses the first certificate as the server's (unsuitable certificate purpose); it \(reached)")
                return
            }
            fail(
                "the first certificate is not the leaf (the leaf is at position \(index + 1)): the key exchange is signed with"
                    + " the leaf's key but checked with the first certificate's, so the signature fails; it \(reached)")
            return
        }
        guard !Self.nonVerifying.contains(client.id) else { return }
        let has = { (id: String) in report.findings.first { $0.id == id } }
        let refusals: [(String, String)] = [
            (Finding.ID.expired, "the certificate has expired"),
            (Finding.ID.notYetValid, "the certificate is not yet valid"),
            (Finding.ID.selfSigned, "the certificate is self-signed"),
            (Finding.ID.untrusted, "the certificate's issuer is not trusted (unknown CA)"),
            (Finding.ID.nameMismatch, "the certificate's names do not match"),
        ]
        let subject = report.leaf.map { " (\($0.commonName ?? $0.subject))" } ?? ""
        // a self-signed certificate the trust store holds (`--ca-file`) is an anchor of its own: clients accept it
        for (id, text) in refusals where has(id) != nil && !(id == Finding.ID.selfSigned && report.trusted == true) {
            fail("\(text)\(subject); it \(reached)")
            return
        }
        if has(Finding.ID.missingIntermediate) != nil {
            if let how = Self.fetchesIntermediates(client) {
                certificateNote = "the intermediate certificate is missing; this client \(how)"
            } else {
                fail("an intermediate certificate is missing\(subject); it \(reached)")
            }
        }
    }

    private mutating func fail(_ why: String) {
        result = .failure(HandshakeSimulation.Failure(reason: .certificate(why), definitive: true))
    }
}
