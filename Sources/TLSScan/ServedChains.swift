import TLSCatalog

/// The certificate chain an origin serves when a client sends one particular server name.
package struct ServedChain: Sendable {
    /// The SNI that was sent.
    package var serverName: String
    /// The chain the origin sent (nil when the handshake gave none).
    package var chain: CertificateChain?
    /// How the handshake ended when it gave no chain.
    package var outcome: ProbeOutcome?

    package init(serverName: String, chain: CertificateChain?, outcome: ProbeOutcome?) {
        self.serverName = serverName
        self.chain = chain
        self.outcome = outcome
    }
}

extension Scanner {
    /// The chain `scan`'s origin serves to each of `serverNames` as SNI: one handshake per name, at the scan's
    /// address, with a protocol version and suite the scan found accepted (TLS 1.2 or older through the wire engine,
    /// whose chain is in clear; TLS 1.3 through a library that completes the handshake). This is what CloudFront
    /// receives when a behaviour forwards the viewer's Host header, CloudFront then sending that Host as SNI.
    /// The handshakes share the scan's per-host and run-wide limits; each name's result is in `serverNames` order.
    package func chains(servedTo serverNames: [String], by scan: ScanResult) async -> (chains: [ServedChain], connections: Int) {
        guard let address = scan.address, !serverNames.isEmpty else { return ([], 0) }
        let endpoint = Endpoint(host: scan.target.host, address: address, port: scan.target.port)
        // the newest version whose chain the wire engine reads in clear, else TLS 1.3 through a library
        let choice: (engine: any HandshakeEngine, version: TLSVersion, suites: [UInt16])?
        if let (version, suites) = ProbeSession.offerInClear(scan.protocols) {
            choice = (engine, version, suites)
        } else if let tls13 = scan.protocols.first(where: { $0.version == .tls13 && $0.supported == true }),
            let (library, suite) = environment.libraries.lazy.compactMap({ library in
                tls13.suites.map(\.code).first { self.environment.canOffer(library.kind, version: .tls13, suite: $0) }
                    .map { (library, $0) }
            }).first
        {
            choice = (library, .tls13, [suite])
        } else {
            choice = nil
        }
        guard let choice else {
            let outcome = ProbeOutcome.failed(
                ProbeFailure(.local, "the scan found no accepted protocol version and suite to fetch the certificate with"))
            return (serverNames.map { ServedChain(serverName: $0, chain: nil, outcome: outcome) }, 0)
        }
        var served: [ServedChain] = []
        var connections = 0
        for name in serverNames {
            let session = await ProbeSession(
                engine: choice.engine, environment: environment, endpoint: endpoint,
                options: options, serverName: name)
            let (chain, outcome) = await session.chain(
                choice.version, suites: choice.suites, serverName: name,
                purpose: "certificate for SNI \(name)")
            connections += await session.ledger.connections
            served.append(ServedChain(serverName: name, chain: chain, outcome: chain == nil ? outcome : nil))
        }
        return (served, connections)
    }
}
