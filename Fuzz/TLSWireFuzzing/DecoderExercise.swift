import TLSCatalog
import TLSWire

/// Runs the TLSWire decoders that read bytes from a peer over one input, and checks what must hold
/// whatever the bytes are.
///
/// Shared by the libFuzzer target (`Fuzz/TLSWireFuzz/main.swift`, built and run by `scripts/fuzz`) and by
/// `FuzzRegressionTests`, so every fuzzer input replays as a unit test. See `docs/fuzzing.md`.
///
/// Input layout: byte 0 selects a ``Target`` (modulo the number of targets), byte 1 is a parameter
/// (the seed for split points, a flight limit, a version choice), the rest is the payload.
///
/// Besides "no trap, no sanitizer report", ``run(_:)`` returns broken invariants as text:
/// * the flight parser reaches the same status, error kind and ``ServerFlight`` however the bytes
///   are split into `feed` calls (whole, byte by byte, random split points), and however the same
///   handshake messages are framed into records;
/// * stopping at the ServerHello sees the same ServerHello (or alert) as reading on to the key exchange;
/// * `.complete` always comes with a ServerHello, an alert or an SSL 2.0 SERVER-HELLO, and stays `.complete`;
/// * decoded messages are consistent with the bytes they came from; a ClientHello built from
///   arbitrary parameters reads back as the same parameters.
public enum DecoderExercise {
    /// What one input exercises.
    public enum Target: UInt8, CaseIterable, Sendable {
        /// ``ServerFlightParser`` at both depths, the payload fed in one call.
        case flightWhole = 0
        /// …fed one byte per call, compared with ``flightWhole``.
        case flightByteByByte
        /// …fed in chunks whose sizes come from a PRNG seeded with the parameter byte, compared with ``flightWhole``.
        case flightRandomSplits
        /// …fed in random chunks, carrying on after errors (a caller that ignores them must not crash the parser).
        case flightAfterErrors
        /// …with `maxFlightBytes` of 16 × (parameter + 1) bytes.
        case flightSmallLimit
        /// ``Record/parse(from:at:)`` over the payload, record after record, and ``RecordSniffer``.
        case records
        /// ``ServerHello/init(body:)``.
        case serverHello
        /// ``CertificateMessage/parse(body:)``.
        case certificate
        /// ``ServerKeyExchange/init(body:keyExchange:)`` for every key exchange in the catalog.
        case serverKeyExchange
        /// ``Alert/init(fragment:)``.
        case alert
        /// ``SSLv2ServerHello/init(message:)``, directly and behind an SSL 2.0 header through the flight parser.
        case sslv2ServerHello
        /// ``ClientHelloSummary/init(records:)``.
        case clientHelloRecords
        /// The ClientHello body decoder without record and handshake framing.
        case clientHelloBody
        /// A ``ClientHello`` built from parameters taken from the payload, encoded and read back.
        case clientHelloRoundTrip
        /// Every single-message decoder above on the same payload.
        case everyMessageDecoder
        /// The payload is a stream of handshake messages, framed into records twice (≤ 16 KB records, and
        /// records of random sizes seeded by the parameter); both framings must give the same flight.
        case handshakeReframed
    }

    /// Builds a fuzzer input for `target`.
    public static func input(_ target: Target, parameter: UInt8 = 0, _ payload: [UInt8]) -> [UInt8] {
        [target.rawValue, parameter] + payload
    }

