/// How the sent certificates link up: which one is the leaf, the issuer path through the sent certificates,
/// duplicates, and certificates that are not on the path.
struct ChainStructure: Sendable {
    /// The decoded certificates, as sent.
    let sent: [SentCertificate]
    /// Index (into `sent`) of the end-entity certificate.
    let leafIndex: Int
    /// Indexes into `sent`, leaf first, each followed by its issuer among the sent certificates.
    let path: [Int]
    /// Later copies of an already-sent certificate: (copy, first occurrence), indexes into `sent`.
    let duplicates: [(copy: Int, original: Int)]
    /// Sent (non-duplicate) certificates that are not on `path`.
    let extras: [Int]
    /// The signature check of each link of `path`: `links[i]` is `path[i]` checked with `path[i + 1]`'s key.
    /// A link is on the path when the names chain and the signature is valid *or cannot be checked*; the trust
    /// decision treats an uncheckable link as unknown, never as verified.
    let links: [ParsedCertificate.SignatureCheck]

    init(sent: [SentCertificate]) {
        self.sent = sent
        // Each (child, issuer) signature is checked at most once: leaf finding and path building ask repeatedly.
        var checks: [Int: ParsedCertificate.SignatureCheck] = [:]
        func check(_ child: Int, by issuer: Int) -> ParsedCertificate.SignatureCheck {
            guard sent[child].parsed.issuer == sent[issuer].parsed.subject else { return .invalid }
            let key = child * sent.count + issuer
            if let known = checks[key] { return known }
            let result = sent[child].parsed.signatureCheck(by: sent[issuer].parsed)
            checks[key] = result
            return result
        }
        func isIssued(_ child: Int, by issuer: Int) -> Bool { check(child, by: issuer) != .invalid }
        var unique: [Int] = []
        var duplicates: [(Int, Int)] = []
        for index in sent.indices {
            if let original = unique.first(where: { sent[$0].parsed.der == sent[index].parsed.der }) {
                duplicates.append((index, original))
            } else {
                unique.append(index)
            }
        }
        self.duplicates = duplicates

        // The leaf issues none of the other certificates. Prefer the first one sent; if the first sent certificate
        // issues another one (chain sent in the wrong order), take the first non-CA that issues nothing.
        func issuesAnother(_ candidate: Int) -> Bool {
            unique.contains { other in
                other != candidate && !sent[other].parsed.isSelfSigned && isIssued(other, by: candidate)
            }
        }
        let candidates = unique.filter { !issuesAnother($0) }
        let leaf: Int
        if let first = unique.first, candidates.contains(first) {
            leaf = first
        } else {
            leaf = candidates.first { !sent[$0].parsed.isCA } ?? candidates.first ?? unique[0]
        }
        self.leafIndex = leaf

        // Follow issuers through the sent certificates, preferring the one sent right after.
        var path = [leaf]
        while let tip = path.last, !sent[tip].parsed.isSelfSigned {
            let candidates = unique.filter { !path.contains($0) && isIssued(tip, by: $0) }
            // A verified issuer wins over one whose signature cannot be checked (a look-alike sent beside it).
            let verified = candidates.filter { check(tip, by: $0) == .valid }
            let issuers = verified.isEmpty ? candidates : verified
            guard let next = issuers.first(where: { $0 > tip }) ?? issuers.first else { break }
            path.append(next)
        }
        self.path = path
        self.links = zip(path, path.dropFirst()).map { check($0, by: $1) }
        self.extras = unique.filter { !path.contains($0) }
    }

    var leaf: SentCertificate { sent[leafIndex] }

    /// The last certificate of the path: a self-signed root, or the certificate whose issuer was not sent.
    var top: SentCertificate { sent[path[path.count - 1]] }

    /// The certificates on the path.
    var pathCertificates: [SentCertificate] { path.map { sent[$0] } }

    /// The leaf is sent first and every certificate on the path comes after the one it issued.
    var isOrdered: Bool {
        let positions = path.map { sent[$0].position }
        return positions.first == sent.map(\.position).min() && zip(positions, positions.dropFirst()).allSatisfy { $0 < $1 }
    }
}
