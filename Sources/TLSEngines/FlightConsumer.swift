import TLSCatalog
import TLSWire

/// Feeds a ``ServerFlightParser`` from the transport, and handles what a parser of one flight cannot:
///
/// * **Leading warning alerts.** Some servers send a warning (Apache: `unrecognized_name`) and then
///   go on with their ServerHello; a warning is not a refusal. Up to ``maxLeadingWarnings`` are
///   skipped before the first handshake record; more are a protocol violation, so an endless stream
///   of them ends the probe at once.
/// * **HelloRetryRequest.** For a TLS 1.3 offer, a retry request is answered with a second ClientHello
///   (the same offer, a key share for the group asked for, the cookie echoed if it sent one) when the
///   engine has a share for that group, or when it asks for no group but sends a cookie; the server's
///   second answer is parsed: a server that retries forever, or never answers the retried hello, is
///   caught instead of being counted as accepting the suite. Without a share the retry request itself
///   is the answer (it names a group the server accepts).
/// * **Answers cut short.** It counts bytes that arrived without completing anything, so a server
///   that closes in the middle of a record is told apart from one that closes without a word.
struct FlightConsumer: ResponseConsumer {
    /// More warning alerts than this before the first handshake record are a protocol violation
    /// (OpenSSL gives up after the same number).
    static let maxLeadingWarnings = 5

    let depth: ServerFlightParser.Depth
    private(set) var parser: ServerFlightParser
    /// The first ClientHello, kept when a HelloRetryRequest may be answered (TLS 1.3 offers).
    let firstHello: ClientHello?
    /// The HelloRetryRequest that was answered with a second ClientHello, if one was.
    private(set) var retry: ServerHello?
    /// Warning alerts skipped before the current flight's first handshake record.
    private(set) var warnings: [Alert] = []
    /// Bytes of the current flight that arrived but completed no ServerHello, alert or SSL 2.0 hello
    /// (only meaningful while the flight has none of those).
    private(set) var pendingBytes = 0
    /// Bytes held at the front of a flight while checking whether they start a skippable record.
    private var front: [UInt8] = []
    private var screening = true
    private var skippedChangeCipherSpec = false
    private var reply: [UInt8]?

    init(depth: ServerFlightParser.Depth, firstHello: ClientHello? = nil) {
        self.depth = depth
        self.parser = ServerFlightParser(depth: depth)
        self.firstHello = firstHello
    }

    mutating func consume(_ bytes: [UInt8]) throws -> Bool {
        var input = bytes
        if screening {
            front += bytes
            guard let rest = try screenFront() else {
                pendingBytes = front.count
                return false
            }
            screening = false
            front = []
            input = rest
            pendingBytes = 0
        }
        pendingBytes += input.count
        guard try parser.feed(input) == .complete else { return false }
        if retry == nil, let hello = parser.flight.serverHello, hello.isHelloRetryRequest, let second = secondHello(after: hello) {
            retry = hello
            reply = second
            parser = ServerFlightParser(depth: depth)
            screening = true
            warnings = []
            pendingBytes = 0
            return false
        }
        return true
    }

    mutating func takeReply() -> [UInt8]? {
        defer { reply = nil }
        return reply
    }

    /// Key shares the first ClientHello carried.
    var sharesSent: [UInt16] {
        firstHello?.sharesSent ?? []
    }

    /// Skips leading warning alerts (and, after a retry, the one ChangeCipherSpec a middlebox-compatible
    /// server may send). Returns the bytes for the parser, or nil while more are needed.
    private mutating func screenFront() throws -> [UInt8]? {
        while let type = front.first, type == TLSConstants.recordAlert || (retry != nil && type == TLSConstants.recordChangeCipherSpec) {
            guard front.count >= 5 else { return nil }
            let length = Int(front[3]) << 8 | Int(front[4])
            if type == TLSConstants.recordAlert {
                guard length == 2 else { break }  // an odd alert record: the parser judges it
                guard front.count >= 7 else { return nil }
                guard front[5] == 1, front[6] != 0 else { break }  // fatal, or close_notify: that is the answer
                let warning = Alert(level: 1, code: front[6])
                warnings.append(warning)
                if warnings.count > Self.maxLeadingWarnings {
                    throw FlightViolation(
                        "the server sent \(warnings.count) warning alerts (\(warning.name)) and no handshake message; "
                            + "a client gives up after \(Self.maxLeadingWarnings)")
                }
                front.removeFirst(7)
            } else {
                guard length == 1, !skippedChangeCipherSpec else { break }
                guard front.count >= 6 else { return nil }
                skippedChangeCipherSpec = true
                front.removeFirst(6)
            }
        }
        return front.isEmpty ? nil : front
    }

    /// The second ClientHello for `hrr`, or nil when this engine cannot send a correct one. It keeps the offer and
    /// changes what the retry request asks for: a key share for its group (when the engine has one; otherwise the
    /// retry request itself is the answer), and the cookie echoed (RFC 8446 §4.2.2). A request that names a group
    /// whose share was already sent, or one with neither group nor cookie, cannot be answered by a different hello;
    /// ``WireEngine`` judges those.
    private func secondHello(after hrr: ServerHello) -> [UInt8]? {
        guard var hello = firstHello, hello.offersTLS13,
            hrr.version == TLSVersion.tls13.wireValue,
            hello.suites.contains(hrr.cipherSuite)
        else { return nil }
        if let group = hrr.keyShareGroup {
            guard hello.groups.contains(group), !sharesSent.contains(group), hello.share(for: group) != nil else { return nil }
            hello.keyShareGroups = [group]
        } else {
            guard hrr.cookie != nil else { return nil }
            hello.keyShareGroups = sharesSent
        }
        hello.cookie = hrr.cookie
        hello.isRetry = true
        return hello.encodeRecords(afterHelloRetry: true)
    }
}

/// The server's bytes broke the protocol in a way the flight parser does not see on its own.
struct FlightViolation: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