    /// Runs the input's target; returns the invariants it broke (empty when all held).
    @discardableResult
    public static func run(_ bytes: [UInt8]) -> [String] {
        guard let selector = bytes.first else { return [] }
        let target = Target.allCases[Int(selector) % Target.allCases.count]
        let parameter = bytes.count > 1 ? bytes[1] : 0
        let payload = Array(bytes.dropFirst(2))
        var check = Checker()
        switch target {
        case .flightWhole:
            _ = flightAtBothDepths(payload, &check)
        case .flightByteByByte:
            let reference = flightAtBothDepths(payload, &check)
            for (depth, whole) in reference {
                let trickle = feed(payload, depth: depth, chunks: payload.indices.map { $0..<($0 + 1) }, &check)
                check.expect(trickle == whole, "byte-by-byte feeding at \(depth) gave \(trickle), whole buffer gave \(whole)")
            }
        case .flightRandomSplits:
            let reference = flightAtBothDepths(payload, &check)
            let chunks = randomChunks(count: payload.count, seed: parameter)
            for (depth, whole) in reference {
                let split = feed(payload, depth: depth, chunks: chunks, &check)
                check.expect(
                    split == whole, "feeding in chunks \(chunks.map(\.count)) at \(depth) gave \(split), whole buffer gave \(whole)")
            }
        case .flightAfterErrors:
            let chunks = randomChunks(count: payload.count, seed: parameter)
            for depth in depths {
                _ = feed(payload, depth: depth, chunks: chunks, continueAfterError: true, &check)
            }
        case .flightSmallLimit:
            let limit = 16 * (Int(parameter) + 1)
            let chunks = randomChunks(count: payload.count, seed: parameter)
            for depth in depths {
                let whole = feed(payload, depth: depth, maxFlightBytes: limit, chunks: [payload.indices], &check)
                let split = feed(payload, depth: depth, maxFlightBytes: limit, chunks: chunks, &check)
                // Whole-buffer feeding refuses more than `limit` bytes up front; when it did not, the split must agree.
                if whole.error == nil {
                    check.expect(split == whole, "limit \(limit), chunks \(chunks.map(\.count)) at \(depth): \(split) vs whole \(whole)")
                }
            }
        case .records:
            records(payload, start: Int(parameter) % (payload.count + 2), &check)
        case .serverHello:
            serverHello(payload, &check)
        case .certificate:
            certificate(payload, &check)
        case .serverKeyExchange:
            serverKeyExchange(payload, &check)
        case .alert:
            alert(payload, &check)
        case .sslv2ServerHello:
            sslv2ServerHello(payload, &check)
        case .clientHelloRecords:
            clientHelloRecords(payload, &check)
        case .clientHelloBody:
            clientHelloBody(payload, &check)
        case .clientHelloRoundTrip:
            clientHelloRoundTrip(payload, parameter: parameter, &check)
        case .handshakeReframed:
            let large = frame(payload, recordSizes: { _ in 1 << 14 })
            var random = SplitMix64(state: UInt64(parameter) &+ 0x5EED)
            let small = frame(
                payload,
                recordSizes: { _ in
                    let roll = random.next()
                    return roll % 4 == 0 ? 1 + Int((roll >> 8) % 4) : 1 + Int((roll >> 8) % 300)
                })
            for depth in depths {
                let one = feed(large, depth: depth, chunks: [large.indices], &check)
                let other = feed(small, depth: depth, chunks: [small.indices], &check)
                check.expect(one == other, "handshake stream in 16 KB records at \(depth) gave \(one), in small records \(other)")
            }
        case .everyMessageDecoder:
            serverHello(payload, &check)
            certificate(payload, &check)
            serverKeyExchange(payload, &check)
            alert(payload, &check)
            sslv2ServerHello(payload, &check)
            clientHelloBody(payload, &check)
            records(payload, start: 0, &check)
        }
        return check.violations
    }

    // MARK: - Server flight

    /// The scanner's probes (`TLSScan.ProbeSession`) ask for `.keyExchange` for SSL 2.0 to TLS 1.2 and for
    /// `.serverHello` for TLS 1.3; other requests default to `.serverHello`. The offered version only decides
    /// which hello is sent: the parser is the same for all, so both depths cover every combination.
    static let depths: [ServerFlightParser.Depth] = [.serverHello, .keyExchange]

    /// How a feeding pattern ended.
    struct FeedOutcome: Equatable, CustomStringConvertible {
        /// The last status `feed` returned, or `nil` if it threw.
        var status: ServerFlightParser.Status?
        /// The error, with the human-readable detail of `notTLS` dropped (it quotes however many bytes had arrived).
        var error: WireError?
        var flight: ServerFlight

        var description: String {
            let hello = flight.serverHello.map { "hello(v=\($0.version), suite=\($0.cipherSuite))" } ?? "no hello"
            return
                "\(status.map { "\($0)" } ?? "threw \(error.map { "\($0)" } ?? "?")"), \(hello), alert=\(flight.alert.map { "\($0.code)" } ?? "-"), "
                + "\(flight.certificates.count) certs, kx=\(flight.keyExchange.map { "\($0)" } ?? "-"), done=\(flight.sawServerHelloDone)"
        }
    }

