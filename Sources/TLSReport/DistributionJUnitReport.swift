import TLSDistribution
import TLSModel

/// `tlsmatrix distribution --format junit`: one `<testsuite>` per distribution, a `<testcase>` per origin and one
/// per alias check (the certificate an origin serves when Host is forwarded). An origin that fails carries its
/// causes (message, fix, path in the file) in `<failure>`; one that could not be audited is an `<error>`; a
/// skipped (S3, VPC) or not scanned (`--offline`) origin is `<skipped>`. Names and texts go through
/// ``JUnitReport/escape(_:)`` (terminal-safe, then XML).
package enum DistributionJUnitReport {
    /// How one test case ended.
    enum Result {
        case passed(output: [String])
        case failure(message: String, details: [String])
        case error(message: String)
        case skipped(message: String)
    }

    struct Case {
        var name: String
        var result: Result
    }

    package static func render(_ report: DistributionReport) -> String {
        render(DistributionPresentation(report))
    }

    package static func render(_ presentation: DistributionPresentation) -> String {
        let suites = presentation.distributions.map { ($0, cases($0, offline: presentation.report.offline)) }
        let all =
            suites.flatMap(\.1)
            + presentation.report.files.filter { $0.error != nil }
            .map { Case(name: "file \($0.file)", result: .error(message: $0.error ?? "not audited")) }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"tlsmatrix distribution\"\(counts(all))>\n"
        // an input file that gave nothing is an error of its own suite, so a CI gate sees it
        let unusable = presentation.report.files.filter { $0.error != nil }
        if !unusable.isEmpty {
            let cases = unusable.map { Case(name: "file \($0.file)", result: .error(message: $0.error ?? "not audited")) }
            out += "  <testsuite name=\"input files\"\(counts(cases))>\n"
            for item in cases {
                out += "    <testcase classname=\"input files\" name=\"\(x(item.name))\">\n"
                if case .error(let message) = item.result { out += "      <error message=\"\(x(message))\"/>\n" }
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        for (distribution, cases) in suites {
            let suiteName = "distribution \(distribution.entry.name)"
            out += "  <testsuite name=\"\(x(suiteName))\"\(counts(cases))>\n"
            out += "    <properties><property name=\"file\" value=\"\(x(distribution.entry.file))\"/>"
            out += "<property name=\"path\" value=\"\(x(distribution.entry.path))\"/>"
            out += "<property name=\"status\" value=\"\(x(distribution.entry.status.rawValue))\"/></properties>\n"
            for item in cases {
                out += "    <testcase classname=\"\(x(suiteName))\" name=\"\(x(item.name))\">\n"
                switch item.result {
                case .passed(let output):
                    if !output.isEmpty { out += "      <system-out>\(JUnitReport.lines(output))</system-out>\n" }
                case .failure(let message, let details):
                    out += "      <failure message=\"\(x(message))\">\(JUnitReport.lines(details))</failure>\n"
                case .error(let message):
                    out += "      <error message=\"\(x(message))\"/>\n"
                case .skipped(let message):
                    out += "      <skipped message=\"\(x(message))\"/>\n"
                }
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    static func x(_ text: String) -> String { JUnitReport.escape(text) }

    /// ` tests="…" failures="…" errors="…" skipped="…"`.
    static func counts(_ cases: [Case]) -> String {
        var failures = 0, errors = 0, skipped = 0
        for item in cases {
            switch item.result {
            case .passed: break
            case .failure: failures += 1
            case .error: errors += 1
            case .skipped: skipped += 1
            }
        }
        return " tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\""
    }

    static func cases(_ distribution: DistributionPresentation.Distribution, offline: Bool) -> [Case] {
        var cases: [Case] = []
        // a distribution-level cause (no origin at all) is a failing case of its own
        for cause in distribution.entry.causes {
            cases.append(
                Case(
                    name: "distribution \(distribution.entry.name): \(cause.id)",
                    result: .failure(message: cause.message, details: lines(cause))))
        }
        for row in distribution.rows {
            let origin = row.origin
            cases.append(Case(name: "origin \(origin.id) (\(row.endpoint))", result: result(row)))
            for check in origin.aliases {
                let name = "origin \(origin.id): certificate covers alias \(check.alias)"
                let served =
                    "the certificate served for SNI \(check.alias) "
                    + (check.names.isEmpty ? "has no DNS name" : "names " + check.names.joined(separator: ", "))
                let result: Result
                switch DistributionPresentation.aliasResult(check, of: origin, offline: offline) {
                case .covered:
                    result = .passed(output: [served])
                case .fails(let causes):
                    let message = check.covered == false ? "\(served): not \(check.alias)" : check.detail ?? "no certificate"
                    result = .failure(message: message, details: causes.flatMap(lines))
                case .undecided(let offline):
                    let message = check.detail ?? "no certificate was obtained"
                    result = offline ? .skipped(message: message) : .error(message: message)
                }
                cases.append(Case(name: name, result: result))
            }
        }
        return cases
    }

    static func result(_ row: DistributionPresentation.Row) -> Result {
        let origin = row.origin
        let generations = zip(origin.generations, origin.generations.map(DistributionPresentation.generation)).map { verdict, cell in
            "\(verdict.name): \(cell.line)"
        }
        switch origin.outcome {
        case .connects:
            return .passed(output: generations + (origin.http.map { ["HTTP port " + DistributionPresentation.http($0).line] } ?? []))
        case .fails:
            let ids = origin.causes.map(\.id)
            return .failure(
                message: "CloudFront would fail: " + ids.joined(separator: ", "),
                details: origin.causes.flatMap(lines) + generations)
        case .notAudited:
            return .error(message: origin.reason ?? "not audited")
        case .skipped, .notScanned:
            return .skipped(message: origin.reason ?? row.outcome.text)
        }
    }

    /// A cause as detail lines: `[id] message`, `fix: …`, `path: …`.
    static func lines(_ cause: CauseEntry) -> [String] {
        ["[\(cause.id)] \(cause.message)", "fix: \(cause.fix)", "path: \(cause.path)"]
            + (cause.generations.isEmpty ? [] : ["generations: " + cause.generations.joined(separator: ", ")])
    }
}
