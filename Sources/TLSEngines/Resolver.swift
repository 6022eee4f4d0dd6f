#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import TLSCatalog

/// Resolves a host name to its addresses (A and AAAA) within a deadline, off the cooperative pool.
///
/// getaddrinfo cannot be cancelled, so each lookup runs on a thread of its own and the caller stops
/// waiting when the deadline passes; a lookup that outlives its caller finishes in the background.
/// At most ``maxLookupThreads`` lookup threads exist at once, so a hung resolver cannot pile them up;
/// a name that waits for a thread waits within its own deadline.
package enum Resolver {
    /// A blocking lookup: the distinct addresses of a name, IPv4 first. ``systemLookup(_:)`` by default.
    package typealias Lookup = @Sendable (String) throws -> [String]

    /// The default deadline per name.
    package static let defaultTimeout: Duration = ScanDefaults.dnsTimeout

    /// Lookup threads alive at once (including lookups whose callers gave up at their deadline).
    package static let maxLookupThreads = 32

    /// All distinct addresses for `host`, IPv4 first; an IP literal resolves to itself. Throws a
    /// ``TLSMatrixError``: ``TLSMatrixError/Code/nameNotResolved`` when the name does not resolve,
    /// ``TLSMatrixError/Code/nameResolutionTimedOut`` when `timeout` passes first.
    ///
    /// Neither the lookup nor its deadline needs Swift's cooperative pool: the lookup runs on its own
    /// thread and the deadline is a timer on a private serial queue. Not on `DispatchQueue.global()`: that
    /// pool has about one thread per core, so a few threads blocked there (by anyone in the process) held
    /// a 0.3 s deadline back for 30 s on a 2-core machine; a private queue is served by an overcommitting
    /// thread even then.
    package static func addresses(
        of host: String, timeout: Duration = defaultTimeout,
        lookup: @escaping Lookup = systemLookup
    ) async throws -> [String] {
        if IPAddressText.isLiteral(host) { return [host] }
        let answer = Answer()
        let (s, atto) = timeout.components
        let nanoseconds = Int(clamping: s * 1_000_000_000 + atto / 1_000_000_000)
        deadlines.asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) {
            answer.give(
                .failure(
                    TLSMatrixError(
                        .nameResolutionTimedOut,
                        "cannot resolve host '\(host)': no answer within \(seconds(timeout)) s (--dns-timeout)")))
        }
        threads.start {
            // the deadline may have passed while this lookup waited for a thread
            guard !answer.isGiven else { return }
            let result: Result<[String], TLSMatrixError>
            do {
                result = .success(try lookup(host))
            } catch let failure as TLSMatrixError {
                result = .failure(failure)
            } catch {
                result = .failure(TLSMatrixError(.nameNotResolved, "cannot resolve host '\(host)': \(error)"))
            }
            answer.give(result)
        }
        return try await answer.wait().get()
    }

    /// getaddrinfo (A and AAAA, TCP), blocking: the distinct addresses, IPv4 first.
    package static func systemLookup(_ host: String) throws -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &result)
        guard status == 0, let first = result else {
            var reason = String(cString: gai_strerror(status))
            if status == EAI_SYSTEM { reason += ": " + String(cString: strerror(errno)) }
            throw TLSMatrixError(.nameNotResolved, "cannot resolve host '\(host)': \(reason)")
        }
        defer { freeaddrinfo(first) }
        var v4: [String] = []
        var v6: [String] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let entry = node {
            if let sockaddr = entry.pointee.ai_addr {
                var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
                if entry.pointee.ai_family == AF_INET {
                    sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                        var address = sin.pointee.sin_addr
                        _ = inet_ntop(AF_INET, &address, &buffer, socklen_t(buffer.count))
                    }
                    let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    if !v4.contains(text) { v4.append(text) }
                } else if entry.pointee.ai_family == AF_INET6 {
                    sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                        var address = sin6.pointee.sin6_addr
                        _ = inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count))
                    }
                    let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    if !v6.contains(text) { v6.append(text) }
                }
            }
            node = entry.pointee.ai_next
        }
        guard !(v4.isEmpty && v6.isEmpty) else { throw TLSMatrixError(.nameNotResolved, "host '\(host)' has no addresses") }
        return v4 + v6
    }

    static func seconds(_ duration: Duration) -> String {
        let (s, atto) = duration.components
        let value = Double(s) + Double(atto) / 1e18
        return value == value.rounded() ? String(Int(value)) : String(value)
    }

    private static let threads = LookupThreads(limit: maxLookupThreads)
    /// Where every lookup's deadline fires (see ``addresses(of:timeout:lookup:)``).
    private static let deadlines = DispatchQueue(label: "tlsmatrix.resolver.deadlines")
}

/// The first of a lookup's result and its deadline, handed to the one caller waiting for it.
private final class Answer: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<[String], TLSMatrixError>?
    private var waiter: CheckedContinuation<Result<[String], TLSMatrixError>, Never>?

    var isGiven: Bool {
        lock.lock()
        defer { lock.unlock() }
        return result != nil
    }

    /// Records `value` unless an answer was already given, and wakes the caller.
    func give(_ value: Result<[String], TLSMatrixError>) {
        lock.lock()
        guard result == nil else {
            lock.unlock()
            return
        }
        result = value
        let continuation = waiter
        waiter = nil
        lock.unlock()
        continuation?.resume(returning: value)
    }

    func wait() async -> Result<[String], TLSMatrixError> {
        await withCheckedContinuation { continuation in
            lock.lock()
            if let result {
                lock.unlock()
                continuation.resume(returning: result)
            } else {
                waiter = continuation
                lock.unlock()
            }
        }
    }
}

/// Runs lookups on threads of their own, at most `limit` alive at once; the others wait in order and
/// are started by the thread that ends. Locks only: nothing here runs on Swift's cooperative pool.
private final class LookupThreads: @unchecked Sendable {
    private let limit: Int
    private let lock = NSLock()
    private var live = 0
    private var waiting: [@Sendable () -> Void] = []

    init(limit: Int) {
        self.limit = limit
    }

    func start(_ work: @escaping @Sendable () -> Void) {
        lock.lock()
        guard live < limit else {
            waiting.append(work)
            lock.unlock()
            return
        }
        live += 1
        lock.unlock()
        spawn(work)
    }

    private func spawn(_ work: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            var next: (@Sendable () -> Void)? = work
            while let job = next {
                job()
                lock.lock()
                if waiting.isEmpty {
                    live -= 1
                    next = nil
                } else {
                    next = waiting.removeFirst()  // this thread runs the next waiting lookup
                }
                lock.unlock()
            }
        }
        thread.name = "tlsmatrix-resolver"
        thread.start()
    }
}