    static func flightAtBothDepths(_ payload: [UInt8], _ check: inout Checker) -> [(ServerFlightParser.Depth, FeedOutcome)] {
        let outcomes = depths.map { ($0, feed(payload, depth: $0, chunks: [payload.indices], &check)) }
        // Stopping at the ServerHello must see what reading on to ServerHelloDone saw up to that point.
        if let short = outcomes.first(where: { $0.0 == .serverHello })?.1,
            let long = outcomes.first(where: { $0.0 == .keyExchange })?.1
        {
            if let hello = long.flight.serverHello {
                check.expect(
                    short.status == .complete && short.flight.serverHello == hello,
                    "depth serverHello: \(short); depth keyExchange found a ServerHello: \(long)")
            }
            if short.status == .complete, let hello = short.flight.serverHello {
                check.expect(long.flight.serverHello == hello, "depth keyExchange lost the ServerHello: \(long) vs \(short)")
            }
            if long.flight.serverHello == nil, let alert = long.flight.alert {
                check.expect(short.flight.alert == alert, "alert \(alert) only seen at depth keyExchange")
            }
        }
        return outcomes
    }

    /// Feeds `payload` sliced by `chunks` (ranges that tile the payload in order).
    static func feed(
        _ payload: [UInt8], depth: ServerFlightParser.Depth, maxFlightBytes: Int = 1 << 20,
        chunks: [Range<Int>], continueAfterError: Bool = false, _ check: inout Checker
    ) -> FeedOutcome {
        var parser = ServerFlightParser(depth: depth, maxFlightBytes: maxFlightBytes)
        var status: ServerFlightParser.Status? = .needMore
        var firstError: WireError?
        var completed = false
        for chunk in chunks {
            do {
                let now = try parser.feed(Array(payload[chunk]))
                if completed {
                    check.expect(now == .complete, "feed returned \(now) after it had returned .complete")
                }
                if now == .complete { completed = true }
                if firstError == nil { status = now }
            } catch {
                if firstError == nil {
                    status = nil
                    if case .notTLS = error { firstError = .notTLS("") } else { firstError = error }
                }
                check.expect(!completed, "feed threw \(error) after it had returned .complete")
                if !continueAfterError { break }
            }
            if completed && !continueAfterError { break }
        }
        let flight = parser.flight
        inspect(flight, depth: depth, status: firstError == nil ? status : nil, &check)
        return FeedOutcome(status: status, error: firstError, flight: flight)
    }

    /// Invariants of a flight as the engines read it.
    static func inspect(_ flight: ServerFlight, depth: ServerFlightParser.Depth, status: ServerFlightParser.Status?, _ check: inout Checker)
    {
        if status == .complete {
            check.expect(
                flight.serverHello != nil || flight.alert != nil || flight.sslv2Hello != nil,
                "complete without a ServerHello, alert or SSL 2.0 SERVER-HELLO")
        }
        if flight.sawServerHelloDone {
            check.expect(status == .complete || status == nil, "ServerHelloDone seen but status \(String(describing: status))")
            check.expect(depth == .keyExchange, "ServerHelloDone read at depth \(depth)")
        }
        if flight.sslv2Hello != nil {
            check.expect(flight.serverHello == nil && flight.alert == nil, "SSL 2.0 SERVER-HELLO mixed with TLS records")
        }
        if let hello = flight.serverHello {
            serverHelloInvariants(hello, &check)
            if depth == .serverHello || hello.isHelloRetryRequest || hello.version >= TLSVersion.tls13.wireValue {
                check.expect(
                    flight.certificates.isEmpty && flight.keyExchange == nil && !flight.sawServerHelloDone,
                    "read past a ServerHello that ends the flight")
            }
            if let suite = Catalog.shared.suite(code: hello.cipherSuite) {
                check.expect(suite.code == hello.cipherSuite, "catalog returned suite \(suite.code) for \(hello.cipherSuite)")
            }
        } else {
            check.expect(
                flight.certificates.isEmpty && flight.keyExchange == nil && !flight.sawServerHelloDone,
                "handshake messages accepted without a ServerHello")
        }
        if let alert = flight.alert { alertInvariants(alert, &check) }
        for certificate in flight.certificates {
            check.expect(!certificate.isEmpty, "empty certificate accepted")
        }
        if case .finiteField(let bits) = flight.keyExchange {
            check.expect((1...(65535 * 8)).contains(bits), "DH prime of \(bits) bits")
        }
    }

