import Foundation
#if canImport(Glibc)
    import Glibc
#endif
import TLSAudit
import TLSCatalog
import TLSDistribution
import TLSEngines
import TLSReport
import TLSScan

/// What `tlsmatrix distribution` has to do: the distinct connections to make (an origin shared by several
/// distributions or behaviours is one job) and, for every origin, its job or its outcome without one.
struct DistributionPlan {
    /// One endpoint reached one way: everything that changes what CloudFront would see is in the key.
    struct Job: Hashable, Sendable {
        var domain: String
        /// The HTTPS port, or the HTTP port for an http-only origin.
        var port: Int
        var httpOnly: Bool
        /// The HTTP port checked besides the HTTPS scan (match-viewer).
        var httpPort: Int?
        /// From `--resolve`; nil: DNS.
        var address: String?
        var protocols: [TLSVersion]
        var attempts: Int
        var connectTimeout: Int
    }

    /// Distinct jobs in the order first met.
    var jobs: [Job] = []
    /// For each job, the aliases whose certificate (SNI = alias) must be fetched, in the order met.
    var aliases: [Job: [String]] = [:]
    /// Per distribution (by index), per origin position (its index in `origins`, not its Id: two origins whose Ids
    /// are unresolved never share an entry): its job, or its outcome when it needs none.
    var origins: [[Int: Either]] = []
    /// Per distribution, the origins' keys (``Origin/id``) by position, which the audit names outcomes by.
    var originIds: [[String]] = []

    enum Either {
        /// Reached through `job`; `presentsClientCertificate` when the origin has origin mutual TLS configured.
        case job(Job, presentsClientCertificate: Bool)
        case done(OriginOutcome)
    }

    init(distributions: [Distribution], offline: Bool, resolve: [ResolveKey: String]) {
        for distribution in distributions {
            let aliases = distribution.aliases.compactMap(\.resolved)
            var map: [Int: Either] = [:]
            originIds.append(distribution.origins.map(\.id))
            for (position, (origin, route)) in zip(distribution.origins, DistributionChecks.routing(of: distribution)).enumerated() {
                switch origin.kind {
                case .s3(let reason):
                    map[position] = .done(.skipped("S3 origin (\(reason)): CloudFront reaches it over AWS's own TLS; nothing to scan"))
                    continue
                case .vpc(let reason):
                    map[position] = .done(
                        .skipped("VPC origin (\(reason)): reached inside AWS, not from CloudFront's public edge; not scanned"))
                    continue
                case .custom:
                    break
                }
                guard case .resolved(let domain) = origin.domain else {
                    if case let .unresolved(expression, path) = origin.domain {
                        map[position] = .done(
                            .unresolved(
                                "DomainName is \(expression) (\(path)), which cannot be resolved from the file; give --param NAME=VALUE for a template parameter, or audit the deployed distribution (get-distribution-config)"
                            ))
                    }
                    continue
                }
                if offline {
                    map[position] = .done(.offline)
                    continue
                }
                let httpOnly = origin.protocolPolicy == .httpOnly
                let port = httpOnly ? origin.httpPort : origin.httpsPort
                let job = Job(
                    domain: domain.lowercased(), port: port, httpOnly: httpOnly,
                    httpPort: origin.protocolPolicy == .matchViewer ? origin.httpPort : nil,
                    address: resolve[ResolveKey(name: domain.lowercased(), port: port)],
                    protocols: httpOnly ? [] : origin.originSSLProtocols, attempts: origin.connectionAttempts,
                    connectTimeout: origin.connectionTimeout)
                if !jobs.contains(job) { jobs.append(job) }
                // the certificate must cover every alias when Host is (or may be) forwarded
                if !httpOnly, route.forwardsHost != false {
                    var list = self.aliases[job] ?? []
                    for alias in aliases where !list.contains(alias.lowercased()) { list.append(alias.lowercased()) }
                    self.aliases[job] = list
                }
                map[position] = .job(job, presentsClientCertificate: origin.mtls)
            }
            origins.append(map)
        }
    }
}

/// Runs the jobs of a plan within the run's limits and turns them into each origin's outcome.
struct DistributionRunner: Sendable {
    let environment: SystemEnvironment
    let analysis: AnalysisOptions
    let handshakeTimeout: Duration
    let limits: ScanLimits
    let perHost: Int
    let delay: Duration
    let crossCheck: Bool
    /// `--checks` (always with cloudfront).
    let checks: Set<ScanCheck>
    let progress: DistributionProgress?
    /// Jobs run at once.
    let inFlight: Int

    /// What one job found.
    enum Result: Sendable {
        case port(PortCheck, address: String?)
        case unresolved(String)
        case scan(ScanResult, aliases: [AliasCertificate], aliasConnections: Int)
    }

    /// A job's scan analysed for the origins that reach it one way (with or without a client certificate).
    struct AnalysisKey: Hashable {
        var job: DistributionPlan.Job
        var presentsClientCertificate: Bool
    }

