import TLSCatalog

/// Deadlines for one probe.
package struct Deadlines: Sendable, Equatable {
    package var connect: Duration
    package var handshake: Duration

    package init(connect: Duration = .seconds(5), handshake: Duration = .seconds(5)) {
        self.connect = connect
        self.handshake = handshake
    }
}
