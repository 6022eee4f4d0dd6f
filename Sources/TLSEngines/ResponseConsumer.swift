import NIOCore
import NIOPosix

/// Reads a response incrementally; `consume` returns true once it has all it needs.
public protocol ResponseConsumer: Sendable {
    mutating func consume(_ bytes: [UInt8]) throws -> Bool
    /// Bytes to send to the peer after a `consume` that did not finish the exchange (a second turn,
    /// such as the ClientHello that answers a HelloRetryRequest); nil when there is nothing to send.
    mutating func takeReply() -> [UInt8]?
}

extension ResponseConsumer {
    public mutating func takeReply() -> [UInt8]? { nil }
}

/// A consumer for exchanges that expect no answer.
public struct NoResponse: ResponseConsumer {
    public init() {}
    public mutating func consume(_ bytes: [UInt8]) throws -> Bool { true }
}
