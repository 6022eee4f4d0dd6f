import TLSCatalog
import TLSWire

/// The simulation observed: every client profile that records its own ClientHello (extension order, key shares,
/// suites, groups, signature schemes, versions) sends it, and the server's answer is the row; the prediction
/// from the matrix stays a cross-check. Profiles whose hellos are byte for byte the same share one connection.
extension ProbeSession {
    /// The profiles observed: every one with a recorded hello, CloudFront's generations aside (their hellos
    /// follow the OriginSslProtocols setting and are sent by ``observeCloudFront()``).
    static var observedClients: [ClientProfile] {
        let generations = Set(CloudFrontGeneration.allCases.map(\.profileID))
        return Catalog.shared.clients.filter { !$0.extensions.isEmpty && !generations.contains($0.id) }
    }

    func observeClients() async -> [HelloObservation] {
        guard let observer = environment.helloObserver else { return [] }
        // one hello per distinct encoding: the first profile sending it owns the connection
        var distinct: [(profile: ClientProfile, hello: ClientHello, bytes: [UInt8])] = []
        var sharing: [(profile: ClientProfile, owner: Int)] = []
        for profile in Self.observedClients {
            guard let hello = Self.hello(of: profile, originProtocols: profile.versions, serverName: serverName) else { continue }
            var same = hello  // compared without the per-hello random values
            same.random = Array(repeating: 0, count: hello.random.count)
            same.sessionID = Array(repeating: 0, count: hello.sessionID.count)
            let bytes = same.encodeRecords()
            if let owner = distinct.firstIndex(where: { $0.bytes == bytes }) {
                sharing.append((profile, owner))
            } else {
                distinct.append((profile, hello, bytes))
            }
        }
        let answers = await withTaskGroup(of: (Int, HelloObservation).self) { group in
            for (index, item) in distinct.enumerated() {
                group.addTask {
                    let (outcome, size) = await gated(engine: .wire, version: item.hello.version, purpose: "\(item.profile.id) ClientHello") {
                        await observer.observe(item.hello, to: endpoint, deadlines: options.deadlines, wantsCertificates: true)
                    }
                    return (index, HelloObservation(client: item.profile.id, versions: item.hello.offeredVersions,
                                                    outcome: outcome, helloBytes: size))
                }
            }
            var all: [(Int, HelloObservation)] = []
            for await item in group { all.append(item) }
            return all.sorted { $0.0 < $1.0 }.map(\.1)
        }
        var observations = answers
        for (profile, owner) in sharing where owner < answers.count {
            var copy = answers[owner]
            copy.client = profile.id
            copy.sameHelloAs = answers[owner].client
            observations.append(copy)
        }
        return observations
    }
}
