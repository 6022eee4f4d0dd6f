import Foundation
import Testing
import TLSAudit
import TLSCatalog
import TLSDistribution
import TLSModel
@testable import TLSReport

/// Issue 22, Host-aware certificate rules. CloudFront checks the origin's certificate against the origin's
/// DomainName or, when the behaviour forwards the viewer's Host, against that Host (one of the aliases; without
/// aliases the distribution's `*.cloudfront.net` name) — CloudFront Developer Guide, certificate requirements, as
/// stored in ../shared/reference/cloudfront-origin.json `certificate_requirements.name_match`. Distributions are
/// built in memory; the probed cases reuse the golden RSA scan with its name changed to a load balancer's.
struct DistributionHostTests {
    static let elbName = "web-alb-1234567890.us-east-1.elb.amazonaws.com"
    static let base = "Resources.CloudFrontDistribution.Properties.DistributionConfig"

    /// The widdix wordpress-ha-aurora shape: one custom origin, the ALB's own DNS name over HTTPS, and behaviours
    /// that forward Host (legacy `ForwardedValues.Headers: ['*']` / AllViewer). `forwarding` says, per behaviour,
    /// whether it forwards Host (nil: its policy cannot be read).
    static func albDistribution(aliases: [String], forwarding: [Bool?]) -> Distribution {
        let patterns = [Behavior.defaultPattern, "/wp-content/*", "/api/*"]
        let behaviors = forwarding.enumerated().map { index, forwards in
            Behavior(
                pathPattern: patterns[index], targetOriginId: "alb", forwardsHost: forwards,
                why: forwards == true ? "legacy ForwardedValues headers contain *" : "managed origin request policy CORS-CustomOrigin",
                path: index == 0 ? base + ".DefaultCacheBehavior" : base + ".CacheBehaviors[\(index - 1)]")
        }
        return Distribution(
            name: "CloudFrontDistribution", sourceFile: "wordpress-ha-aurora.yaml", path: base,
            aliases: aliases.map(Value.resolved),
            origins: [
                Origin(
                    id: "alb", domain: .resolved(elbName), protocolPolicy: .httpsOnly, originSSLProtocols: [.tls12],
                    path: base + ".Origins[0]")
            ],
            behaviors: behaviors, originGroups: [], unresolved: [])
    }

    /// The golden RSA scan as if its origin were reached by the ALB's name: the same server and chain (which
    /// covers `origin.golden.test`, not the ELB name), so CloudFront's name check against the DomainName fails.
    static func elbScan() async throws -> (renamed: ScanAnalysis, original: ScanAnalysis) {
        let original = try await GoldenReportTests.analysis("rsa-origin")
        var scan = original.scan
        let sni = scan.serverName
        scan.serverName = elbName
        for index in scan.certificates.indices where scan.certificates[index].sni == sni {
            scan.certificates[index].sni = elbName
        }
        let renamed = await ScanAnalysis.analyze(scan, options: original.options)
        return (renamed, original)
    }

