import NIOCore
import NIOPosix

/// How one request/response exchange over TCP ended.
package enum ExchangeEnd<Consumer: ResponseConsumer>: Sendable {
    /// The consumer had what it needed.
    case complete(Consumer)
    /// The peer closed the connection first.
    case closed(Consumer)
    /// The peer reset the connection.
    case reset(Consumer)
    /// A deadline passed; the consumer holds whatever arrived before it.
    case timedOut(TimeoutPhase, Consumer?)
    /// No TCP connection could be made (the origin refused, or a router said it is unreachable).
    case connectFailed(String)
    /// This machine could not make the connection (out of descriptors, no route, local firewall…):
    /// says nothing about the origin.
    case localError(String)
    /// The response could not be read (the consumer threw, or an I/O error).
    case failed(any Error, Consumer?)
}
