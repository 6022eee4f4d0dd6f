#if canImport(Glibc)
    import Foundation
    import Glibc

    /// A TCP port held by a socket that is bound and never listens: connections to it are refused (RST) for as long
    /// as this object lives, and no other test's server can take the port meanwhile (the socket has no SO_REUSEADDR,
    /// so every later bind to it fails; port 0 never hands it out). A listener closed to "free" a port gives no such
    /// guarantee: a parallel test's origin may bind the port before the probe connects, and the probe then meets a
    /// TLS server instead of a refusal.
    public final class BoundPort: @unchecked Sendable {
        public let port: Int
        public let address: String
        private let lock = NSLock()
        private var fd: Int32

        /// Binds `address` (a loopback IPv4 address) and an ephemeral port.
        public init(address: String = "127.0.0.1") throws {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_addr.s_addr = inet_addr(address)
            sin.sin_port = 0
            let bound = withUnsafePointer(to: &sin) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let named = withUnsafeMutablePointer(to: &sin) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            guard bound == 0, named == 0 else {
                Glibc.close(descriptor)
                throw POSIXError(.EADDRINUSE)
            }
            fd = descriptor
            self.address = address
            port = Int(UInt16(bigEndian: sin.sin_port))
        }

        /// Releases the port (once; later calls and deinit do nothing).
        public func close() {
            lock.lock()
            defer { lock.unlock() }
            guard fd >= 0 else { return }
            Glibc.close(fd)
            fd = -1
        }

        deinit { close() }
    }
#endif