    static func aliasCertificate(_ original: ScanAnalysis, alias: String = "origin.golden.test") throws -> AliasCertificate {
        AliasCertificate(alias: alias, report: try #require(original.chains.first?.report), problem: nil, undecided: false)
    }

    // MARK: Offline rules

    /// Every behaviour forwards Host: the ELB-name rule does not apply (CloudFront checks the alias), the note says
    /// the alias is checked.
    @Test func elbNameWithHostForwardedEverywhereIsNoCause() {
        let distribution = Self.albDistribution(aliases: ["www.example.com"], forwarding: [true, true])
        let findings = DistributionChecks.findings(for: distribution)
        #expect(!findings.map(\.id).contains("origin-is-elb-dns-name"), "\(findings.map(\.id))")
        let note = findings.first { $0.id == "origin-receives-viewer-host" }
        #expect(note?.severity == .info)
        #expect(note?.message.contains("www.example.com") == true)
        let route = DistributionChecks.routing(of: distribution)[0]
        #expect(route.everyBehaviorForwardsHost)
        #expect(route.hostSent(hasAliases: true).map(\.host) == [.viewerHost])
    }

    /// No behaviour forwards Host: the DomainName is checked, and an ELB's name is the error it always was.
    @Test func elbNameWithoutHostForwardingIsAnError() {
        let distribution = Self.albDistribution(aliases: ["www.example.com"], forwarding: [false])
        let finding = DistributionChecks.findings(for: distribution).first { $0.id == "origin-is-elb-dns-name" }
        #expect(finding?.severity == .error)
    }

    /// Mixed: `/wp-content/*` sends the DomainName, so the ELB rule is an error naming it; the Default behaviour
    /// sends the alias.
    @Test func mixedBehavioursKeepTheElbRuleForThoseSendingTheDomainName() {
        let distribution = Self.albDistribution(aliases: ["www.example.com"], forwarding: [true, false])
        let findings = DistributionChecks.findings(for: distribution)
        let elb = findings.first { $0.id == "origin-is-elb-dns-name" }
        #expect(elb?.severity == .error)
        #expect(elb?.message.contains("/wp-content/*") == true)
        #expect(findings.contains { $0.id == "origin-receives-viewer-host" })
        let sent = DistributionChecks.routing(of: distribution)[0].hostSent(hasAliases: true)
        #expect(sent.map(\.host) == [.originDomain, .viewerHost])
        #expect(sent.map(\.behaviors) == [["/wp-content/*"], [Behavior.defaultPattern]])
    }

    /// A behaviour whose policy cannot be read: the ELB rule is a warning, not an error.
    @Test func unknownForwardingMakesTheElbRuleAWarning() {
        let distribution = Self.albDistribution(aliases: ["www.example.com"], forwarding: [true, nil])
        let elb = DistributionChecks.findings(for: distribution).first { $0.id == "origin-is-elb-dns-name" }
        #expect(elb?.severity == .warning)
    }

    /// aws-cdk integ.distribution-policies: Host forwarded (AllViewer) on a distribution without aliases. The viewer's
    /// Host is the `*.cloudfront.net` name; no origin certificate covers it: a certain 502, its own cause with a fix,
    /// pointing at the behaviour. Offline the verdict is FAILED, not UNVERIFIED.
    @Test func hostForwardedWithoutAliasesIsACertain502() throws {
        let distribution = Self.albDistribution(aliases: [], forwarding: [true])
        let findings = DistributionChecks.findings(for: distribution)
        let cause = try #require(findings.first { $0.id == DistributionChecks.cloudFrontDomainHost })
        #expect(cause.severity == .error)
        #expect(cause.message.contains("*.cloudfront.net"))
        #expect(cause.fix?.contains("AllViewerExceptHostHeader") == true)
        #expect(cause.path == Self.base + ".DefaultCacheBehavior")
        let entry = DistributionAudit.audit(distribution, outcomes: ["alb": .offline], findings: findings, embedding: ScanReport.self)
        #expect(entry.status == .failed)
        #expect(entry.origins[0].hostSent == [HostHeader(host: "cloudfront-domain", names: [], behaviors: [Behavior.defaultPattern])])
        let report = DistributionReport(offline: true, distributions: [entry])
        let text = DistributionTextReport.render(report)
        #expect(text.contains("Host sent"))
        #expect(text.contains("*.cloudfront.net (no alias)"))
        #expect(text.contains("Verdict: FAILED"))
        #expect(DistributionHTMLReport.render(report).contains("<td class=\"bad\">*.cloudfront.net (no alias)</td>"))
    }

    /// Without aliases and without Host forwarding, nothing is wrong with the Host: no such cause.
    @Test func noAliasesWithoutForwardingIsFine() {
        let distribution = Self.albDistribution(aliases: [], forwarding: [false])
        #expect(!DistributionChecks.findings(for: distribution).map(\.id).contains(DistributionChecks.cloudFrontDomainHost))
    }

    // MARK: Probed

    /// widdix, probed: the scan's name check against the ELB name fails, but every behaviour forwards Host, so
    /// CloudFront checks the alias, which the certificate covers. No name-mismatch cause, every generation judged as
    /// for the right name, the alias checked, the origin connects.
    @Test func probedElbOriginWithHostForwardedIsJudgedOnTheAlias() async throws {
        let (renamed, original) = try await Self.elbScan()
        let mismatch = Finding.ID.nameMismatch
        try #require(
            renamed.cloudfront.generations.contains { $0.causes.contains { $0.id == mismatch } },
            "the renamed scan fails CloudFront's name check against the ELB name")
        let distribution = Self.albDistribution(aliases: ["origin.golden.test"], forwarding: [true, true])
        let entry = DistributionAudit.audit(
            distribution,
            outcomes: [
                "alb": .scanned(renamed, aliases: [try Self.aliasCertificate(original)], aliasConnections: 1, addressFrom: "resolve")
            ],
            findings: DistributionChecks.findings(for: distribution), embedding: ScanReport.self)
        let origin = entry.origins[0]
        #expect(!origin.causes.map(\.id).contains(mismatch), "\(origin.causes.map(\.id))")
        #expect(!origin.causes.map(\.id).contains("origin-is-elb-dns-name"))
        #expect(origin.notes.map(\.id).contains("domain-name-not-checked"))
        #expect(origin.aliases.map(\.alias) == ["origin.golden.test"])
        #expect(origin.aliases.first?.covered == true)
        // each generation as CloudFront judges the certificate for the right name
        let expected = Dictionary(uniqueKeysWithValues: original.cloudfront.generations.map { ($0.generation.rawValue, $0.compatible) })
        for generation in origin.generations {
            #expect(generation.compatible == expected[generation.id] ?? nil, "\(generation.id)")
            #expect(!generation.causes.contains(mismatch))
        }
        let originalPasses = original.cloudfront.generations.allSatisfy { $0.compatible == true }
        #expect(origin.outcome == (originalPasses ? .connects : .fails))
        #expect(
            origin.hostSent == [
                HostHeader(
                    host: "viewer-host", names: ["origin.golden.test"],
                    behaviors: [Behavior.defaultPattern, "/wp-content/*"])
            ])
        let text = DistributionTextReport.render(DistributionReport(offline: false, distributions: [entry]))
        #expect(text.contains("alias (origin.golden.test)"))
    }

    /// Mixed, probed: `/wp-content/*` sends the ELB name as Host, so the name mismatch stays a cause (naming those
    /// behaviours) and the origin fails; the alias is checked for the Default behaviour.
    @Test func probedMixedBehavioursKeepTheDomainNameCause() async throws {
        let (renamed, original) = try await Self.elbScan()
        let distribution = Self.albDistribution(aliases: ["origin.golden.test"], forwarding: [true, false])
        let entry = DistributionAudit.audit(
            distribution,
            outcomes: [
                "alb": .scanned(renamed, aliases: [try Self.aliasCertificate(original)], aliasConnections: 1, addressFrom: "resolve")
            ],
            findings: DistributionChecks.findings(for: distribution), embedding: ScanReport.self)
        let origin = entry.origins[0]
        let mismatch = try #require(origin.causes.first { $0.id == Finding.ID.nameMismatch })
        #expect(mismatch.message.contains("/wp-content/*"))
        #expect(origin.causes.map(\.id).contains("origin-is-elb-dns-name"))
        #expect(origin.outcome == .fails)
        #expect(entry.status == .failed)
        #expect(origin.aliases.first?.covered == true)
        #expect(origin.hostSent.map(\.host) == ["origin-domain", "viewer-host"])
        let cell = DistributionPresentation.hostSent(origin)
        #expect(cell.line == "DomainName for /wp-content/*; alias (origin.golden.test) for Default (*)")
        let markdown = DistributionMarkdownReport.render(DistributionReport(offline: false, distributions: [entry]))
        #expect(markdown.contains("| Host sent |"))
    }
}
