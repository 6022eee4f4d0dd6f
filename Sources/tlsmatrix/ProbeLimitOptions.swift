import ArgumentParser
import TLSEngines
import TLSScan

/// How many probes run at once and how fast: the politeness options of every command that scans (`scan`,
/// `distribution`), their bounds, and the open-file limit they need.
struct ProbeLimitOptions: ParsableArguments {
    @Option(help: "Probes in flight at once against one host (address); everything scanned on that address shares it.")
    var concurrency: Int = ScanOptions.defaultPerHostConcurrency

    @Option(help: "Probes in flight at once across the run.")
    var globalConcurrency: Int = 32

    @Option(help: "Milliseconds between the starts of two probes to the same host.")
    var delay: Int = 0

    func validate() throws {
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64") }
        guard (1...1024).contains(globalConcurrency) else { throw ValidationError("--global-concurrency must be between 1 and 1024") }
        guard concurrency <= globalConcurrency else {
            throw ValidationError("--concurrency \(concurrency) is above --global-concurrency \(globalConcurrency)")
        }
        guard (0...60_000).contains(delay) else { throw ValidationError("--delay must be between 0 and 60000 ms") }
    }

    var delayDuration: Duration { .milliseconds(delay) }

    /// The run-wide limits every scan of the run shares.
    var scanLimits: ScanLimits {
        ScanLimits(globalConcurrency: globalConcurrency, perHostConcurrency: concurrency, delay: delayDuration)
    }

    /// Targets (or origins) scanned at the same time: enough to keep --global-concurrency busy at --concurrency per host.
    var targetsInFlight: Int { Self.targetsInFlight(global: globalConcurrency, perHost: concurrency) }

    /// Targets scanned at the same time: enough to keep --global-concurrency busy at --concurrency per host.
    static func targetsInFlight(global: Int, perHost: Int) -> Int {
        min(256, 2 * ((global + perHost - 1) / perHost))
    }

    /// Descriptors kept for report files, the trust store, the libraries and the event loops (32),
    /// and one socket per DNS lookup thread (a lookup past its deadline may still run during the scan).
    static let descriptorReserve = 32 + Resolver.maxLookupThreads

    /// Descriptors a run needs besides those already open: a socket per probe in flight, one per target
    /// in flight for its HTTP port check (outside the probe bound), and the reserve.
    static func descriptorsNeeded(global: Int, perHost: Int) -> Int {
        global + targetsInFlight(global: global, perHost: perHost) + descriptorReserve
    }

    /// RLIMIT_NOFILE must cover --global-concurrency: raise the soft limit if the hard limit allows,
    /// otherwise stop (exit 2) before any probe rather than let probes fail with EMFILE.
    func checkFileLimit() throws {
        let open = FileLimit.openCount()
        let needed = open + Self.descriptorsNeeded(global: globalConcurrency, perHost: concurrency)
        do {
            try FileLimit.ensure(total: needed) { limits in
                let hard = limits.hard >= UInt64(Int.max) ? "unlimited" : String(limits.hard)
                var text =
                    "too few file descriptors: the open-file limit (ulimit -n) is \(limits.soft) (hard limit \(hard)), "
                    + "but --global-concurrency \(globalConcurrency) needs about \(needed) (\(open) already open, "
                    + "\(globalConcurrency) probe sockets, \(Self.targetsInFlight(global: globalConcurrency, perHost: concurrency)) port checks, "
                    + "\(Self.descriptorReserve) reserve); raise the limit to at least \(needed) (ulimit -n \(needed), or LimitNOFILE= for a service)"
                let fits = (1...globalConcurrency).last { global in
                    global >= concurrency && UInt64(open + Self.descriptorsNeeded(global: global, perHost: concurrency)) <= limits.hard
                }
                if let fits { text += " or lower --global-concurrency to \(fits)" }
                return text
            }
        } catch {
            throw ValidationError(error.description)
        }
    }
}
