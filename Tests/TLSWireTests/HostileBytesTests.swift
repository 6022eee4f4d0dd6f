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

    @Test func randomBytesNeverTrap() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let count = Int.random(in: 0...300, using: &generator)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if !bytes.isEmpty, Bool.random(using: &generator) { bytes[0] = 0x16 }
            if bytes.count > 2, Bool.random(using: &generator) { bytes[1] = 0x03 }
            _ = feed(bytes)
        }
    }
}