    /// Chunk ranges that tile `0..<count`, sized by a PRNG: empty, tiny, exactly a record header, small, large.
    static func randomChunks(count: Int, seed: UInt8) -> [Range<Int>] {
        var random = SplitMix64(state: UInt64(seed) &* 0x9E37_79B9 &+ UInt64(count))
        var chunks: [Range<Int>] = []
        var start = 0
        while start < count {
            let roll = random.next()
            let size: Int
            switch roll % 8 {
            case 0: size = 0
            case 1, 2: size = 1 + Int((roll >> 8) % 4)
            case 3: size = 5
            case 4: size = 6 + Int((roll >> 8) % 59)
            default: size = 65 + Int((roll >> 8) % 1984)
            }
            let end = min(count, start + size)
            chunks.append(start..<end)
            start = end
        }
        if chunks.isEmpty { chunks.append(0..<0) }
        return chunks
    }

    /// Frames a handshake stream into handshake records of the sizes `recordSizes` returns (at least one byte each).
    static func frame(_ handshake: [UInt8], recordSizes: (Int) -> Int) -> [UInt8] {
        var out: [UInt8] = []
        var start = 0
        while start < handshake.count {
            let end = min(handshake.count, start + max(1, min(recordSizes(start), 1 << 14)))
            out += record(TLSConstants.recordHandshake, Array(handshake[start..<end]))
            start = end
        }
        return out
    }

    // MARK: - Single decoders

    static func records(_ payload: [UInt8], start: Int, _ check: inout Checker) {
        var offset = start
        while true {
            do {
                guard let (record, used) = try Record.parse(from: payload, at: offset) else { break }
                check.expect(
                    used == 5 + record.fragment.count, "record consumed \(used) bytes for a \(record.fragment.count)-byte fragment")
                check.expect(record.fragment.count <= TLSConstants.maxFragment, "record fragment of \(record.fragment.count) bytes")
                check.expect(offset + used <= payload.count, "record runs past the buffer")
                if record.contentType == TLSConstants.recordAlert, let alert = try? Alert(fragment: record.fragment) {
                    alertInvariants(alert, &check)
                }
                offset += used
            } catch {
                break
            }
        }
        for length in [0, 1, 8, 16] where length <= payload.count {
            let text = RecordSniffer.describe(Array(payload[(payload.count - length)...]))
            check.expect(!text.isEmpty, "RecordSniffer described \(length) bytes as nothing")
        }
    }

    static func serverHello(_ body: [UInt8], _ check: inout Checker) {
        guard let hello = try? ServerHello(body: body) else { return }
        serverHelloInvariants(hello, &check)
    }

    static func serverHelloInvariants(_ hello: ServerHello, _ check: inout Checker) {
        check.expect(hello.random.count == 32, "ServerHello random of \(hello.random.count) bytes")
        check.expect(hello.sessionID.count <= 32, "ServerHello session id of \(hello.sessionID.count) bytes")
        check.expect(
            Set(hello.extensionTypes).count == hello.extensionTypes.count, "duplicate extensions accepted: \(hello.extensionTypes)")
        if !hello.extensionTypes.contains(TLSConstants.extSupportedVersions) {
            check.expect(hello.version == hello.legacyVersion, "version \(hello.version) without supported_versions")
        }
        if hello.keyShareGroup != nil {
            check.expect(hello.extensionTypes.contains(TLSConstants.extKeyShare), "key share group without key_share")
        }
        if let version = hello.tlsVersion {
            check.expect(version.wireValue == hello.version, "tlsVersion \(version) for wire value \(hello.version)")
        }
        check.expect(hello.secureRenegotiation == hello.extensionTypes.contains(TLSConstants.extRenegotiationInfo), "secureRenegotiation")
    }

    static func certificate(_ body: [UInt8], _ check: inout Checker) {
        guard let certificates = try? CertificateMessage.parse(body: body) else { return }
        let encoded = 3 + certificates.reduce(0) { $0 + 3 + $1.count }
        check.expect(encoded == body.count, "certificate list of \(encoded) bytes parsed from \(body.count)")
        check.expect(certificates.allSatisfy { !$0.isEmpty }, "empty certificate accepted")
    }

    /// Every `kx` a catalog suite can have, and nil (a suite the catalog does not know).
    static let keyExchanges: [CipherSuite.KeyExchange?] = CipherSuite.KeyExchange.allCases + [nil]

