import Foundation

/// How a process ended, awaited without blocking a thread: `Process.waitUntilExit()` blocks its caller, so an
/// async test that called it would stall one of Swift's few cooperative threads. The process's termination
/// handler resumes the waiting task instead.
///
///     try process.run()
///     let ended = await ProcessExit.wait(for: process)
///
/// The handler is installed by ``wait(for:)`` itself, before or after `run()`: a process that has already
/// ended is answered at once.
public enum ProcessExit {
    public struct Ended: Sendable, Equatable {
        public let reason: Process.TerminationReason
        public let status: Int32
    }

    public static func wait(for process: Process) async -> Ended {
        let once = ResumeOnce()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Ended, Never>) in
            once.set(continuation)
            process.terminationHandler = { ended in
                once.resume(Ended(reason: ended.terminationReason, status: ended.terminationStatus))
            }
            // Ended before the handler was in place: the handler may never run, so answer now.
            if !process.isRunning {
                once.resume(Ended(reason: process.terminationReason, status: process.terminationStatus))
            }
        }
    }
}

/// Resumes a continuation exactly once, from whichever of the termination handler and the caller comes first.
private final class ResumeOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<ProcessExit.Ended, Never>?

    func set(_ continuation: CheckedContinuation<ProcessExit.Ended, Never>) {
        lock.lock()
        defer { lock.unlock() }
        self.continuation = continuation
    }

    func resume(_ ended: ProcessExit.Ended) {
        lock.lock()
        let continuation = self.continuation
        self.continuation = nil
        lock.unlock()
        continuation?.resume(returning: ended)
    }
}
