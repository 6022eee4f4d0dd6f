#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import Synchronization

/// Keeps a few file descriptors free for the runtime: a probe whose socket would leave fewer than
/// ``kept`` descriptors under the open-file limit fails locally (EMFILE) without opening it.
///
/// Why: on Linux, libdispatch (which runs Swift's task executor) checks its worker threads once a second
/// while work is queued, opening `/proc/<tid>/stat` for each; when that open fails it stops the process
/// (`DISPATCH_CLIENT_CRASH`, "workq: registered worker exited prematurely", SIGILL). A scan whose sockets took
/// the last descriptors could therefore crash instead of reporting its probes as a local problem
/// (swift-corelibs-libdispatch `src/event/workqueue.c`, `_dispatch_workq_count_runnable_workers`).
///
/// Cheap when far from the limit: the sockets this process holds are counted, and only when that count and
/// the descriptors open at start come near the limit (`getrlimit` per socket) does a check open ``kept``
/// descriptors on /dev/null and close them again.
package enum DescriptorHeadroom {
    /// Descriptors a probe's socket must leave free.
    package static let kept = 8

    private static let sockets = Atomic<Int>(0)
    private static let checks = Mutex<Void>(())

    /// The descriptors open when first asked (start-up: ``EngineCapabilities/warmUp()``), sockets aside.
    static let baseline: Int = openDescriptors()

    /// nil when a socket may be opened now, else the reason its probe fails (a local problem, EMFILE).
    static func refusal() -> String? {
        var limits = rlimit()
        guard getrlimit(resource, &limits) == 0, limits.rlim_cur != rlim_t.max else { return nil }  // RLIM_INFINITY
        let soft = Int(clamping: UInt64(limits.rlim_cur))
        if baseline + sockets.load(ordering: .relaxed) + 4 * kept < soft { return nil }
        // near the limit: can `kept` descriptors be opened right now (one check at a time)?
        let free = checks.withLock { _ in
            var opened: [Int32] = []
            defer { for fd in opened { closeDescriptor(fd) } }
            while opened.count < kept {
                let fd = open("/dev/null", O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { break }
                opened.append(fd)
            }
            return opened.count
        }
        guard free < kept else { return nil }
        return SocketErrno.localReason(EMFILE, during: "socket")
            + "; fewer than \(kept) descriptors are left (\(free)), which tlsmatrix keeps for the runtime"
    }

    /// A socket of this process was opened (`true`) or closed.
    static func count(opened: Bool) {
        sockets.add(opened ? 1 : -1, ordering: .relaxed)
    }

    /// Descriptors open right now (inherited ones included).
    package static func openDescriptors() -> Int {
        for folder in ["/proc/self/fd", "/dev/fd"] {
            if let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) {
                return max(0, entries.count - 1)  // the listing's own descriptor
            }
        }
        return 64
    }

    private static func closeDescriptor(_ fd: Int32) {
        #if canImport(Glibc)
            _ = Glibc.close(fd)
        #else
            _ = Darwin.close(fd)
        #endif
    }

    #if canImport(Glibc)
        private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
        private static let resource = RLIMIT_NOFILE
    #endif
}
