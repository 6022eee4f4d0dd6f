#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation

/// A TCP socket owned by one probe: non-blocking connect with a deadline, `poll` for readiness.
final class EngineSocket {
    enum ConnectResult {
        case connected(EngineSocket)
        case timedOut
        case failed(String)
        /// This machine could not make the connection (``SocketErrno/isLocal(_:)``): not the origin's doing.
        case localError(String)
    }

    enum WaitResult {
        case ready
        case timedOut
        case failed(String)
    }

    private(set) var fd: Int32

    private init(fd: Int32) {
        self.fd = fd
        DescriptorHeadroom.count(opened: true)
    }

    deinit {
        close()
    }

    func close() {
        if fd >= 0 {
            _ = systemClose(fd)
            fd = -1
            DescriptorHeadroom.count(opened: false)
        }
    }

    /// Connects to an IPv4 or IPv6 literal within `timeout`.
    static func connect(address rawAddress: String, port: Int, timeout: Duration) -> ConnectResult {
        var address = rawAddress
        if address.hasPrefix("["), address.hasSuffix("]") { address = String(address.dropFirst().dropLast()) }
        guard (0...65535).contains(port) else { return .failed("invalid port \(port)") }

        var storage = sockaddr_storage()
        let length: socklen_t
        let family: Int32
        var v4 = in_addr()
        var v6 = in6_addr()
        // A zone index ("fe80::1%eth0") is split off and resolved to an interface number.
        var scope: UInt32 = 0
        var literal = address
        if let percent = address.firstIndex(of: "%") {
            literal = String(address[..<percent])
            let zone = String(address[address.index(after: percent)...])
            scope = UInt32(zone) ?? if_nametoindex(zone)
        }
        if inet_pton(AF_INET, literal, &v4) == 1 {
            family = AF_INET
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = in_port_t(UInt16(port).bigEndian)
            sin.sin_addr = v4
            withUnsafeMutableBytes(of: &storage) { raw in
                withUnsafeBytes(of: sin) { raw.copyMemory(from: $0) }
            }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        } else if inet_pton(AF_INET6, literal, &v6) == 1 {
            family = AF_INET6
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = in_port_t(UInt16(port).bigEndian)
            sin6.sin6_addr = v6
            sin6.sin6_scope_id = scope
            withUnsafeMutableBytes(of: &storage) { raw in
                withUnsafeBytes(of: sin6) { raw.copyMemory(from: $0) }
            }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        } else {
            return .failed("invalid address \(rawAddress)")
        }

        if let refusal = DescriptorHeadroom.refusal() { return .localError(refusal) }
        #if canImport(Glibc)
            let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
            let fd = socket(family, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return .localError(SocketErrno.localReason(errno, during: "socket")) }
        let sock = EngineSocket(fd: fd)
        let flags = fcntl(fd, F_GETFL, 0)
        guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 else {
            return .localError(SocketErrno.localReason(errno, during: "fcntl"))
        }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))

        let deadline = EngineDeadline(after: timeout)
        let rc = withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { systemConnect(fd, $0, length) }
        }
        if rc == 0 { return .connected(sock) }
        let connectErrno = errno
        guard connectErrno == EINPROGRESS || connectErrno == EINTR else {
            return outcome(of: connectErrno)
        }
        switch sock.wait(forWriting: true, until: deadline) {
        case .timedOut: return .timedOut
        case .failed(let why): return .localError("local problem on the scanning machine, not the origin: \(why)")
        case .ready: break
        }
        var soError: Int32 = 0
        var soLength = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &soLength) == 0 else {
            return .localError(SocketErrno.localReason(errno, during: "getsockopt"))
        }
        if soError != 0 { return outcome(of: soError) }
        return .connected(sock)
    }

    /// A failed connect: the origin's answer, or a problem of this machine.
    private static func outcome(of code: Int32) -> ConnectResult {
        SocketErrno.isLocal(code) ? .localError(SocketErrno.localReason(code)) : .failed(describe(code))
    }

    /// Waits until the socket is readable (or writable) or `deadline` passes.
    func wait(forWriting: Bool, until deadline: EngineDeadline) -> WaitResult {
        while true {
            let timeout = deadline.remainingMilliseconds
            if timeout == 0 && deadline.hasPassed { return .timedOut }
            var pfd = pollfd(fd: fd, events: Int16(forWriting ? POLLOUT : POLLIN), revents: 0)
            let rc = poll(&pfd, 1, timeout)
            if rc > 0 { return .ready }  // POLLERR / POLLHUP also wake the library, which then sees the error.
            if rc == 0 {
                if deadline.hasPassed { return .timedOut }
                continue
            }
            let pollErrno = errno
            if pollErrno == EINTR { continue }
            return .failed("poll: \(describe(pollErrno))")
        }
    }

    /// Human text for the errno values a scanner meets (same wording as ``TCPTransport``).
    static func describe(_ code: Int32) -> String { SocketErrno.describe(code) }

    private func describe(_ code: Int32) -> String { Self.describe(code) }
}

// The C library's `close` and `connect`, which ``EngineSocket``'s own `close()` and `connect` hide.
#if canImport(Glibc)
    private func systemClose(_ fd: Int32) -> Int32 { Glibc.close(fd) }
    private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
        Glibc.connect(fd, address, length)
    }
#elseif canImport(Darwin)
    private func systemClose(_ fd: Int32) -> Int32 { Darwin.close(fd) }
    private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
        Darwin.connect(fd, address, length)
    }
#endif
