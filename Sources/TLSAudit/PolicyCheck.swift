import TLSCatalog
import TLSModel

/// `tlsmatrix policies check`: how a client fares against a server modelled from a policy (offline), judged by
/// ``check(client:policy:originProtocols:)``; TLSReport's `PolicyReport.check(_:json:)` renders it.
package struct PolicyCheck: Sendable {
    package enum Outcome: Sendable {
        /// CloudFront's origin client, judged by ``CloudFrontVerdict`` under its OriginSslProtocols.
        case cloudFront(CloudFrontVerdict)
        /// Any other client, by ``HandshakeSimulation``.
        case simulated(Result<HandshakeSimulation.Choice, HandshakeSimulation.Failure>)
    }

    package var client: ClientProfile
    package var policy: Policy
    /// The modelled server's findings (what the model could not represent).
    package var findings: [Finding]
    package var outcome: Outcome

    package init(client: ClientProfile, policy: Policy, findings: [Finding], outcome: Outcome) {
        self.client = client
        self.policy = policy
        self.findings = findings
        self.outcome = outcome
    }

    /// The judgement: the server a policy describes (``PolicyServer``), met by CloudFront's origin client under
    /// `originProtocols` (``CloudFrontVerdict``) or by any other client (``HandshakeSimulation``).
    package static func check(client: ClientProfile, policy: Policy, originProtocols: [TLSVersion]) -> PolicyCheck {
        let scan = ScanResult(policy: policy)
        let outcome: Outcome =
            if client.id == ClientProfile.ID.cloudFrontOrigin {
                .cloudFront(CloudFrontVerdict.evaluate(scan, originProtocols: originProtocols, profile: client))
            } else {
                .simulated(HandshakeSimulation.negotiate(client: client, server: scan))
            }
        return PolicyCheck(client: client, policy: policy, findings: scan.findings, outcome: outcome)
    }

    /// Whether the client could connect (exit 1 otherwise).
    package var connected: Bool {
        switch outcome {
        case .cloudFront(let verdict): verdict.compatible == true
        case .simulated(let result): (try? result.get()) != nil
        }
    }

    /// The suite the client and server agreed on, if they did.
    package var chosenSuite: UInt16? {
        switch outcome {
        case .cloudFront(let verdict): verdict.suite
        case .simulated(let result): try? result.get().suite
        }
    }

    /// The findings' messages, then a note when the chosen suite needs an ECDSA certificate.
    package var notes: [String] {
        var notes = findings.map(\.message)
        if let chosen = chosenSuite, Catalog.shared.suite(code: chosen)?.authentication == .ecdsa {
            notes.append("The certificate key type is not modelled: with only an RSA certificate the server would skip ECDSA suites.")
        }
        return notes
    }
}
