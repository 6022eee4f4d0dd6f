import Foundation

/// Runs blocking or CPU-heavy work on a thread of its own and awaits its result, so Swift's cooperative pool
/// (two threads on a 2-core machine) never waits for a library handshake, a certificate analysis or anything
/// else that does not yield. The library engines and the certificate audit use it; the resolver keeps its own
/// bounded set of threads because a lookup cannot be cancelled and must not pile up.
package enum DedicatedThread {
    package static func run<T: Sendable>(
        name: String, stackSize: Int = 1 << 20,
        _ body: @escaping @Sendable () -> T
    ) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.name = name
            thread.stackSize = stackSize
            thread.start()
        }
    }
}
