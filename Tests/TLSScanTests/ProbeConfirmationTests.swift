import TLSCatalog
import Testing
@testable import TLSScan
import TLSWire

/// The rules that keep faults from being read as answers, offline: each step from a sequence of attempts.
@Suite struct ProbeConfirmationTests {
    static let accepted = ProbeOutcome.accepted(Negotiated(version: .tls12, suite: 0xC02F))
    static let alert = ProbeOutcome.rejected(.alert(Alert(level: 2, code: 40)))
    static let reset = ProbeOutcome.rejected(.reset)
    static let closed = ProbeOutcome.rejected(.closed)
    static let stalled = ProbeOutcome.timedOut(.handshake)

    func isRetry(_ step: ProbeConfirmation.Step) -> Bool {
        if case .retry = step { return true }
        return false
    }

    @Test func answersAreFinalAtOnce() {
        #expect(ProbeConfirmation.next(after: [Self.accepted]) == .final(Self.accepted))
        #expect(ProbeConfirmation.next(after: [Self.alert]) == .final(Self.alert))
        #expect(ProbeConfirmation.next(after: [.rejected(.otherVersion(0x0301))]) == .final(.rejected(.otherVersion(0x0301))))
        #expect(ProbeConfirmation.next(after: [.timedOut(.connect)]) == .final(.timedOut(.connect)))
    }

    @Test func aResetIsNeverARefusal() {
        // retried with a pause that doubles, then not definitive
        #expect(ProbeConfirmation.next(after: [Self.reset], base: .milliseconds(10)) == .retry(after: .milliseconds(10)))
        #expect(ProbeConfirmation.next(after: [Self.reset, Self.reset], base: .milliseconds(10)) == .retry(after: .milliseconds(20)))
        #expect(
            ProbeConfirmation.next(after: [Self.reset, Self.reset, Self.reset], base: .milliseconds(10)) == .retry(after: .milliseconds(40))
        )
        guard case .final(.failed(let failure)) = ProbeConfirmation.next(after: Array(repeating: Self.reset, count: 4)) else {
            Issue.record("four resets should end not definitive")
            return
        }
        #expect(failure.stage == .unconfirmed)
        #expect(failure.message.contains("reset 4 times"))
        // a reset followed by the real answer takes the answer
        #expect(ProbeConfirmation.next(after: [Self.reset, Self.accepted]) == .final(Self.accepted))
        #expect(ProbeConfirmation.next(after: [Self.reset, Self.alert]) == .final(Self.alert))
    }

    @Test func aBareCloseNeedsASecond() {
        #expect(isRetry(ProbeConfirmation.next(after: [Self.closed])))
        #expect(ProbeConfirmation.next(after: [Self.closed, Self.closed]) == .final(Self.closed))
        #expect(ProbeConfirmation.next(after: [Self.closed, Self.accepted]) == .final(Self.accepted))
        // a reset between does not confirm
        #expect(isRetry(ProbeConfirmation.next(after: [Self.closed, Self.reset])))
        #expect(isRetry(ProbeConfirmation.next(after: [Self.reset, Self.closed])))
        #expect(ProbeConfirmation.next(after: [Self.reset, Self.closed, Self.closed]) == .final(Self.closed))
        guard case .final(.failed(let failure)) = ProbeConfirmation.next(after: [Self.closed, Self.reset, Self.reset, Self.closed]) else {
            Issue.record("an unconfirmed close should end not definitive")
            return
        }
        #expect(failure.stage == .unconfirmed)
    }

    @Test func aStallIsNotDefinitiveAndNotRetried() {
        #expect(ProbeConfirmation.next(after: [Self.stalled]) == .final(Self.stalled))
        #expect(!Self.stalled.isDefinitive)
    }

    @Test func faultsAreResetsAndStalls() {
        #expect(ProbeConfirmation.isFault(Self.reset))
        #expect(ProbeConfirmation.isFault(Self.stalled))
        #expect(!ProbeConfirmation.isFault(Self.closed))
        #expect(!ProbeConfirmation.isFault(Self.alert))
        #expect(!ProbeConfirmation.isFault(Self.accepted))
    }

    @Test(arguments: [(0, 1), (5, 1), (127, 1), (128, 2), (254, 2), (255, 3), (320, 3)])
    func offersAreCutIntoEvenLists(_ count: Int, _ lists: Int) {
        let candidates = (0..<count).map { UInt16($0) }
        let parts = ProbeSession.parts(of: candidates)
        #expect(parts.count == lists)
        #expect(parts.allSatisfy { $0.count <= ProbeSession.maxSuitesPerHello })
        #expect(parts.flatMap { $0 } == candidates, "every candidate once, in order")
        if count > 0 { #expect((parts.map(\.count).max() ?? 0) - (parts.map(\.count).min() ?? 0) <= 1) }
    }

    @Test(arguments: [TLSVersion.sslv3, .tls10, .tls11, .tls12, .tls13])
    func everyListStartsWithTheCommonSuites(_ version: TLSVersion) {
        let candidates = SuiteOrder.candidates(for: version)
        let lists = ProbeSession.offerLists(candidates)
        #expect(lists.count == ProbeRequest.lists(for: candidates.count), "\(version): \(lists.map(\.count))")
        #expect(lists.allSatisfy { $0.count <= ProbeRequest.maxSuitesPerHello })
        #expect(lists.flatMap { $0 }.sorted() == candidates.sorted(), "every candidate exactly once")
        let anchors = candidates.filter(ProbeSession.anchorSuites.contains)
        #expect(Set(anchors).isSubset(of: Set(lists[0])), "\(version): the common suites go in the first list")
    }

    @Test func criticalPathIsTheLongestChainOfNonOverlappingConnections() {
        #expect(CriticalPath.rounds([(start: Double, end: Double)]()) == 0)
        // three at once: one round; three in a row: three; a chain beside a long one
        #expect(CriticalPath.rounds([(0.0, 1.0), (0.0, 1.0), (0.1, 0.9)]) == 1)
        #expect(CriticalPath.rounds([(0.0, 1.0), (1.0, 2.0), (2.0, 3.0)]) == 3)
        #expect(CriticalPath.rounds([(0.0, 5.0), (0.0, 1.0), (1.5, 2.0), (2.5, 3.0), (5.0, 6.0)]) == 4)
    }

    @Test func theGateBacksOffOnFaultsAndRecovers() async {
        let gate = ProbeGate(limit: 8, delay: .zero)
        await gate.report(fault: true)
        await gate.report(fault: true)
        #expect(await gate.current.limit == 8, "two faults are below the threshold")
        await gate.report(fault: true)
        #expect(await gate.current.limit == 4)
        #expect(await gate.current.delay == ProbeGate.minimumBackoffDelay)
        for _ in 0..<3 { await gate.report(fault: true) }
        #expect(await gate.current.limit == 2)
        #expect(await gate.backoffs == 2)
        #expect(await gate.lowestLimit == 2)
        // clean answers give the slots back one at a time, never above the configured bound and delay
        for _ in 0..<400 { await gate.report(fault: false) }
        #expect(await gate.current.limit == 8)
        #expect(await gate.current.delay == .zero)
        #expect(await gate.lowestLimit == 2, "the lowest bound is remembered for the report")
    }
}