    static func serverKeyExchange(_ body: [UInt8], _ check: inout Checker) {
        for kx in keyExchanges {
            guard let exchange = try? ServerKeyExchange(body: body, keyExchange: kx) else { continue }
            if case .finiteField(let bits) = exchange {
                check.expect((1...(65535 * 8)).contains(bits), "DH prime of \(bits) bits for \(kx?.rawValue ?? "an unknown suite")")
            }
        }
    }

    static func alert(_ fragment: [UInt8], _ check: inout Checker) {
        guard let alert = try? Alert(fragment: fragment) else { return }
        check.expect(fragment.count >= 2 && alert == Alert(level: fragment[0], code: fragment[1]), "alert fields")
        alertInvariants(alert, &check)
    }

    static func alertInvariants(_ alert: Alert, _ check: inout Checker) {
        check.expect(alert.description.contains(alert.name), "alert description \(alert.description) lacks \(alert.name)")
        check.expect(alert.isFatal == (alert.level == 2), "alert isFatal")
    }

    static func sslv2ServerHello(_ message: [UInt8], _ check: inout Checker) {
        if let hello = try? SSLv2ServerHello(message: message) {
            check.expect(
                11 + hello.certificate.count + 3 * hello.cipherKinds.count <= message.count, "SSLv2 SERVER-HELLO longer than its message")
            check.expect(hello.cipherKinds.allSatisfy { $0 <= 0xFF_FFFF }, "SSLv2 cipher kind wider than 3 bytes")
        }
        // The same message behind a two-byte SSL 2.0 header, through the flight parser as a probe reads it.
        let length = min(message.count, 0x7FFF)
        let framed = [0x80 | UInt8(length >> 8), UInt8(length & 0xFF)] + message.prefix(length)
        for depth in depths {
            let whole = feed(framed, depth: depth, chunks: [framed.indices], &check)
            if whole.error == nil {
                check.expect(whole.status == .complete && whole.flight.sslv2Hello != nil, "framed SSL 2.0 message: \(whole)")
            }
        }
    }

    static func clientHelloRecords(_ records: [UInt8], _ check: inout Checker) {
        guard let summary = try? ClientHelloSummary(records: records) else { return }
        check.expect(summary.random.count == 32, "ClientHello random of \(summary.random.count) bytes")
    }

    static func clientHelloBody(_ body: [UInt8], _ check: inout Checker) {
        var reader = ByteReader(body)
        guard let summary = try? ClientHelloSummary(body: &reader) else { return }
        check.expect(summary.random.count == 32, "ClientHello random of \(summary.random.count) bytes")
        check.expect(summary.sessionID.count <= 255 && summary.compressionMethods.count <= 255, "ClientHello vector lengths")
    }

    // MARK: - ClientHello round trip

