import TLSCatalog

/// Everything a probe learned from the server's first flight.
package struct ServerFlight: Sendable, Equatable {
    package var serverHello: ServerHello?
    /// DER certificates from the Certificate message (TLS 1.2 and earlier; TLS 1.3 encrypts them).
    package var certificates: [[UInt8]] = []
    package var keyExchange: ServerKeyExchange?
    package var alert: Alert?
    package var sslv2Hello: SSLv2ServerHello?
    /// True once ServerHelloDone was read (TLS 1.2 and earlier).
    package var sawServerHelloDone = false
    /// The server asked for a client certificate (CertificateRequest; TLS 1.2 and earlier, where it is in clear).
    package var certificateRequested = false

    package init() {}
}

/// Incremental parser for the server's first flight, fed bytes as they arrive.
///
/// It reads record header → handshake header → message, each bounds-checked, and stops as soon as
/// the probe has what it asked for: the ServerHello, or (``Depth/keyExchange``) everything up to
/// ServerHelloDone. It never buffers more than ``maxFlightBytes``.
package struct ServerFlightParser: Sendable {
    /// How far into the flight to read.
    package enum Depth: Sendable, Equatable {
        case serverHello
        case keyExchange
    }

    /// What the caller should do after feeding bytes.
    package enum Status: Sendable, Equatable {
        case needMore
        case complete
    }

    package let depth: Depth
    package let maxFlightBytes: Int
    package private(set) var flight = ServerFlight()
    private var buffer: [UInt8] = []
    private var handshakeBuffer: [UInt8] = []
    private var consumedTotal = 0
    private var done = false

    /// Bytes received but not yet part of a complete record or handshake message (0: the flight so far ends on a
    /// message boundary).
    package var bufferedBytes: Int { buffer.count + handshakeBuffer.count }

    package init(depth: Depth, maxFlightBytes: Int = 1 << 20) {
        self.depth = depth
        self.maxFlightBytes = maxFlightBytes
    }

    /// Adds bytes from the network; returns `.complete` once the flight says all the probe needs.
    package mutating func feed(_ bytes: [UInt8]) throws(WireError) -> Status {
        guard !done else { return .complete }
        consumedTotal += bytes.count
        guard consumedTotal <= maxFlightBytes else {
            throw .malformed("server flight exceeds \(maxFlightBytes) bytes without completing")
        }
        buffer.append(contentsOf: bytes)
        if flight.serverHello == nil, handshakeBuffer.isEmpty, let first = buffer.first, first & 0x80 != 0 {
            return try parseSSLv2()
        }
        var offset = 0
        defer { buffer.removeFirst(min(offset, buffer.count)) }
        while let (record, used) = try Record.parse(from: buffer, at: offset) {
            offset += used
            if try handle(record) == .complete {
                done = true
                return .complete
            }
        }
        return .needMore
    }

    private mutating func parseSSLv2() throws(WireError) -> Status {
        guard buffer.count >= 2 else { return .needMore }
        let length = Int(buffer[0] & 0x7F) << 8 | Int(buffer[1])
        guard buffer.count >= 2 + length else { return .needMore }
        flight.sslv2Hello = try SSLv2ServerHello(message: Array(buffer[2..<(2 + length)]))
        done = true
        return .complete
    }

    private mutating func handle(_ record: Record) throws(WireError) -> Status {
        switch record.contentType {
        case TLSConstants.recordAlert:
            guard handshakeBuffer.isEmpty else { throw .malformed("alert interleaved with a fragmented handshake message") }
            flight.alert = try Alert(fragment: record.fragment)
            return .complete
        case TLSConstants.recordHandshake:
            guard !record.fragment.isEmpty else { throw .malformed("empty handshake record") }
            handshakeBuffer.append(contentsOf: record.fragment)
            return try drainHandshakeMessages()
        case TLSConstants.recordChangeCipherSpec:
            // TLS 1.3 middlebox compatibility CCS after ServerHello; before it, a protocol error.
            guard flight.serverHello != nil else { throw .malformed("ChangeCipherSpec before ServerHello") }
            return .needMore
        default:
            if flight.serverHello == nil { throw .malformed("record type \(record.contentType) before ServerHello") }
            return .complete  // encrypted data: nothing more to read in clear
        }
    }

    private mutating func drainHandshakeMessages() throws(WireError) -> Status {
        var reader = ByteReader(handshakeBuffer)
        while reader.remaining >= 4 {
            let start = reader.offset
            let type = try reader.readUInt8("handshake type")
            let length = try reader.readUInt24("handshake length")
            guard length <= maxFlightBytes else { throw .malformed("handshake message of \(length) bytes") }
            guard reader.remaining >= length else {
                handshakeBuffer.removeFirst(start)
                return .needMore
            }
            let body = try reader.readBytes(length, "handshake body")
            if try handleMessage(type: type, body: body) == .complete { return .complete }
        }
        handshakeBuffer = reader.rest()
        return .needMore
    }

    private mutating func handleMessage(type: UInt8, body: [UInt8]) throws(WireError) -> Status {
        switch type {
        case 2:
            guard flight.serverHello == nil else { throw .malformed("second ServerHello") }
            let hello = try ServerHello(body: body)
            flight.serverHello = hello
            if depth == .serverHello || hello.isHelloRetryRequest || hello.version >= TLSVersion.tls13.wireValue {
                return .complete
            }
            return .needMore
        case 11:
            try requireHello("Certificate")
            guard flight.certificates.isEmpty else { throw .malformed("second Certificate message") }
            flight.certificates = try CertificateMessage.parse(body: body)
        case 12:
            try requireHello("ServerKeyExchange")
            let suite = flight.serverHello.flatMap { Catalog.shared.suite(code: $0.cipherSuite) }
            flight.keyExchange = try ServerKeyExchange(body: body, keyExchange: suite?.keyExchange)
        case 14:
            try requireHello("ServerHelloDone")
            guard body.isEmpty else { throw .malformed("ServerHelloDone with a body") }
            flight.sawServerHelloDone = true
            return .complete
        case 13:
            try requireHello("CertificateRequest")
            flight.certificateRequested = true
        case 0, 22:
            try requireHello("handshake message \(type)")  // HelloRequest, CertificateStatus
        default:
            throw .malformed("unexpected handshake message type \(type) in the server's first flight")
        }
        return .needMore
    }

    private func requireHello(_ what: String) throws(WireError) {
        guard flight.serverHello != nil else { throw .malformed("\(what) before ServerHello") }
    }
}
