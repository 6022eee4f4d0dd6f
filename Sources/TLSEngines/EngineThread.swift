/// Runs a blocking library handshake on a thread of its own, never on Swift's cooperative pool.
///
/// The library engines do blocking-style I/O (non-blocking socket + `poll` with the remaining
/// time), so each probe needs a thread for at most its deadlines. A dedicated thread per probe
/// (rather than `NIOThreadPool.singleton`, which has one thread per core) keeps slow servers from
/// starving other probes and the resolver.
enum EngineThread {
    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await DedicatedThread.run(name: "tlsmatrix-engine", body)
    }
}