    /// Builds a ClientHello from the payload, encodes it and reads it back with ``ClientHelloSummary``.
    static func clientHelloRoundTrip(_ payload: [UInt8], parameter: UInt8, _ check: inout Checker) {
        var source = LenientCursor(payload)
        let versions = TLSVersion.allCases.filter { $0 != .sslv2 }
        let version = versions[Int(parameter & 0x7F) % versions.count]
        let random = source.take(32)
        let sessionID = source.take(Int(source.byte() % 33))
        let suites = source.uint16s(Int(source.uint16() % 16384))
        let nameLength = Int(source.byte())
        let serverName: String? = nameLength == 0 ? nil : String(decoding: source.take(nameLength - 1), as: UTF8.self)
        let groups = source.uint16s(Int(source.byte()))
        let schemes = source.uint16s(Int(source.byte()))
        let shareGroups = source.uint16s(Int(source.byte() % 16))
        let hello = ClientHello(
            version: version, suites: suites, serverName: serverName, groups: groups, signatureSchemes: schemes,
            keyShareGroups: shareGroups, secureRenegotiation: parameter & 0x80 != 0, random: random, sessionID: sessionID)
        let summary: ClientHelloSummary
        do {
            summary = try ClientHelloSummary(records: hello.encodeRecords())
        } catch {
            check.violations.append("ClientHello \(version) with \(suites.count) suites did not read back: \(error)")
            return
        }
        var expectedSuites = suites
        if hello.secureRenegotiation && version == .sslv3 && !suites.contains(TLSConstants.scsvRenegotiation) {
            expectedSuites.append(TLSConstants.scsvRenegotiation)
        }
        let hasExtensions = version != .sslv3
        let sentName = serverName.flatMap { ServerNameRules.isSendable($0) && hasExtensions ? $0 : nil }
        check.expect(summary.legacyVersion == (version == .tls13 ? TLSVersion.tls12 : version).wireValue, "ClientHello legacy version")
        check.expect(summary.random == random && summary.sessionID == sessionID, "ClientHello random / session id")
        check.expect(summary.suites == expectedSuites, "ClientHello suites \(summary.suites.count) vs \(expectedSuites.count)")
        check.expect(summary.compressionMethods == [0], "ClientHello compression methods")
        check.expect(
            summary.serverName == sentName,
            "ClientHello server name \(String(describing: summary.serverName)) vs \(String(describing: sentName))")
        check.expect(summary.supportedGroups == (hasExtensions && !groups.isEmpty ? groups : nil), "ClientHello supported_groups")
        check.expect(
            summary.signatureSchemes == (hasExtensions && !schemes.isEmpty && version >= .tls12 ? schemes : nil),
            "ClientHello signature_algorithms")
        check.expect(
            summary.supportedVersions == (version == .tls13 ? [TLSVersion.tls13.wireValue] : nil), "ClientHello supported_versions")
        let sentShares = shareGroups.filter { groups.contains($0) && KeyShareSamples.share(for: $0) != nil }
        check.expect(summary.keyShareGroups == (version == .tls13 ? sentShares : nil), "ClientHello key shares")
        check.expect(
            Set(summary.extensionTypes).count == summary.extensionTypes.count, "ClientHello duplicate extensions \(summary.extensionTypes)")
    }

    // MARK: - Seeds

    /// Fuzzer inputs derived from a captured server flight: the flight for every feeding pattern, its records,
    /// and each message for its own decoder. Names are file-name safe.
    public static func seeds(serverFlight flight: [UInt8], name: String) -> [(name: String, bytes: [UInt8])] {
        var seeds: [(name: String, bytes: [UInt8])] = [
            ("\(name).whole", input(.flightWhole, flight)),
            ("\(name).byte-by-byte", input(.flightByteByByte, flight)),
            ("\(name).random-splits", input(.flightRandomSplits, parameter: 7, flight)),
            ("\(name).after-errors", input(.flightAfterErrors, parameter: 3, flight)),
            ("\(name).small-limit", input(.flightSmallLimit, parameter: 40, flight)),
            ("\(name).records", input(.records, flight)),
        ]
        var handshake: [UInt8] = []
        var offset = 0
        while let (record, used) = try? Record.parse(from: flight, at: offset) {
            offset += used
            switch record.contentType {
            case TLSConstants.recordHandshake: handshake += record.fragment
            case TLSConstants.recordAlert: seeds.append(("\(name).alert", input(.alert, record.fragment)))
            default: break
            }
        }
        seeds.append(("\(name).reframed", input(.handshakeReframed, parameter: 9, handshake)))
        var reader = ByteReader(handshake)
        var index = 0
        while let type = try? reader.readUInt8(), let length = try? reader.readUInt24(), let body = try? reader.readBytes(length) {
            let target: Target? =
                switch type {
                case 2: .serverHello
                case 11: .certificate
                case 12: .serverKeyExchange
                default: nil
                }
            if let target {
                seeds.append(("\(name).msg\(index)-\(target)", input(target, body)))
            }
            index += 1
        }
        return seeds
    }

    /// Fuzzer inputs derived from captured ClientHello records.
    public static func seeds(clientHello records: [UInt8], name: String) -> [(name: String, bytes: [UInt8])] {
        var seeds = [("\(name).client-records", input(.clientHelloRecords, records))]
        if let (record, _) = try? Record.parse(from: records), record.fragment.count > 4 {
            seeds.append(("\(name).client-body", input(.clientHelloBody, Array(record.fragment.dropFirst(4)))))
        }
        return seeds
    }

