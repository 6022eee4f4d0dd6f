import TLSCatalog

/// One line of a targets list: where to connect, and optionally what to send as SNI and expect as Host header.
package struct TargetSpec: Sendable, Hashable, CustomStringConvertible {
    package var target: Target
    /// SNI for this target (overrides `--sni`).
    package var serverName: String?
    /// The Host header CloudFront would forward (overrides `--host-header`).
    package var hostHeader: String?
    /// Where the target came from, for error messages: "file:line" or "argument N".
    package var origin: String

    package init(target: Target, serverName: String? = nil, hostHeader: String? = nil, origin: String = "") {
        self.target = target
        self.serverName = serverName
        self.hostHeader = hostHeader
        self.origin = origin
    }

    package var description: String { target.description }
}

/// Parses target lists: `TARGET [sni=NAME] [host=HEADER]` per line, `#` comments, blank lines ignored.
package enum TargetList {
    /// Parses the text of a targets file; `source` names it in errors ("targets.txt:12: …").
    /// Duplicate targets (same host, port, SNI and Host header) are kept once.
    package static func parse(_ text: String, source: String, defaultPort: Int = 443) throws(TLSMatrixError) -> [TargetSpec] {
        guard !text.utf8.contains(0) else { throw TLSMatrixError(.invalidTargetList, "\(source): contains NUL bytes; not a text file") }
        var specs: [TargetSpec] = []
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard let first = fields.first else { continue }
            let spec = try parseLine(
                first: String(first), options: fields.dropFirst().map(String.init),
                where: "\(source):\(number)", defaultPort: defaultPort)
            specs.append(spec)
        }
        guard !specs.isEmpty else { throw TLSMatrixError(.invalidTargetList, "\(source): no targets (only blank lines or comments)") }
        return unique(specs)
    }

    /// The specs without repeats (same host, port, SNI and Host header), first occurrence kept.
    package static func unique(_ specs: [TargetSpec]) -> [TargetSpec] {
        var seen = Set<TargetSpec>()
        return specs.filter { spec in
            var key = spec
            key.origin = ""
            return seen.insert(key).inserted
        }
    }

    /// One target as written on the command line or a file line.
    package static func parseLine(
        first: String, options: [String] = [], where location: String,
        defaultPort: Int = 443
    ) throws(TLSMatrixError) -> TargetSpec {
        let target: Target
        do {
            target = try Target.parse(first, defaultPort: defaultPort)
        } catch {
            throw error.prefixed("\(location): ")
        }
        var spec = TargetSpec(target: target, origin: location)
        for option in options {
            let parts = option.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[1].isEmpty else {
                throw TLSMatrixError(.invalidTargetList, "\(location): '\(option)' is not sni=NAME or host=HEADER")
            }
            let value = String(parts[1])
            switch parts[0].lowercased() {
            case "sni":
                do { try Target.validateHostName(value) } catch {
                    throw error.prefixed("\(location): invalid sni: ")
                }
                spec.serverName = value.hasSuffix(".") ? String(value.dropLast()) : value
            case "host", "host-header":
                let name = value.split(separator: ":", maxSplits: 1).first.map(String.init) ?? value
                do { try Target.validateHostName(name) } catch {
                    throw error.prefixed("\(location): invalid host header: ")
                }
                spec.hostHeader = value
            default:
                throw TLSMatrixError(.invalidTargetList, "\(location): unknown option '\(parts[0])' (use sni=NAME or host=HEADER)")
            }
        }
        return spec
    }
}
