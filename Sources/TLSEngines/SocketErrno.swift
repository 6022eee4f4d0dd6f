#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which socket errors are about the origin and which are about the machine running the scan.
///
/// A refused, reset or timed-out connection, or a host that a router says is unreachable, is
/// evidence about the origin. Running out of file descriptors or memory, having no route at all
/// (an IPv6 address on an IPv4-only host), no free local address or port, or a local firewall that
/// forbids the connection is not: the origin was never asked. Those probes end `failed` with stage
/// ``ProbeFailure/Stage/localSystem`` and never count as "origin not responding".
package enum SocketErrno {
    /// errno values that describe this machine, not the peer.
    package static let local: Set<Int32> = [
        EMFILE, ENFILE, ENOBUFS, ENOMEM,  // out of descriptors or memory
        ENETUNREACH, ENETDOWN,  // no route from this host (e.g. AAAA on an IPv4-only host)
        EADDRNOTAVAIL, EADDRINUSE,  // no usable local address or port
        EACCES, EPERM,  // a local firewall (netfilter) forbids the connection
        EAFNOSUPPORT,  // the address family is disabled here (IPv6 off)
    ]

    /// True when `code` is a problem of the scanning machine rather than of the origin.
    package static func isLocal(_ code: Int32) -> Bool { local.contains(code) }

    /// Short human text for the errno values a scanner meets, with the symbolic name.
    package static func describe(_ code: Int32) -> String {
        switch code {
        case ECONNREFUSED: return "connection refused"
        case ECONNRESET: return "connection reset"
        case EHOSTUNREACH: return "no route to host"
        case ETIMEDOUT: return "connection timed out"
        case ENETUNREACH: return "network unreachable (ENETUNREACH): this machine has no route to that network"
        case ENETDOWN: return "network is down (ENETDOWN)"
        case EADDRNOTAVAIL: return "cannot assign the requested address (EADDRNOTAVAIL): no usable local address or port"
        case EADDRINUSE: return "local address in use (EADDRINUSE): no free local port"
        case EMFILE: return "too many open files (EMFILE): the process's file-descriptor limit (ulimit -n) is reached"
        case ENFILE: return "too many open files in the system (ENFILE)"
        case ENOBUFS: return "no buffer space available (ENOBUFS)"
        case ENOMEM: return "out of memory (ENOMEM)"
        case EACCES: return "permission denied (EACCES): a local firewall or policy forbids the connection"
        case EPERM: return "operation not permitted (EPERM): a local firewall forbids the connection"
        case EAFNOSUPPORT: return "address family not supported (EAFNOSUPPORT): IPv6 or IPv4 is disabled on this machine"
        default:
            if let text = strerror(code) { return String(cString: text) + " (errno \(code))" }
            return "socket error \(code)"
        }
    }

    /// The reason text of a probe that a local errno stopped; says plainly that the origin was not at fault.
    package static func localReason(_ code: Int32, during step: String? = nil) -> String {
        "local problem on the scanning machine, not the origin: " + (step.map { "\($0): " } ?? "") + describe(code)
    }
}