    /// Hand-made inputs for paths the captures do not reach.
    public static var handMadeSeeds: [(name: String, bytes: [UInt8])] {
        let leaf: [UInt8] = [0x30, 0x03, 0x02, 0x01, 0x00]
        let renegotiationInfo: (UInt16, [UInt8]) = (TLSConstants.extRenegotiationInfo, [0])
        let dhParams: [UInt8] =
            vector(2, [0x00, 0xC3] + [UInt8](repeating: 0x5A, count: 14)) + vector(2, [2]) + vector(2, [UInt8](repeating: 7, count: 16))
        let tls12DHE =
            handshake(2, serverHelloBody(version: 0x0303, suite: 0x009E, extensions: [renegotiationInfo]))
            + handshake(11, vector(3, vector(3, leaf)))
            + handshake(12, dhParams + [0x04, 0x01] + vector(2, [1, 2, 3]))
            + handshake(13, [0x01, 0x01, 0x00, 0x02, 0x04, 0x01, 0x00, 0x00])
            + handshake(14, [])
        let tls13Hello = handshake(
            2,
            serverHelloBody(
                version: 0x0303, suite: 0x1301, sessionID: [UInt8](repeating: 0xAB, count: 32),
                extensions: [
                    (TLSConstants.extSupportedVersions, [0x03, 0x04]),
                    (TLSConstants.extKeyShare, [0x00, 0x1D] + vector(2, KeyShareSamples.x25519)),
                ]))
        let oneByteRecords =
            tls13Hello.flatMap { record(TLSConstants.recordHandshake, [$0]) }
            + record(TLSConstants.recordChangeCipherSpec, [1]) + record(TLSConstants.recordApplicationData, [0xEE, 0xEE, 0xEE])
        let hrr = record(
            TLSConstants.recordHandshake,
            handshake(
                2,
                serverHelloBody(
                    version: 0x0303, suite: 0x1302, random: TLSConstants.helloRetryRequestRandom,
                    extensions: [(TLSConstants.extSupportedVersions, [0x03, 0x04]), (TLSConstants.extKeyShare, [0x00, 0x18])])))
        let sslv2Message: [UInt8] =
            [4, 0, 1, 0x00, 0x02, 0x00, UInt8(leaf.count), 0x00, 0x06, 0x00, 0x10]
            + leaf + [0x01, 0x00, 0x80, 0x07, 0x00, 0xC0] + [UInt8](repeating: 0x11, count: 16)
        let clientHello = ClientHello(
            version: .tls13, suites: [0x1301, 0x1302, 0xC02F], serverName: "example.com", groups: [0x001D, 0x0017],
            signatureSchemes: [0x0403, 0x0804], random: [UInt8](repeating: 1, count: 32), sessionID: [UInt8](repeating: 2, count: 32))
        let sslv3Hello = ClientHello(version: .sslv3, suites: [0x000A, 0x002F], random: [UInt8](repeating: 3, count: 32), sessionID: [])
        // Round-trip payload: random, session id length, suite count + suites, name length + name, groups, schemes, key shares.
        let roundTrip: [UInt8] =
            [UInt8](repeating: 9, count: 32) + [4, 1, 2, 3, 4] + [0x00, 0x03, 0x13, 0x01, 0xC0, 0x2F, 0x00, 0xFF]
            + [12] + Array("example.org".utf8) + [2, 0x00, 0x1D, 0x00, 0x17] + [1, 0x04, 0x03] + [2, 0x00, 0x17, 0x00, 0x1D]
        return [
            ("dhe-coalesced.whole", input(.flightWhole, record(TLSConstants.recordHandshake, tls12DHE))),
            ("dhe-coalesced.random-splits", input(.flightRandomSplits, parameter: 1, record(TLSConstants.recordHandshake, tls12DHE))),
            ("dhe-coalesced.reframed", input(.handshakeReframed, parameter: 3, tls12DHE)),
            ("dhe.ske", input(.serverKeyExchange, dhParams)),
            ("dhe-psk.ske", input(.serverKeyExchange, vector(2, Array("hint".utf8)) + dhParams)),
            (
                "ecdhe-psk.ske",
                input(.serverKeyExchange, vector(2, Array("id".utf8)) + [3, 0x00, 0x1D] + vector(1, KeyShareSamples.x25519))
            ),
            ("explicit-curve.ske", input(.serverKeyExchange, [1, 0x00, 0x00])),
            ("tls13-one-byte-records.whole", input(.flightWhole, oneByteRecords)),
            ("tls13-one-byte-records.random-splits", input(.flightRandomSplits, parameter: 2, oneByteRecords)),
            ("hrr.byte-by-byte", input(.flightByteByByte, hrr)),
            ("sslv2.message", input(.sslv2ServerHello, sslv2Message)),
            ("sslv2.whole", input(.flightWhole, [0x80, UInt8(sslv2Message.count)] + sslv2Message)),
            ("http.whole", input(.flightWhole, Array("HTTP/1.1 400 Bad Request\r\nServer: x\r\n\r\n".utf8))),
            ("alert-unknown.whole", input(.flightWhole, record(TLSConstants.recordAlert, [2, 0xEE]))),
            ("ccs-before-hello.whole", input(.flightWhole, record(TLSConstants.recordChangeCipherSpec, [1]))),
            ("oversized-record.whole", input(.flightWhole, [0x16, 0x03, 0x03, 0xFF, 0xFF])),
            (
                "certificate-status.whole",
                input(
                    .flightAfterErrors, parameter: 5,
                    record(
                        TLSConstants.recordHandshake,
                        handshake(2, serverHelloBody(version: 0x0302, suite: 0x0035, extensions: [])) + handshake(22, [1, 0, 0, 0])
                            + handshake(14, [])))
            ),
            ("client-tls13.client-records", input(.clientHelloRecords, clientHello.encodeRecords())),
            ("client-tls13.client-body", input(.clientHelloBody, Array(clientHello.encodeHandshake().dropFirst(4)))),
            ("client-sslv3.client-records", input(.clientHelloRecords, sslv3Hello.encodeRecords())),
            ("round-trip.tls13", input(.clientHelloRoundTrip, parameter: 4, roundTrip)),
            ("round-trip.sslv3", input(.clientHelloRoundTrip, parameter: 0x80, roundTrip)),
            (
                "every-decoder.server-hello",
                input(.everyMessageDecoder, serverHelloBody(version: 0x0301, suite: 0x0004, extensions: [renegotiationInfo]))
            ),
        ]
    }