    /// Each distribution's origin outcomes, by distribution index and origin id.
    func run(_ plan: DistributionPlan) async -> [Int: [String: OriginOutcome]] {
        var results: [DistributionPlan.Job: Result] = [:]
        await withTaskGroup(of: (DistributionPlan.Job, Result).self) { group in
            var pending = plan.jobs[...]
            func next() -> Bool {
                guard let job = pending.popFirst() else { return false }
                group.addTask { (job, await self.run(job, aliases: plan.aliases[job] ?? [])) }
                return true
            }
            for _ in 0..<max(1, inFlight) where next() {}
            for await (job, result) in group {
                results[job] = result
                await progress?.jobFinished()
                _ = next()
            }
        }
        var outcomes: [Int: [String: OriginOutcome]] = [:]
        var analyses: [AnalysisKey: ScanAnalysis] = [:]
        for (index, map) in plan.origins.enumerated() {
            var byOrigin: [String: OriginOutcome] = [:]
            let ids = plan.originIds[index]
            for (position, either) in map {
                let id = ids[position]
                switch either {
                case .done(let outcome):
                    byOrigin[id] = outcome
                case let .job(job, presentsClientCertificate):
                    let from = job.address == nil ? "dns" : "resolve"
                    switch results[job] {
                    case .port(let check, let address)?:
                        byOrigin[id] = .httpOnly(check, address: address, addressFrom: from)
                    case .unresolved(let reason)?:
                        byOrigin[id] = .unresolved(reason)
                    case .scan(let scan, let aliases, let connections)?:
                        let key = AnalysisKey(job: job, presentsClientCertificate: presentsClientCertificate)
                        let analysed: ScanAnalysis
                        if let done = analyses[key] {
                            analysed = done
                        } else {
                            var options = analysis
                            options.originProtocols = job.protocols
                            options.presentsClientCertificate = presentsClientCertificate
                            analysed = await ScanAnalysis.analyze(scan, options: options)
                            analyses[key] = analysed
                        }
                        byOrigin[id] = .scanned(analysed, aliases: aliases, aliasConnections: connections, addressFrom: from)
                    case nil:
                        byOrigin[id] = .unresolved("not scanned")
                    }
                }
            }
            outcomes[index] = byOrigin
        }
        return outcomes
    }

    func scanOptions(_ job: DistributionPlan.Job) -> ScanOptions {
        var options = ScanOptions()
        options.serverName = IPAddressText.isLiteral(job.domain) ? nil : job.domain
        options.deadlines = Deadlines(connect: .seconds(job.connectTimeout), handshake: handshakeTimeout)
        options.dnsTimeout = .seconds(job.connectTimeout)
        options.perHostConcurrency = perHost
        options.delay = delay
        options.connectAttempts = job.attempts
        options.crossCheck = crossCheck
        options.checks = checks
        options.httpPort = job.httpPort
        options.originProtocols = job.protocols
        options.limits = limits
        options.observer = progress
        return options
    }

    func run(_ job: DistributionPlan.Job, aliases: [String]) async -> Result {
        let options = scanOptions(job)
        if job.httpOnly {
            return await checkPort(job, options: options)
        }
        let scanner = Scanner(options: options, environment: environment)
        let scan = await scanner.scan(Target(host: job.domain, port: job.port), address: job.address)
        guard scan.reachability.isReachable, !aliases.isEmpty else {
            return .scan(scan, aliases: [], aliasConnections: 0)
        }
        let (served, connections) = await scanner.chains(servedTo: aliases, by: scan)
        var audited: [AliasCertificate] = []
        for item in served {
            guard let chain = item.chain else {
                let undecided = item.outcome.map { !$0.isDefinitive } ?? true
                audited.append(
                    AliasCertificate(
                        alias: item.serverName, report: nil,
                        problem: item.outcome.map(Self.describe) ?? "no certificate", undecided: undecided))
                continue
            }
            let audit = CertificateAudit(
                trustRoots: analysis.trustStore ?? .empty(), now: analysis.now,
                warnDays: analysis.warnDays, trustCache: analysis.trustCache)
            let report = await audit.audit(chain: chain.der, originDomain: item.serverName, hostHeader: nil)
            audited.append(AliasCertificate(alias: item.serverName, report: report, problem: nil, undecided: false))
        }
        return .scan(scan, aliases: audited, aliasConnections: connections)
    }

    /// An http-only origin: CloudFront needs only its HTTP port (one TCP connect per attempt, like CloudFront's).
    func checkPort(_ job: DistributionPlan.Job, options: ScanOptions) async -> Result {
        let scanner = Scanner(options: options, environment: environment)
        switch await scanner.address(of: Target(host: job.domain, port: job.port), given: job.address) {
        case .failure(let why):
            return .unresolved("\(job.domain) does not resolve: \(why.reason)")
        case .success(let address):
            let check = await scanner.checkPort(Endpoint(host: job.domain, address: address, port: job.port)) {
                await progress?.probeFinished()
            }
            return .port(check, address: address)
        }
    }

    static func describe(_ outcome: ProbeOutcome) -> String {
        switch outcome {
        case .accepted: "the handshake completed without a certificate"
        case .rejected(let rejection): "refused: \(rejection)"
        case .timedOut(let phase): "timed out during \(phase.rawValue)"
        case .failed(let failure): "could not run: \(failure.message)"
        }
    }
}

/// The progress bar of a multi-origin run (standard error, terminals only).
actor DistributionProgress: ScanObserver {
    let total: Int
    private var done = 0
    private var handshakes = 0
    private let began = ContinuousClock.now
    private var ticker: Task<Void, Never>?

    init(total: Int) { self.total = total }

    func start() {
        ticker = Task { [weak self] in
            while !Task.isCancelled {
                await self?.draw()
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    func probeFinished() { handshakes += 1 }

    func jobFinished() {
        done += 1
        draw()
    }

    func finish() {
        ticker?.cancel()
        try? Output.standardError.write("\r\u{1B}[2K")
    }

    private func draw() {
        let line = ProgressBar.line(
            done: done, total: total, unit: "origins", handshakes: handshakes,
            elapsed: FleetRun.seconds(ContinuousClock.now - began))
        try? Output.standardError.write(line)
    }
}
