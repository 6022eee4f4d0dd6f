import Foundation
import Testing
import TLSWire

/// Broken and hostile server bytes end in a clear error, never a trap or an unbounded wait.
@Suite struct HostileBytesTests {
    func feed(_ bytes: [UInt8]) -> Result<ServerFlightParser.Status, WireError> {
        var parser = ServerFlightParser(depth: .keyExchange, maxFlightBytes: 64 * 1024)
        do { return .success(try parser.feed(bytes)) } catch { return .failure(error) }
    }

    @Test func plainHTTPIsNotTLS() {
        guard case .failure(.notTLS(let why)) = feed(Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8)) else {
            Issue.record("expected notTLS")
            return
        }
        #expect(why.contains("plain HTTP"))
    }

    @Test func oversizedRecordIsRefusedFromItsHeader() {
        #expect(feed([0x16, 0x03, 0x03, 0xFF, 0xFF]) == .failure(.oversizedRecord(65535)))
    }

    @Test func zeroLengthHandshakeRecordIsMalformed() {
        guard case .failure(.malformed) = feed([0x16, 0x03, 0x03, 0x00, 0x00]) else {
            Issue.record("expected malformed")
            return
        }
    }

    @Test func truncatedServerHelloBodyIsMalformed() {
        // Handshake header claims 4 bytes; the body is too short for a ServerHello.
        let bytes: [UInt8] = [0x16, 0x03, 0x03, 0x00, 0x08, 0x02, 0x00, 0x00, 0x04, 0x03, 0x03, 0x00, 0x00]
        guard case .failure(.truncated) = feed(bytes) else {
            Issue.record("expected truncated")
            return
        }
    }

    @Test func endlessHandshakeDataHitsTheFlightLimit() {
        var parser = ServerFlightParser(depth: .keyExchange, maxFlightBytes: 64 * 1024)
        var caught: WireError?
        // A Certificate message that claims 10 MB.
        let header: [UInt8] = [0x16, 0x03, 0x03, 0x40, 0x00, 0x0B, 0x9F, 0xFF, 0xFF]
        do {
            _ = try parser.feed(header + [UInt8](repeating: 0, count: 0x4000 - 4))
        } catch {
            caught = error
        }
        #expect(caught != nil)
    }

    @Test func unknownAlertDescriptionIsNamed() throws {
        var parser = ServerFlightParser(depth: .serverHello)
        #expect(try parser.feed([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0xEE]) == .complete)
        #expect(parser.flight.alert?.name == "unknown(238)")
    }

    /// Random records, reproducible: the seed is `TLSMATRIX_SEED` (decimal or 0x-hex) or a fixed default,
    /// and is printed before the run, because a trap ends the process before any failure can be reported.
    @Test func randomBytesNeverTrap() throws {
        let seed = try #require(
            Self.seed(from: ProcessInfo.processInfo.environment["TLSMATRIX_SEED"]),
            "TLSMATRIX_SEED must be a decimal or 0x-hex UInt64")
        print("HostileBytesTests.randomBytesNeverTrap: seed \(seed) (rerun with TLSMATRIX_SEED=\(seed))")
        var generator = SplitMix64(seed: seed)
        var outcomes: Set<String> = []
        for _ in 0..<2000 {
            let count = Int.random(in: 0...300, using: &generator)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if !bytes.isEmpty, Bool.random(using: &generator) { bytes[0] = 0x16 }
            if bytes.count > 2, Bool.random(using: &generator) { bytes[1] = 0x03 }
            switch feed(bytes) {
            case .success(let status): outcomes.insert("\(status)")
            case .failure(let error): outcomes.insert(String("\(error)".prefix(while: { $0 != "(" })))
            }
        }
        // 2000 random inputs reach more than one kind of ending; a single one would mean the inputs never got
        // past the first check, and the test would prove nothing.
        #expect(outcomes.count > 1, "seed \(seed): every input ended as \(outcomes)")
    }

    static let defaultSeed: UInt64 = 0x746C_736D_6174_7278

    static func seed(from text: String?) -> UInt64? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return defaultSeed }
        if text.lowercased().hasPrefix("0x") { return UInt64(text.dropFirst(2), radix: 16) }
        return UInt64(text)
    }

    @Test func seedIsParsedOrRefused() {
        #expect(Self.seed(from: nil) == Self.defaultSeed)
        #expect(Self.seed(from: "") == Self.defaultSeed)
        #expect(Self.seed(from: "42") == 42)
        #expect(Self.seed(from: "0xff") == 255)
        #expect(Self.seed(from: "banana") == nil)
    }

    @Test func sameSeedSameBytes() {
        var a = SplitMix64(seed: 7)
        var b = SplitMix64(seed: 7)
        #expect((0..<8).map { _ in a.next() } == (0..<8).map { _ in b.next() })
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a small seedable generator, so a random test can be replayed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
