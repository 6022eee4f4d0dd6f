import TLSCatalog

/// A network address to probe: the name the user gave, the resolved address, and the port.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public let host: String
    public let address: String
    public let port: Int

    public init(host: String, address: String, port: Int) {
        self.host = host
        self.address = address
        self.port = port
    }

    public var description: String { address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)" }
}
