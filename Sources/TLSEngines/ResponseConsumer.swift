import NIOCore
import NIOPosix

/// Reads a response incrementally; `consume` returns true once it has all it needs.
package protocol ResponseConsumer: Sendable {
    mutating func consume(_ bytes: [UInt8]) throws -> Bool
    /// Bytes to send to the peer after a `consume` that did not finish the exchange (a second turn,
    /// such as the ClientHello that answers a HelloRetryRequest); nil when there is nothing to send.
    mutating func takeReply() -> [UInt8]?
}

extension ResponseConsumer {
    package mutating func takeReply() -> [UInt8]? { nil }
}

/// A consumer for exchanges that expect no answer.
package struct NoResponse: ResponseConsumer {
    package init() {}
    package mutating func consume(_ bytes: [UInt8]) throws -> Bool { true }
}
