import TLSCatalog

/// Why a probe failed without a definitive answer.
package struct ProbeFailure: Sendable, Equatable, CustomStringConvertible {
    package enum Stage: String, Sendable, Equatable {
        /// No TCP connection could be made.
        case connect
        /// The server's bytes broke the protocol (or claimed something that was not offered).
        case protocolViolation
        /// The server answered with something that is not TLS (plain HTTP, text, random bytes).
        case notTLS
        /// A local problem: the engine could not run this probe.
        case local
        /// The scanning machine's system refused the connection before the origin was asked: out of
        /// file descriptors or memory, no route from here, no local address, a local firewall
        /// (see ``SocketErrno``). Never evidence about the origin.
        case localSystem
        /// The connection was reset (or closed bare) on every attempt, with no alert to confirm a refusal: a fault
        /// on the path or a throttling origin, not an answer (see `ProbeConfirmation` in TLSScan).
        case unconfirmed
    }

    package var stage: Stage
    package var message: String

    package init(_ stage: Stage, _ message: String) {
        self.stage = stage
        self.message = message
    }

    package var description: String { message }
}
