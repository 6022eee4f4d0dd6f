import TLSCatalog
import TLSWire

/// The simulation observed: every client profile that records its own ClientHello (extension order, key shares,
/// suites, groups, signature schemes, versions) sends it, and the server's answer is the row; the prediction
/// from the matrix stays a cross-check. Profiles whose hellos are byte for byte the same share one connection.
extension ProbeSession {
    /// The profiles observed: every one with a recorded hello, CloudFront's generations aside (their hellos
    /// follow the OriginSslProtocols setting and are sent by ``observeCloudFront()``).
    static let observedClients: [ClientProfile] = {
        let generations = Set(CloudFrontGeneration.allCases.map(\.profileID))
        return Catalog.shared.clients.filter { !$0.extensions.isEmpty && !generations.contains($0.id) }
    }()

    func observeClients() async -> [HelloObservation] {
        // one hello per distinct encoding: the first profile sending it owns the connection
        var distinct: [(label: String, profile: ClientProfile, hello: ClientHello)] = []
        var encodings: [[UInt8]] = []
        var sharing: [(profile: ClientProfile, owner: Int)] = []
        for profile in Self.observedClients {
            guard let hello = Self.hello(of: profile, originProtocols: profile.versions, serverName: serverName) else { continue }
            var same = hello  // compared without the per-hello random values
            same.random = Array(repeating: 0, count: hello.random.count)
            same.sessionID = Array(repeating: 0, count: hello.sessionID.count)
            let bytes = same.encodeRecords()
            if let owner = encodings.firstIndex(of: bytes) {
                sharing.append((profile, owner))
            } else {
                distinct.append((profile.id, profile, hello))
                encodings.append(bytes)
            }
        }
        let answers = await send(distinct)
        guard answers.count == distinct.count else { return answers }  // no hello observer
        return answers
            + sharing.map { profile, owner in
                var copy = answers[owner]
                copy.client = profile.id
                copy.sameHelloAs = answers[owner].client
                return copy
            }
    }
}
