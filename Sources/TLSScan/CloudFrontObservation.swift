import TLSCatalog
import TLSWire

/// The observed CloudFront verdict: each generation of CloudFront's origin client sends its own ClientHello (its
/// versions for the origin's OriginSslProtocols setting, its suite and group order, key shares, signature schemes,
/// extensions and SNI), and the server's pick is recorded. One connection per generation.
extension ProbeSession {
    func observeCloudFront() async -> [HelloObservation] {
        // one connection per generation, all at once (within the host's limits), reported in generation order
        let hellos = CloudFrontGeneration.allCases.compactMap { generation -> (String, ClientProfile, ClientHello)? in
            guard let profile = Catalog.shared.client(id: generation.profileID),
                let hello = Self.hello(of: profile, originProtocols: options.originProtocols, serverName: serverName)
            else { return nil }
            return (generation.title, profile, hello)
        }
        return await send(hellos)
    }

    /// Sends each (label, profile, hello) at once within the host's limits, one connection each; the answers in
    /// the order given.
    func send(_ hellos: [(label: String, profile: ClientProfile, hello: ClientHello)]) async -> [HelloObservation] {
        guard let observer = environment.helloObserver else { return [] }
        return await withTaskGroup(of: (Int, HelloObservation).self) { group in
            for (index, item) in hellos.enumerated() {
                group.addTask {
                    let (outcome, size) = await gated(engine: .wire, version: item.hello.version, purpose: "\(item.label) ClientHello") {
                        await observer.observe(item.hello, to: endpoint, deadlines: options.deadlines, wantsCertificates: true)
                    }
                    return (
                        index,
                        HelloObservation(
                            client: item.profile.id, versions: item.hello.offeredVersions,
                            outcome: outcome, helloBytes: size)
                    )
                }
            }
            var observations: [(Int, HelloObservation)] = []
            for await item in group { observations.append(item) }
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
            shape: ClientHello.Shape(
                versions: versions, extensions: profile.extensions,
                renegotiationSCSV: profile.sendsRenegotiationSCSV,
                grease: Set(profile.greasePositions.compactMap(ClientHello.GreaseSpot.init(rawValue:)))))
    }
}
