import TLSCatalog
import TLSWire

/// The observed CloudFront verdict: each generation of CloudFront's origin client sends its own ClientHello (its
/// versions for the origin's OriginSslProtocols setting, its suite and group order, key shares, signature schemes,
/// extensions and SNI), and the server's pick is recorded. One connection per generation.
extension ProbeSession {
    func observeCloudFront() async -> [HelloObservation] {
        guard let observer = environment.helloObserver else { return [] }
        // one connection per generation, all at once (within the host's limits), reported in generation order
        return await withTaskGroup(of: (Int, HelloObservation)?.self) { group in
            for (index, generation) in CloudFrontGeneration.allCases.enumerated() {
                guard let profile = Catalog.shared.client(id: generation.profileID),
                      let hello = Self.hello(of: profile, originProtocols: options.originProtocols, serverName: serverName)
                else { continue }
                group.addTask {
                    let (outcome, size) = await gated(engine: .wire, version: hello.version, purpose: "\(generation.title) ClientHello") {
                        await observer.observe(hello, to: endpoint, deadlines: options.deadlines, wantsCertificates: true)
                    }
                    return (index, HelloObservation(client: profile.id, versions: hello.offeredVersions, outcome: outcome, helloBytes: size))
                }
            }
            var observations: [(Int, HelloObservation)] = []
            for await item in group { if let item { observations.append(item) } }
            return observations.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// `profile`'s own ClientHello under an OriginSslProtocols setting, or nil when the profile does not describe
    /// its hello (no extension list) or offers no version under the setting.
    static func hello(of profile: ClientProfile, originProtocols: [TLSVersion], serverName: String?) -> ClientHello? {
        let versions = profile.versions(forOriginProtocols: originProtocols)
        guard !profile.extensions.isEmpty, let highest = versions.max() else { return nil }
        let offersTLS13 = versions.contains(.tls13)
        let suites = profile.suites.filter { code in
            guard let suite = Catalog.shared.suite(code: code) else { return true }
            return suite.isTLS13 ? offersTLS13 : versions.contains(where: { $0 < .tls13 })
        }
        return ClientHello(
            version: highest, suites: suites, serverName: serverName, groups: profile.groups,
            signatureSchemes: profile.signatureSchemes, keyShareGroups: profile.keyShareGroups,
            shape: ClientHello.Shape(versions: versions, extensions: profile.extensions,
                                     renegotiationSCSV: profile.sendsRenegotiationSCSV))
    }
}
