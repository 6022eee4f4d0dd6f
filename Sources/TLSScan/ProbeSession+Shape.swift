import TLSCatalog
import TLSModel

/// Hello shapes real servers refuse, and the server's order across suite lists that were offered apart.
extension ProbeSession {
    /// The suites of a plain ClientHello: what common clients offer, as far as the version has them.
    static let plainSuites: [UInt16] = [
        0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8, 0x009E, 0x009F,
        0xC009, 0xC013, 0xC00A, 0xC014, 0x009C, 0x009D, 0x002F, 0x0035,
        0x000A, 0x1301, 0x1302, 0x1303,
    ]
    static let plainGroups: [UInt16] = [0x001D, 0x0017, 0x0018]
    static let plainSignatureSchemes: [UInt16] = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601, 0x0201]
    /// The most suites a plain hello offers.
    static let plainListSize = 16

    /// A small, plain ClientHello for `version` offering `suites`: few groups and signature schemes.
    func plainRequest(_ version: TLSVersion, suites: [UInt16]) -> ProbeRequest {
        var offer = request(version, suites: suites, groups: Self.plainGroups)
        offer.signatureSchemes = Self.plainSignatureSchemes
        return offer
    }

    /// Before `version` is called unsupported on endings that may be about the hello's shape (decode_error,
    /// illegal_parameter, a bare close, …), a plain hello with the common suites confirms it. When that one is
    /// accepted, the server refuses the shape, not the version: the suites are found with plain hellos and the
    /// shape is a finding. Returns nil when the refusal stands.
    func confirmRefusal(
        _ version: TLSVersion, candidates: [UInt16], ends: [ProbeOutcome],
        chains: inout [CertificateChain]
    ) async -> ProtocolResult? {
        guard let suspicious = ends.first(where: Self.mayBeShapeRefusal) else { return nil }
        var common = Self.plainSuites.filter(candidates.contains)
        for code in candidates where common.count < Self.plainListSize && !common.contains(code) { common.append(code) }
        let probeOutcome = await probe(
            plainRequest(version, suites: Array(common.prefix(Self.plainListSize))),
            purpose: "plain ClientHello (confirms a refusal)")
        guard case .accepted = probeOutcome else { return nil }
        let full = request(version, suites: candidates)
        await ledger.note(
            Finding(
                id: Finding.ID.helloShapeIntolerance, severity: .warning,
                message:
                    "\(version): the origin refused ClientHellos offering up to \(Self.maxSuitesPerHello) suites, \(full.groups.count) groups"
                    + " and \(full.signatureSchemes.count) signature schemes (\(Self.rejection(suspicious) ?? "refused")), but accepted a plain one"
                    + " with \(Self.plainListSize) suites, \(Self.plainGroups.count) groups and \(Self.plainSignatureSchemes.count) signature schemes."
                    + " Clients that send larger hellos (browsers with many extensions, post-quantum key shares) fail against it the same way;"
                    + " its suites were enumerated with plain hellos."))
        var result = ProtocolResult(version: version, supported: true)
        result.note = "enumerated with plain ClientHellos of at most \(Self.plainListSize) suites: the origin refused larger ones"
        let ordered = common.prefix(Self.plainListSize) + candidates.filter { !common.prefix(Self.plainListSize).contains($0) }
        let lists = Self.parts(of: Array(ordered), limit: Self.plainListSize)
        for (index, list) in lists.enumerated() {
            var piece = ProtocolResult(version: version, supported: nil)
            let opening =
                index == 0 ? probeOutcome : await probe(plainRequest(version, suites: list), purpose: "suites (plain list \(index + 1))")
            _ = await eliminate(version, pool: list, opening: opening, into: &piece, chains: &chains, shape: plainRequest)
            result.suites += piece.suites
            if !piece.complete {
                result.complete = false
                result.note = piece.note
            }
        }
        return result
    }

    /// Whether the server, following its own order, prefers `x` to `y`: one probe offering both, `y` first.
    /// nil when the answer is neither (or not definitive).
    func prefers(_ version: TLSVersion, _ x: UInt16, over y: UInt16) async -> Bool? {
        let outcome = await probe(request(version, suites: [y, x]), purpose: "preference across lists")
        guard case .accepted(let negotiated) = outcome else { return nil }
        if negotiated.suite == x { return true }
        if negotiated.suite == y { return false }
        return nil
    }

    /// Merges lists each in the server's order into one: when the last of one list is preferred to the first of
    /// the next, they follow each other (one probe); otherwise each suite of the next list is placed by binary
    /// search. `settled` is false when a comparison got no definitive answer (the lists are then kept in turn).
    func mergeServerOrder(_ version: TLSVersion, lists: [[SuiteResult]]) async -> (merged: [SuiteResult], settled: Bool) {
        guard var merged = lists.first else { return ([], true) }
        var settled = true
        for next in lists.dropFirst() {
            guard let last = merged.last, let head = next.first else { merged += next; continue }
            switch await prefers(version, last.code, over: head.code) {
            case true?:
                merged += next
                continue
            case nil:
                settled = false
                merged += next
                continue
            case false?:
                break
            }
            var low = 0
            var out = merged
            var broken = false
            for suite in next {
                var lower = low
                var upper = out.count
                while lower < upper, !broken {
                    let middle = (lower + upper) / 2
                    switch await prefers(version, suite.code, over: out[middle].code) {
                    case true?: upper = middle
                    case false?: lower = middle + 1
                    case nil: broken = true
                    }
                }
                if broken { break }
                out.insert(suite, at: lower)
                low = lower + 1
            }
            if broken {
                settled = false
                merged += next
            } else {
                merged = out
            }
        }
        return (merged, settled)
    }
}
