import Testing
import TLSWire

/// The flight parser against real server bytes captured from openssl s_server and gnutls-serv.
@Suite struct ServerFlightFixtureTests {
    @Test(arguments: Fixtures.serverScenarios)
    func parsesCapturedFlight(_ name: String) throws {
        let expected = try #require(try Fixtures.expected()[name])
        let bytes = try Fixtures.bytes("\(name).server.bin")
        var parser = ServerFlightParser(depth: .keyExchange)
        let status = try parser.feed(bytes)
        let flight = parser.flight
        if let alert = expected["alert"] as? [String: Any] {
            #expect(status == .complete)
            #expect(flight.serverHello == nil)
            #expect(flight.alert?.level == UInt8(alert["level"] as? Int ?? -1))
            #expect(flight.alert?.code == UInt8(alert["description"] as? Int ?? -1))
            return
        }
        let hello = try #require(flight.serverHello)
        #expect(status == .complete)
        #expect(hello.version == Fixtures.hex(expected["version"] as? String))
        #expect(hello.cipherSuite == Fixtures.hex(expected["suite"] as? String))
        #expect(hello.isHelloRetryRequest == (expected["hrr"] as? Bool ?? false))
        #expect(hello.sessionID.count == expected["session_id_length"] as? Int)
        if let curve = expected["ske_curve"] as? Int {
            #expect(flight.keyExchange == .namedCurve(UInt16(curve)))
        } else if hello.version == 0x0304 {
            #expect(hello.keyShareGroup == UInt16(expected["group"] as? Int ?? -1))
        } else {
            #expect(flight.keyExchange == nil)
        }
        if let lengths = expected["certificates"] as? [Int] {
            #expect(flight.certificates.map(\.count) == lengths)
            #expect(flight.sawServerHelloDone)
        } else {
            #expect(flight.certificates.isEmpty)
        }
    }

    @Test(arguments: Fixtures.serverScenarios)
    func parsesByteByByte(_ name: String) throws {
        let bytes = try Fixtures.bytes("\(name).server.bin")
        var whole = ServerFlightParser(depth: .keyExchange)
        _ = try whole.feed(bytes)
        var trickle = ServerFlightParser(depth: .keyExchange)
        var status = ServerFlightParser.Status.needMore
        for byte in bytes where status == .needMore {
            status = try trickle.feed([byte])
        }
        #expect(status == .complete)
        #expect(trickle.flight == whole.flight)
    }

    @Test(arguments: Fixtures.serverScenarios)
    func everyTruncationNeedsMoreOrThrows(_ name: String) throws {
        let bytes = try Fixtures.bytes("\(name).server.bin")
        // Cutting the flight anywhere before its end must never claim completeness with a wrong answer.
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 64)) {
            var parser = ServerFlightParser(depth: .keyExchange)
            let status = try? parser.feed(Array(bytes[..<cut]))
            if status == .complete, let hello = parser.flight.serverHello {
                var full = ServerFlightParser(depth: .keyExchange)
                _ = try full.feed(bytes)
                #expect(hello == full.flight.serverHello)
            }
        }
    }

    @Test func stopsAtServerHelloWhenAsked() throws {
        let bytes = try Fixtures.bytes("tls12-ecdhe-rsa.server.bin")
        var parser = ServerFlightParser(depth: .serverHello)
        #expect(try parser.feed(bytes) == .complete)
        #expect(parser.flight.serverHello?.cipherSuite == 0xC02F)
        #expect(parser.flight.certificates.isEmpty)
    }
}