    static func record(_ type: UInt8, version: UInt16 = 0x0303, _ fragment: [UInt8]) -> [UInt8] {
        var writer = ByteWriter()
        writer.write(type)
        writer.write(version)
        writer.write(UInt16(truncatingIfNeeded: fragment.count))
        writer.write(fragment)
        return writer.bytes
    }

    static func handshake(_ type: UInt8, _ body: [UInt8]) -> [UInt8] {
        [type] + vector(3, body)
    }

    static func vector(_ prefixBytes: Int, _ body: [UInt8]) -> [UInt8] {
        var writer = ByteWriter()
        writer.writeVector(prefixBytes: prefixBytes) { $0.write(body) }
        return writer.bytes
    }

    static func serverHelloBody(
        version: UInt16, suite: UInt16, random: [UInt8] = [UInt8](repeating: 0x42, count: 32), sessionID: [UInt8] = [],
        extensions: [(UInt16, [UInt8])]
    ) -> [UInt8] {
        var writer = ByteWriter()
        writer.write(version)
        writer.write(random)
        writer.writeVector(prefixBytes: 1) { $0.write(sessionID) }
        writer.write(suite)
        writer.write(UInt8(0))
        if !extensions.isEmpty {
            writer.writeVector(prefixBytes: 2) { list in
                for (type, data) in extensions {
                    list.write(type)
                    list.writeVector(prefixBytes: 2) { $0.write(data) }
                }
            }
        }
        return writer.bytes
    }
}

/// Collects broken invariants.
struct Checker {
    var violations: [String] = []

    mutating func expect(_ condition: Bool, _ what: @autoclosure () -> String) {
        if !condition { violations.append(what()) }
    }
}

/// Reads parameters from fuzzer bytes; past the end it yields zeros, so every payload builds something.
struct LenientCursor {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func byte() -> UInt8 {
        defer { offset += 1 }
        return offset < bytes.count ? bytes[offset] : 0
    }

    mutating func uint16() -> UInt16 { UInt16(byte()) << 8 | UInt16(byte()) }

    mutating func take(_ count: Int) -> [UInt8] { (0..<max(0, count)).map { _ in byte() } }

    /// Up to `count` values, stopping at the end of the input.
    mutating func uint16s(_ count: Int) -> [UInt16] {
        var values: [UInt16] = []
        while values.count < count, offset + 1 < bytes.count { values.append(uint16()) }
        return values
    }
}

/// A small deterministic PRNG for split points (SplitMix64).
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
