import TLSCatalog

/// A network address to probe: the name the user gave, the resolved address, and the port.
package struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    package let host: String
    package let address: String
    package let port: Int

    package init(host: String, address: String, port: Int) {
        self.host = host
        self.address = address
        self.port = port
    }

    package var description: String { address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)" }
}
