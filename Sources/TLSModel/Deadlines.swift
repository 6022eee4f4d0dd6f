import TLSCatalog

/// Deadlines for one probe.
public struct Deadlines: Sendable, Equatable {
    public var connect: Duration
    public var handshake: Duration

    public init(connect: Duration = .seconds(5), handshake: Duration = .seconds(5)) {
        self.connect = connect
        self.handshake = handshake
    }
}
