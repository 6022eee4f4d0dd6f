#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import TLSEngines

/// The process's open-file limit (RLIMIT_NOFILE) against what a run needs: every probe in flight holds
/// a socket, so a limit below the concurrency turns probes into EMFILE failures. Checked before the
/// run starts: the soft limit is raised (never above the hard limit) when needed, otherwise the run
/// stops with a usage error that says what to change.
enum FileLimit {
    struct Limits: Equatable {
        var soft: UInt64
        var hard: UInt64
    }

    /// Why the limit cannot be made high enough.
    struct Shortage: Error, CustomStringConvertible {
        let limits: Limits
        let needed: Int
        let description: String
    }

    static func current() -> Limits? {
        var limits = rlimit()
        guard getrlimit(resource, &limits) == 0 else { return nil }
        return Limits(soft: UInt64(limits.rlim_cur), hard: UInt64(limits.rlim_max))
    }

    /// Makes room for `needed` descriptors in total: raises the soft limit toward the hard one if it is
    /// lower; returns the limits in force afterwards, or a shortage when the hard limit is too low.
    @discardableResult
    static func ensure(total needed: Int, explain: (Limits) -> String) throws(Shortage) -> Limits {
        guard let limits = current() else { return Limits(soft: .max, hard: .max) }
        let want = UInt64(max(0, needed))
        if limits.soft >= want { return limits }
        guard limits.hard >= want else {
            throw Shortage(limits: limits, needed: needed, description: explain(limits))
        }
        var raised = rlimit()
        raised.rlim_cur = rlim_t(want)
        raised.rlim_max = rlim_t(limits.hard)
        guard setrlimit(resource, &raised) == 0, let now = current(), now.soft >= want else {
            throw Shortage(limits: limits, needed: needed, description: explain(limits))
        }
        return now
    }

    /// Descriptors open right now (inherited ones included).
    static func openCount() -> Int { DescriptorHeadroom.openDescriptors() }

    #if canImport(Glibc)
        private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
        private static let resource = RLIMIT_NOFILE
    #endif
}
